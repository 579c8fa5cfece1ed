/**
 * Helpers for tests that render a dataset in shards, the way a scheduler runs deploy/ (Slurm
 * array tasks, Kubernetes Indexed Job pods), and compare the merged result with one unsharded
 * `deno task render` of the same scene: a small scene, processes run from the project root,
 * the byte-for-byte comparison, and a wait for a shard to be mid-clip (to kill it there).
 */
import { assert, assertEquals } from "./assert.ts";
import { listFiles } from "../engine/dataset/resume.ts";

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** A small copy of scenes/default.yaml: 8 clips of 6 frames at 32x32, with these outputs. */
export const shardScene = (outputs: string) => `
name: slurm_test
seed: 7
clips: 8
frames: 6
fps: 12
size: [32, 32]
outputs: [${outputs}]
camera: { position: [0, 1.6, 4.2], look_at: [0, 0.45, 0], fov: 45 }
background: [0.55, 0.68, 0.85]
lights:
  - { type: directional, direction: [-0.5, -1, -0.4], intensity: 3 }
objects:
  - { name: floor, class: floor, mesh: plane, scale: [12, 1, 12], color: [0.55, 0.5, 0.45] }
  - name: ball
    class: ball
    mesh: sphere
    scale: 0.7
    color: { choice: ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e"] }
    motion:
      - { frame: 0, position: [-1.4, 0.35, 0.4] }
      - { frame: 5, position: [1.4, 0.35, 0.4] }
  - name: box
    class: box
    mesh: cube
    position: [[-0.9, 0.3, -0.8], [-0.5, 0.3, -0.6]]
    rotation: [0, [0, 90], 0]
    scale: 0.6
plugins:
  - { use: captioner/generic }
`;

const decoder = new TextDecoder();

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the project root (env adds to this process's environment). */
export async function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const out = await new Deno.Command(cmd, {
    args,
    env,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** run, failing with the command's output unless it exits 0; its stdout. */
export async function runOk(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = await run(cmd, args, env);
  assertEquals(r.code, 0, `${cmd} ${args.join(" ")} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every file of a dataset folder (relative path → bytes), leaving out what skip names. */
export async function snapshot(dir: string, skip: (rel: string) => boolean = () => false) {
  const files = new Map<string, Uint8Array>();
  for (const path of await listFiles(dir)) {
    const rel = path.slice(dir.length + 1);
    if (!skip(rel)) files.set(rel, await Deno.readFile(path));
  }
  return files;
}

/** The merged dataset equals the unsharded one: same files, same bytes, every clip once and ok. */
export async function assertSameDataset(
  merged: string,
  reference: string,
  clips: number,
  what: string,
) {
  const names = [...Deno.readDirSync(merged)].map((e) => e.name);
  assertEquals(
    names.filter((n) => n.startsWith(".partial") || n.includes(".tmp-")),
    [],
    `${what}: leftovers`,
  );
  const lines = (await Deno.readTextFile(`${merged}/manifest.jsonl`)).trim().split("\n")
    .map((l) => JSON.parse(l));
  assertEquals(
    lines.map((l) => [l.clip, l.status]),
    Array.from({ length: clips }, (_, i) => [i, "ok"]),
    `${what}: manifest.jsonl lists every clip once, ok`,
  );
  const actual = await snapshot(merged, (rel) => rel.startsWith("manifest.shard-"));
  const expected = await snapshot(reference);
  assertEquals([...actual.keys()].sort(), [...expected.keys()].sort(), `${what}: file lists`);
  const differ = [...expected].filter(([rel, bytes]) => {
    const other = actual.get(rel)!;
    return other.length !== bytes.length || bytes.some((b, i) => b !== other[i]);
  }).map(([rel]) => rel);
  assertEquals(differ, [], `${what}: files whose bytes differ from the unsharded render`);
  for (let clip = 0; clip < clips; clip++) {
    const dir = `clip_${String(clip).padStart(5, "0")}`;
    for (const file of ["labels.json", "captions.json", "depth.npy", "rgb.mp4"]) {
      assert(actual.has(`${dir}/${file}`), `${what}: ${dir}/${file}`);
    }
  }
}

/** `deno task render` of the scene in one process, as a user runs it: the reference bytes. */
export async function reference(scene: string, out: string, args: string[]) {
  await runOk(Deno.execPath(), [
    "task",
    "render",
    "--scene",
    scene,
    "--out",
    out,
    "--quiet",
    ...args,
  ], { XDG_RUNTIME_DIR: "/tmp" });
}

/**
 * Waits (polling fast) until shard `index` of `count` has a clip in progress in `out`, and, with
 * `finished`, that many clips listed in its manifest; false on timeout.
 */
export async function clipInProgress(
  out: string,
  index: number,
  count: number,
  { finished = 0, ms = 60_000 } = {},
) {
  const until = Date.now() + ms;
  const tag = `shard-${index}-of-${count}`;
  while (Date.now() < until) {
    try {
      const done = finished === 0 ? 0 : (await Deno.readTextFile(`${out}/manifest.${tag}.jsonl`))
        .split("\n").filter((l) => l.trim()).length;
      if (done >= finished) {
        for (const e of Deno.readDirSync(`${out}/.partial-${tag}`)) {
          if (e.name.startsWith("clip_")) return true;
        }
      }
    } catch {
      // Not started yet.
    }
    await sleep(20);
  }
  return false;
}
