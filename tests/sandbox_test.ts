/**
 * `deno task render` runs scene plugins in a sandbox: they may write only the output folder.
 * Runs the README's command (deno task render) with scenes and output folders outside the project.
 */
import { assert, assertEquals } from "./assert.ts";

const PROJECT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const CONTRACT = new URL("../engine/plugin/contract.ts", import.meta.url).href;

/** `deno task render ARGS` from `cwd` (the project unless given). */
function render(args: string[], cwd = PROJECT) {
  return new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "--config", `${PROJECT}/deno.json`, "render", "--quiet", ...args],
    cwd,
    // What npx and deno task set: the folder the user ran the command from.
    env: { INIT_CWD: cwd },
    stdout: "piped",
    stderr: "piped",
  });
}

const SCENE = (extra = "") => `
name: sandbox
seed: 1
clips: 2
frames: 3
size: [32, 24]
outputs: [rgb, depth]
camera: { position: [0, 1, 4], look_at: [0, 0.5, 0] }
objects:
  - { name: floor, mesh: plane, scale: [6, 1, 6] }
  - { name: ball, mesh: sphere, position: [0, 0.5, 0], scale: 0.5 }
${extra}`;

async function listing(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("a scene plugin cannot write, read, run, connect or read env outside the render's grant", async () => {
  const sceneDir = await Deno.makeTempDir({ prefix: "synthvid_scene_" });
  const elsewhere = await Deno.makeTempDir({ prefix: "synthvid_elsewhere_" });
  const outRoot = await Deno.makeTempDir({ prefix: "synthvid_out_" });
  await Deno.writeTextFile(`${elsewhere}/secret.txt`, "not yours");
  const probe = `${PROJECT}/node_modules/.synthvid_sandbox_probe`;
  const attempts = [
    `await Deno.writeTextFile(${JSON.stringify(`${elsewhere}/written.txt`)}, "x")`,
    `await Deno.writeTextFile(${JSON.stringify(probe)}, "x")`,
    `await Deno.readTextFile(${JSON.stringify(`${elsewhere}/secret.txt`)})`,
    `await new Deno.Command("true").output()`,
    `(await Deno.connect({ hostname: "127.0.0.1", port: 9 })).close()`,
    `Deno.env.get("HOME")`,
  ];
  await Deno.writeTextFile(
    `${sceneDir}/hostile.ts`,
    `import { definePlugin } from "${CONTRACT}";
export const hostile = definePlugin({
  id: "action/hostile",
  kind: "action",
  description: "tries one thing a render must not do per clip",
  defaults: {},
  create: () => ({
    async clipStart(ctx) {
      switch (ctx.clip) {
${attempts.map((a, i) => `        case ${i}: ${a}; break;`).join("\n")}
      }
    },
  }),
});
`,
  );
  await Deno.writeTextFile(
    `${sceneDir}/scene.yaml`,
    SCENE("import: [hostile.ts]\nplugins:\n  - { use: action/hostile, name: intruder }\n"),
  );
  const before = await listing(elsewhere);
  const out = `${outRoot}/run`;
  const result = await render([
    "--scene",
    `${sceneDir}/scene.yaml`,
    "--out",
    out,
    "--clips",
    String(attempts.length + 1),
  ]).output();
  const stderr = new TextDecoder().decode(result.stderr);
  assertEquals(result.code, 1, stderr);
  const lines = (await Deno.readTextFile(`${out}/manifest.jsonl`)).trim().split("\n")
    .map((l) => JSON.parse(l));
  const kinds = ["write", "write", "read", "run", "net", "env"];
  for (const [i, kind] of kinds.entries()) {
    assertEquals(lines[i].status, "failed", `clip ${i}: ${attempts[i]} was allowed`);
    const error: string = lines[i].error;
    assert(error.includes(`plugin "intruder"`), error);
    assert(error.includes(`Requires ${kind} access`), `clip ${i}: ${error}`);
    assert(error.includes("docs/plugins.md, Permissions"), error);
  }
  assertEquals(lines[attempts.length].status, "ok");
  assertEquals(await listing(elsewhere), before);
  assertEquals(await Deno.stat(probe).then(() => true, () => false), false);
  for (const dir of [sceneDir, elsewhere, outRoot]) await Deno.remove(dir, { recursive: true });
});

Deno.test("render and resume with a scene and --out outside the project, relative --out too", async () => {
  const sceneDir = await Deno.makeTempDir({ prefix: "synthvid_scene_" });
  const work = await Deno.makeTempDir({ prefix: "synthvid_work_" });
  await Deno.writeTextFile(`${sceneDir}/scene.yaml`, SCENE());
  const out = `${work}/abs`;
  const first = await render(["--scene", `${sceneDir}/scene.yaml`, "--out", out]).output();
  assertEquals(first.code, 0, new TextDecoder().decode(first.stderr));
  assertEquals(await listing(out), ["clip_00000", "clip_00001", "dataset.json", "manifest.jsonl"]);
  const again = await render(["--scene", `${sceneDir}/scene.yaml`, "--out", out]).output();
  const said = new TextDecoder().decode(again.stderr);
  assertEquals(again.code, 0, said);
  assert(said.includes("kept 2 finished clip(s)"), said);
  // Relative paths are the caller's: from `work`, --out rel lands in work/rel.
  const relative = await render(["--scene", `${sceneDir}/scene.yaml`, "--out", "rel"], work)
    .output();
  assertEquals(relative.code, 0, new TextDecoder().decode(relative.stderr));
  assert((await listing(`${work}/rel`)).includes("clip_00001"));
  // The renderer's own code is no output folder.
  const refused = await render(["--scene", `${sceneDir}/scene.yaml`, "--out", "node_modules/x"])
    .output();
  assertEquals(refused.code, 2);
  assert(new TextDecoder().decode(refused.stderr).includes("not an output folder"));
  for (const dir of [sceneDir, work]) await Deno.remove(dir, { recursive: true });
});

/** Processes whose command line mentions every one of `needles`. */
async function processesWith(...needles: string[]): Promise<number[]> {
  const found: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (needles.every((n) => cmdline.includes(n)) && Number(e.name) !== Deno.pid) {
      found.push(Number(e.name));
    }
  }
  return found;
}

async function until(what: string, test: () => Promise<boolean>, seconds: number) {
  for (let t = 0; t < seconds * 20; t++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("SIGTERM or SIGKILL to the launcher, SIGKILL to deno task: the renderer stops; a rerun resumes", async () => {
  const sceneDir = await Deno.makeTempDir({ prefix: "synthvid_scene_" });
  await Deno.writeTextFile(`${sceneDir}/scene.yaml`, SCENE().replace("clips: 2", "clips: 400"));
  const out = `${sceneDir}/out`;
  // Finished clips (the manifest is written at the end of a run; a killed run has none).
  const finished = async () =>
    (await listing(out).catch(() => [] as string[])).filter((n) => n.startsWith("clip_")).length;
  for (const kill of ["launcher SIGTERM", "launcher SIGKILL", "task SIGKILL"]) {
    const task = new Deno.Command(Deno.execPath(), {
      args: [
        "task",
        "--quiet",
        "render",
        "--quiet",
        "--scene",
        `${sceneDir}/scene.yaml`,
        "--out",
        out,
      ],
      cwd: PROJECT,
      stdout: "null",
      stderr: "null",
    }).spawn();
    const done = await finished();
    await until("a clip", async () => (await finished()) > done, 60);
    const renderer = await processesWith("engine/cli/render.ts", out);
    assert(renderer.length > 0, "the renderer runs");
    if (kill.startsWith("launcher")) {
      // Not the npm package's bin.cjs wrapper that deno task puts in between.
      let launcher = 0;
      for (const pid of await processesWith("engine/cli/launch.ts", sceneDir)) {
        const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "bin.cjs");
        if (!cmdline.includes("bin.cjs")) launcher = pid;
      }
      assert(launcher > 0, "the launcher runs");
      Deno.kill(launcher, kill === "launcher SIGTERM" ? "SIGTERM" : "SIGKILL");
      const status = await task.status;
      assert(!status.success, "the task reports the stop");
    } else {
      task.kill("SIGKILL");
      await task.status;
    }
    await until("the renderer to stop", async () => (await processesWith(out)).length === 0, 10);
  }
  // A rerun resumes what the stopped runs finished.
  const kept = await finished();
  assert(kept >= 2, `${kept} clips finished before the stops`);
  const only = Array.from({ length: kept }, (_, i) => i).join(",");
  const rerun = await render(["--scene", `${sceneDir}/scene.yaml`, "--out", out, "--only", only])
    .output();
  const said = new TextDecoder().decode(rerun.stderr);
  assertEquals(rerun.code, 0, said);
  assert(said.includes(`kept ${kept} finished clip(s)`), said);
  await Deno.remove(sceneDir, { recursive: true });
});

Deno.test("a file outside the scene's folder needs its folder under `read:`; then the render may read it", async () => {
  const { encodeWav } = await import("../engine/audio/wav.ts");
  const sceneDir = await Deno.makeTempDir({ prefix: "synthvid_scene_" });
  const data = await Deno.makeTempDir({ prefix: "synthvid_data_" });
  const tone = new Float32Array(4800).map((_, n) => 0.3 * Math.sin(n * 0.1));
  await Deno.writeFile(`${data}/tone.wav`, encodeWav([tone], 48000, "pcm16"));
  const sound =
    `plugins:\n  - { use: audio/clips, name: beep, with: { file: ${data}/tone.wav, object: ball } }\n`;
  await Deno.writeTextFile(`${sceneDir}/scene.yaml`, SCENE(sound));
  const out = `${sceneDir}/out`;
  const refused = await render(["--scene", `${sceneDir}/scene.yaml`, "--out", out]).output();
  const said = new TextDecoder().decode(refused.stderr);
  assertEquals(refused.code, 2, said);
  assert(said.includes("scene.yaml:") && said.includes("read:"), said);
  assertEquals(await Deno.stat(out).then(() => true, () => false), false);
  await Deno.writeTextFile(`${sceneDir}/scene.yaml`, SCENE(`read: [${data}]\n${sound}`));
  const granted = await render(["--scene", `${sceneDir}/scene.yaml`, "--out", out]).output();
  assertEquals(granted.code, 0, new TextDecoder().decode(granted.stderr));
  const report = JSON.parse(await Deno.readTextFile(`${out}/clip_00000/audio.json`));
  assertEquals(report.sources.map((s: { name: string }) => s.name), ["beep"]);
  // A listed folder that does not exist is a located error.
  await Deno.writeTextFile(`${sceneDir}/scene.yaml`, SCENE(`read: [${data}/missing]\n`));
  const missing = await render(["--scene", `${sceneDir}/scene.yaml`, "--out", `${out}2`]).output();
  const text = new TextDecoder().decode(missing.stderr);
  assertEquals(missing.code, 2, text);
  assert(/scene\.yaml:\d+:\d+/.test(text) && text.includes("is not a folder"), text);
  for (const dir of [sceneDir, data]) await Deno.remove(dir, { recursive: true });
});
