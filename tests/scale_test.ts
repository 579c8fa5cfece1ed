/**
 * Datasets at scale: shards, resume after SIGKILL, merge, pack, and the
 * Kubernetes/Slurm recipes. Renders go through the real CLI in child processes
 * (as a cluster runs them) at 32x32 with 3 frames, so the whole file stays fast.
 */
import { parseAllDocuments } from "yaml";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { testGpu } from "./helpers.ts";
import { DEBIAN_PYTHON } from "./readers.ts";
import { FLAGS as RENDER_FLAGS } from "../engine/cli/render.ts";
import { mergeManifests } from "../engine/dataset/merge.ts";
import { FLAGS as MERGE_FLAGS } from "../engine/cli/merge.ts";
import { packDataset } from "../engine/dataset/pack.ts";
import { FLAGS as PACK_FLAGS, parseSize } from "../engine/cli/pack.ts";
import { checkClip, listFiles, ResumeError } from "../engine/dataset/resume.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { parseShard, type Shard, shardClips, ShardError } from "../engine/dataset/shard.ts";
import { Rng } from "../engine/scene/rng.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const CLIPS = 6;

const SCENE = `
name: scale_test
seed: 11
clips: ${CLIPS}
frames: 3
fps: 12
size: [32, 32]
outputs: [rgb, depth, normals, instance, flow, preview]
camera: { position: [0, 1.2, 3], look_at: [0, 0.3, 0], fov: 50 }
background: [0.5, 0.6, 0.8]
lights:
  - { type: directional, direction: [-0.5, -1, -0.4], intensity: 3 }
objects:
  - { name: floor, class: floor, mesh: plane, scale: [6, 1, 6], color: [0.5, 0.5, 0.45] }
  - name: ball
    class: ball
    mesh: sphere
    scale: [0.4, 0.8]
    color: { choice: ["#d62728", "#1f77b4", "#2ca02c"] }
    motion: [{ frame: 0, position: [-0.8, 0.3, 0] }, { frame: 2, position: [0.8, 0.3, 0] }]
  - { name: box, class: box, mesh: cube, position: [[-1, 0.3, -1], [1, 0.3, -0.5]], rotation: [0, [0, 90], 0], scale: 0.5 }
import: [marker.ts]
plugins:
  - { use: action/marker, with: { strength: [0.1, 0.9] } }
  - { use: audio/ambience }
`;

// A scene-local plugin: an event and a caption per clip drawn from the clip's RNG, so manifest
// lines carry real events and captions (resume must rebuild them byte for byte).
const MARKER = `
import { definePlugin } from "${new URL("../engine/plugin/contract.ts", import.meta.url).href}";
export const marker = definePlugin({
  id: "action/marker",
  kind: "action",
  description: "test: one event and one caption per clip",
  defaults: { strength: 0.5 },
  create() {
    return {
      clipEnd(ctx) {
        const verb = ctx.rng.choice(["nudge", "spin", "wait"]);
        ctx.emit({ verb, subjects: [2], start: 0, end: ctx.frames - 1, label: verb + " " + ctx.options.strength });
        ctx.caption({ style: "template", text: "The ball does " + verb + " at " + ctx.rng.uniform(0, 1) });
      },
    };
  },
});
`;

let sceneDir: Promise<string> | undefined;
function scene(): Promise<string> {
  return sceneDir ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "synthvid_scale_" });
    await Deno.writeTextFile(`${dir}/scene.yaml`, SCENE);
    await Deno.writeTextFile(`${dir}/marker.ts`, MARKER);
    return dir;
  })();
}

/** `deno run -A engine/cli/render.ts …` as a child process (what a pod or array task runs). */
function renderCommand(args: string[], env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/engine/cli/render.ts`, "--quiet", ...args],
    cwd: ROOT,
    env: { XDG_RUNTIME_DIR: "/tmp", ...env },
    stdout: "piped",
    stderr: "piped",
  });
}

async function render(args: string[], env: Record<string, string> = {}) {
  const result = await renderCommand(args, env).output();
  const stderr = new TextDecoder().decode(result.stderr);
  return { code: result.code, stderr };
}

async function renderOk(args: string[], env: Record<string, string> = {}) {
  const r = await render(args, env);
  assertEquals(r.code, 0, `render ${args.join(" ")} failed:\n${r.stderr}`);
  return r.stderr;
}

/** Every file of a dataset folder (relative path → bytes), leaving out what merge/pack add. */
async function snapshot(dir: string, skip: (rel: string) => boolean = () => false) {
  const files = new Map<string, Uint8Array>();
  for (const path of await listFiles(dir)) {
    const rel = path.slice(dir.length + 1);
    if (!skip(rel)) files.set(rel, await Deno.readFile(path));
  }
  return files;
}

function assertSameFiles(
  actual: Map<string, Uint8Array>,
  expected: Map<string, Uint8Array>,
  what: string,
) {
  assertEquals(
    [...actual.keys()].sort(),
    [...expected.keys()].sort(),
    `${what}: file lists differ`,
  );
  // Name every file that differs and where, so a rare difference says what it was.
  const differ: string[] = [];
  for (const [rel, bytes] of expected) {
    const other = actual.get(rel)!;
    if (other.length !== bytes.length) {
      differ.push(`${rel} (${other.length} vs ${bytes.length} bytes)`);
    } else {
      const at = bytes.findIndex((b, i) => b !== other[i]);
      const count = bytes.reduce((n, b, i) => n + (b === other[i] ? 0 : 1), 0);
      if (at >= 0) differ.push(`${rel} (${count} of ${bytes.length} bytes, first at ${at})`);
    }
  }
  assert(differ.length === 0, `${what}: ${differ.join(", ")} differs`);
}

const clipFiles = (rel: string) => !rel.startsWith("clip_");

let reference: Promise<string> | undefined;
/** One process rendering every clip: the bytes every other way of running must reproduce. */
function referenceRun(): Promise<string> {
  return reference ??= (async () => {
    const dir = await scene();
    await renderOk(["--scene", `${dir}/scene.yaml`, "--out", `${dir}/reference`]);
    return `${dir}/reference`;
  })();
}

Deno.test("--shard i/N and auto: Kubernetes and Slurm environments, errors, a partition of the clips", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(parseShard("2/8", undefined, env({})), { index: 2, count: 8 });
  assertEquals(parseShard("auto", 4, env({ JOB_COMPLETION_INDEX: "3" })), { index: 3, count: 4 });
  assertEquals(
    parseShard("auto", undefined, env({ JOB_COMPLETION_INDEX: "0", SYNTHVID_SHARD_COUNT: "5" })),
    { index: 0, count: 5 },
  );
  // Slurm: --array=1-10 gives ids 1..10 and MIN=1; --array=0-18:2 gives ids 0,2,..,18 and STEP=2.
  assertEquals(
    parseShard(
      "auto",
      undefined,
      env({ SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "10" }),
    ),
    { index: 0, count: 10 },
  );
  assertEquals(
    parseShard(
      "auto",
      undefined,
      env({ SLURM_ARRAY_TASK_ID: "10", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "10" }),
    ),
    { index: 9, count: 10 },
  );
  assertEquals(
    parseShard(
      "auto",
      undefined,
      env({
        SLURM_ARRAY_TASK_ID: "6",
        SLURM_ARRAY_TASK_MIN: "0",
        SLURM_ARRAY_TASK_STEP: "2",
        SLURM_ARRAY_TASK_COUNT: "10",
      }),
    ),
    { index: 3, count: 10 },
  );
  for (
    const [spec, vars, shards] of [
      ["3/3", {}, undefined],
      ["1/0", {}, undefined],
      ["1-3", {}, undefined],
      ["1/3", {}, 3],
      ["auto", {}, undefined],
      ["auto", { JOB_COMPLETION_INDEX: "2" }, undefined], // no count
      ["auto", { JOB_COMPLETION_INDEX: "4", SYNTHVID_SHARD_COUNT: "4" }, undefined],
      [
        "auto",
        { SLURM_ARRAY_TASK_ID: "7", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "3" },
        undefined,
      ], // a list
    ] as [string, Record<string, string>, number | undefined][]
  ) {
    const error = assertThrows(() => parseShard(spec, shards, env(vars)));
    assert(error instanceof ShardError, `${spec} ${JSON.stringify(vars)}: ${error}`);
  }
  for (const clips of [1, 7, 100, 1001]) {
    for (const count of [1, 3, 8, 64]) {
      const all = Array.from({ length: count }, (_, index) => shardClips(clips, { index, count }))
        .flat();
      assertEquals(
        all,
        Array.from({ length: clips }, (_, i) => i),
        `${clips} clips in ${count} shards`,
      );
      const sizes = Array.from(
        { length: count },
        (_, index) => shardClips(clips, { index, count }).length,
      );
      assert(Math.max(...sizes) - Math.min(...sizes) <= 1, "shards differ by at most one clip");
    }
  }
});

Deno.test("3 shards as parallel processes, merged, equal one process byte for byte", async () => {
  const ref = await referenceRun();
  const dir = await scene();
  const out = `${dir}/sharded`;
  const logs = await Promise.all(
    [0, 1, 2].map((i) =>
      renderOk(["--scene", `${dir}/scene.yaml`, "--out", out, "--shard", `${i}/3`])
    ),
  );
  assert(logs.every((l) => l.includes("wrote 2 clip(s)")), logs.join("\n"));
  for (let i = 0; i < 3; i++) {
    const lines = (await Deno.readTextFile(`${out}/manifest.shard-${i}-of-3.jsonl`)).trim().split(
      "\n",
    );
    assertEquals(lines.map((l) => JSON.parse(l).clip), shardClips(CLIPS, { index: i, count: 3 }));
  }
  // Through the deno.json task, as a user runs it.
  const merge = await new Deno.Command(Deno.execPath(), {
    args: ["task", "merge", out],
    cwd: ROOT,
    stderr: "piped",
  })
    .output();
  assertEquals(merge.code, 0, new TextDecoder().decode(merge.stderr));
  const isShardFile = (rel: string) => rel.startsWith("manifest.shard-");
  assertSameFiles(await snapshot(out, isShardFile), await snapshot(ref), "sharded vs one process");
  const manifest = await Deno.readTextFile(`${out}/manifest.jsonl`);
  assert(manifest.includes('"captions":[{"style":"template"'), "manifest lines carry captions");

  // Merge is idempotent and notices a missing shard.
  await Deno.remove(`${out}/manifest.jsonl`);
  await Deno.rename(`${out}/manifest.shard-1-of-3.jsonl`, `${dir}/held-back.jsonl`);
  await Deno.remove(`${out}/clip_00002`, { recursive: true });
  const partial = await mergeManifests(out);
  assertEquals(partial.missing, [2, 3]);
  assertEquals(partial.broken, []);
  // clip_00003's folder is there but no manifest lists it yet; --shard 1/3 again renders clip 2 only.
  await Deno.rename(`${dir}/held-back.jsonl`, `${out}/manifest.shard-1-of-3.jsonl`);
  const broken = await mergeManifests(out);
  assertEquals(broken.missing, [2]);
  assertEquals(broken.broken.map((b) => b.clip), [2]);
  const redo = await renderOk(["--scene", `${dir}/scene.yaml`, "--out", out, "--shard", "1/3"]);
  assert(redo.includes("kept 1 finished clip(s); wrote 1 clip(s)"), redo);
  // Leftovers of a killed shard of another sharding: reported, and removed only with clean.
  await Deno.mkdir(`${out}/.partial-shard-9-of-10/clip_00005`, { recursive: true });
  await Deno.writeTextFile(`${out}/manifest.shard-9-of-10.jsonl.tmp-123-4`, "{");
  const reported = await mergeManifests(out, { verify: true });
  assertEquals(reported.leftovers, [
    ".partial-shard-9-of-10",
    "manifest.shard-9-of-10.jsonl.tmp-123-4",
  ]);
  const done = await mergeManifests(out, { verify: true, clean: true });
  assertEquals([done.ok, done.missing, done.failed], [CLIPS, [], []]);
  assertEquals((await mergeManifests(out)).leftovers, []);
  assertSameFiles(
    await snapshot(out, isShardFile),
    await snapshot(ref),
    "after re-running a shard",
  );
});

Deno.test("SIGKILL at 10+ seeded random moments, then resume: complete, nothing partial, same bytes", async () => {
  const ref = await referenceRun();
  const dir = await scene();
  const out = `${dir}/killed`;
  const args = ["--scene", `${dir}/scene.yaml`, "--out", out];
  // The kill moments are drawn from a seeded RNG over one uninterrupted run's duration; what the
  // process was doing at that moment depends on timing, the end result must not.
  const started = performance.now();
  await renderOk([...args, "--out", `${dir}/timing`]);
  const runMs = performance.now() - started;
  const rng = new Rng(20240611);
  let kills = 0;
  const seen: string[] = [];
  for (let attempt = 0; kills < 12 && attempt < 60; attempt++) {
    const child = renderCommand(args).spawn();
    // Resumed runs have fewer clips left, so kill early enough to land mid-run under load too.
    const delay = rng.uniform(0.15, 0.75) * runMs;
    await new Promise((resolve) => setTimeout(resolve, delay));
    let killed = false;
    try {
      child.kill("SIGKILL");
      killed = true;
    } catch {
      // Already exited: it finished (possible once most clips are done).
    }
    const status = await child.status;
    await child.stdout.cancel();
    await child.stderr.cancel();
    if (killed && status.signal === "SIGKILL") {
      kills++;
      let entries: string[] = [];
      try {
        entries = [...Deno.readDirSync(out)].map((e) => e.name);
      } catch {
        // Killed before it made the folder.
      }
      seen.push(
        `${Math.round(delay)}ms: ${entries.filter((e) => e.startsWith("clip_")).length} clips` +
          (entries.some((e) => e.startsWith(".partial")) ? " + partial" : ""),
      );
      // Every clip folder in place at any moment is whole: renames are the only way in.
      for (const name of entries.filter((e) => e.startsWith("clip_"))) {
        const clip = Number(name.slice(5));
        const check = await checkClip(`${out}/${name}`, clip, {
          seed: 11,
          frames: 3,
          width: 32,
          height: 32,
          outputs: ["rgb", "depth", "normals", "instance", "flow", "preview"],
        });
        assert(check.ok, `killed at ${delay} ms: ${name} is in place but damaged`);
      }
    } else {
      // Finished before the kill: start over so later kills still land mid-run.
      await Deno.remove(out, { recursive: true }).catch(() => {});
    }
  }
  console.log(`  kills: ${seen.join(", ")}`);
  assert(kills >= 10, `only ${kills} kills landed`); // the issue asks for at least 10
  const last = await renderOk(args);
  assert(/kept \d+ finished clip\(s\)|wrote 6 clip/.test(last), last);
  const names = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  assertEquals(
    names.filter((n) => n.startsWith(".partial") || n.includes(".tmp-")),
    [],
    "leftovers",
  );
  const lines = (await Deno.readTextFile(`${out}/manifest.jsonl`)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  assertEquals(
    lines.map((l) => [l.clip, l.status]),
    Array.from({ length: CLIPS }, (_, i) => [i, "ok"]),
  );
  assertSameFiles(await snapshot(out), await snapshot(ref), "killed and resumed vs uninterrupted");
});

Deno.test("resume: damaged clips are redone, lost manifest lines rebuilt, other runs refused", async () => {
  const ref = await referenceRun();
  const dir = await scene();
  const out = `${dir}/damaged`;
  await Deno.mkdir(out);
  for (const path of await listFiles(ref)) {
    const rel = path.slice(ref.length + 1);
    await Deno.mkdir(`${out}/${rel}`.replace(/\/[^/]*$/, ""), { recursive: true });
    await Deno.copyFile(path, `${out}/${rel}`);
  }
  const truncate = async (path: string, keep: number) => {
    const bytes = await Deno.readFile(path);
    await Deno.writeFile(path, bytes.subarray(0, keep));
  };
  await truncate(`${out}/clip_00000/depth.npy`, 200); // short data
  await Deno.writeTextFile(`${out}/clip_00001/labels.json`, '{"clip": 1, "seed": 11,'); // cut JSON
  await Deno.writeFile(`${out}/clip_00002/rgb.mp4`, new Uint8Array()); // empty video
  await Deno.remove(`${out}/clip_00003/flow.npy`); // missing file
  await Deno.remove(`${out}/clip_00005/audio/mix.wav`); // missing audio
  const manifest = (await Deno.readTextFile(`${out}/manifest.jsonl`)).split("\n");
  await Deno.writeTextFile(
    `${out}/manifest.jsonl`,
    manifest.filter((l) => !l.includes('"clip":4')).join("\n"),
  );
  await Deno.mkdir(`${out}/.partial/clip_00005`, { recursive: true });
  await Deno.writeTextFile(`${out}/.partial/clip_00005/labels.json`, "{");

  const logs: string[] = [];
  const summary = await renderDataset({
    scene: `${dir}/scene.yaml`,
    out,
    gpu: await testGpu(),
    log: (l) => logs.push(l),
  });
  assertEquals(summary.clips.map((c) => c.clip), [0, 1, 2, 3, 5], logs.join("\n"));
  assertEquals(summary.kept, 1);
  const text = logs.join("\n");
  for (
    const why of [
      "depth.npy: 200 bytes",
      "labels.json: does not parse",
      "rgb.mp4: empty",
      "flow.npy: missing",
      "audio.json names audio/mix.wav, which is missing",
    ]
  ) {
    assert(text.includes(why), `log names "${why}":\n${text}`);
  }
  assertSameFiles(await snapshot(out), await snapshot(ref), "repaired vs reference");

  // Another seed, size or scene in this folder is an error; --resume needs a run to continue.
  const other = await render(["--scene", `${dir}/scene.yaml`, "--out", out, "--seed", "12"]);
  assertEquals(other.code, 2);
  assert(
    other.stderr.includes("already holds a different run (seed: folder has 11, this run has 12)"),
    other.stderr,
  );
  await Deno.writeTextFile(`${dir}/other.yaml`, SCENE.replace("fov: 50", "fov: 55"));
  const clash = await assertRejects(
    () => renderDataset({ scene: `${dir}/other.yaml`, out, log: () => {} }),
    "scene_sha256",
  );
  assert(clash instanceof ResumeError);
  const fresh = await render([
    "--scene",
    `${dir}/scene.yaml`,
    "--out",
    `${dir}/nothing-here`,
    "--resume",
  ]);
  assertEquals(fresh.code, 2);
  assert(fresh.stderr.includes("holds no run to resume"), fresh.stderr);
  const bad = await render(["--scene", `${dir}/scene.yaml`, "--out", out, "--shard", "3/3"]);
  assertEquals(bad.code, 2);
  assert(bad.stderr.includes("shard index 3 is outside 0..2"), bad.stderr);
});

Deno.test("pack: tar shards list every clip once, extract with Python's tarfile to the same bytes", async () => {
  const ref = await referenceRun();
  const dir = await scene();
  const clipBytes = (await snapshot(`${ref}/clip_00000`)).values().reduce(
    (n, b) => n + b.length,
    0,
  );
  // About two clips per shard.
  const index = await packDataset(ref, {
    targetSize: Math.round(clipBytes * 2.6),
    out: `${dir}/wds`,
  });
  assertEquals(index.clips, CLIPS);
  assert(index.shards.length >= 3, `${index.shards.length} shards`);
  assertEquals(
    index.shards.flatMap((s) => s.clips.map((c) => c.clip)),
    Array.from({ length: CLIPS }, (_, i) => i),
  );
  for (const s of index.shards) {
    assert(s.bytes <= index.target_size || s.clips.length === 1, `${s.file} is over the target`);
    assertEquals((await Deno.stat(`${dir}/wds/${s.file}`)).size, s.bytes);
    // Index offsets point at the files' bytes.
    const tar = await Deno.readFile(`${dir}/wds/${s.file}`);
    for (const c of s.clips) {
      for (const f of c.files) {
        const original = await Deno.readFile(`${ref}/${c.key}/${f.file}`);
        const slice = tar.subarray(f.offset, f.offset + f.size);
        assert(
          slice.every((b, i) => b === original[i]) && slice.length === original.length,
          `${f.name} offset`,
        );
      }
    }
  }
  const python = `
import json, sys, tarfile, collections
root = sys.argv[1]
index = json.load(open(root + "/index.json"))
keys = collections.Counter()
for shard in index["shards"]:
    with tarfile.open(root + "/" + shard["file"]) as tar:
        names = tar.getnames()
        # WebDataset groups consecutive members by key; each key must be one run of members.
        runs = [k for i, k in enumerate(n.split(".", 1)[0] for n in names) if i == 0 or names[i-1].split(".", 1)[0] != k]
        for k in runs:
            keys[k] += 1
        tar.extractall(root + "/extracted")
print(json.dumps(keys))
`;
  const py = await new Deno.Command(DEBIAN_PYTHON, {
    args: ["-c", python, `${dir}/wds`],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  assertEquals(py.code, 0, new TextDecoder().decode(py.stderr));
  const keys = JSON.parse(new TextDecoder().decode(py.stdout));
  assertEquals(
    keys,
    Object.fromEntries(Array.from({ length: CLIPS }, (_, i) => [`clip_0000${i}`, 1])),
  );
  // Member names map back to clip files through the index (sub-folders were flattened with dots).
  const original = new Map(
    index.shards.flatMap((s) =>
      s.clips.flatMap((c) => c.files.map((f) => [f.name, `${c.key}/${f.file}`]))
    ),
  );
  const extracted = new Map<string, Uint8Array>();
  for (const [name, bytes] of await snapshot(`${dir}/wds/extracted`)) {
    assert(original.has(name), `${name} is in the index`);
    extracted.set(original.get(name)!, bytes);
  }
  assert(original.has("clip_00000.audio.stems.audio_ambience.wav"), "audio stems are packed");
  assertSameFiles(extracted, await snapshot(ref, clipFiles), "extracted vs dataset");

  // Packing is deterministic, and the same again gives the same bytes.
  const first = await Deno.readFile(`${dir}/wds/${index.shards[0].file}`);
  await packDataset(ref, { targetSize: index.target_size, out: `${dir}/wds2` });
  assertEquals(await Deno.readFile(`${dir}/wds2/${index.shards[0].file}`), first);
});

Deno.test("pack: nested audio files flatten into the key, long names use PAX, sizes parse", async () => {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_pack_" });
  const stem = "a_very_long_stem_name_".repeat(5) + "rain";
  await Deno.mkdir(`${dir}/clip_00000/audio/stems`, { recursive: true });
  await Deno.writeTextFile(`${dir}/dataset.json`, JSON.stringify({ clips: 1 }));
  await Deno.writeTextFile(
    `${dir}/manifest.jsonl`,
    '{"clip":0,"dir":"clip_00000","status":"ok"}\n',
  );
  await Deno.writeTextFile(`${dir}/clip_00000/labels.json`, "{}");
  await Deno.writeFile(`${dir}/clip_00000/audio/mix.wav`, new Uint8Array(1000).fill(7));
  await Deno.writeFile(`${dir}/clip_00000/audio/stems/${stem}.wav`, new Uint8Array(513).fill(9));
  const index = await packDataset(dir, { targetSize: parseSize("1MB") });
  const names = index.shards[0].clips[0].files.map((f) => f.name);
  assertEquals(names, [
    "clip_00000.audio.mix.wav",
    `clip_00000.audio.stems.${stem}.wav`,
    "clip_00000.labels.json",
  ]);
  const py = await new Deno.Command(DEBIAN_PYTHON, {
    args: [
      "-c",
      "import sys,tarfile;t=tarfile.open(sys.argv[1]);print('\\n'.join(f'{m.name} {m.size}' for m in t))",
      `${dir}/wds/shard-000000.tar`,
    ],
    stdout: "piped",
  }).output();
  assertEquals(new TextDecoder().decode(py.stdout).trim().split("\n"), [
    "clip_00000.audio.mix.wav 1000",
    `clip_00000.audio.stems.${stem}.wav 513`,
    "clip_00000.labels.json 2",
  ]);
  assertEquals([parseSize("1GB"), parseSize("2GiB"), parseSize("500 MB"), parseSize("123456")], [
    1e9,
    2 ** 31,
    5e8,
    123456,
  ]);
  assertThrows(() => parseSize("1 parsec"));
  await Deno.remove(`${dir}/manifest.jsonl`);
  await Deno.writeTextFile(`${dir}/manifest.shard-0-of-1.jsonl`, "");
  await assertRejects(() => packDataset(dir, { targetSize: 1e6 }), "deno task merge");
});

/** Flags a command line uses, checked against a CLI's flag table. */
function assertKnownFlags(args: string[], flags: Record<string, unknown>, where: string) {
  for (const arg of args.filter((a) => a.startsWith("--"))) {
    const name = arg.slice(2).split("=")[0];
    assert(name in flags, `${where}: --${name} is not a flag of that command`);
  }
}

const TASK_FLAGS: Record<string, Record<string, unknown>> = {
  render: RENDER_FLAGS,
  merge: MERGE_FLAGS,
  pack: PACK_FLAGS,
};

Deno.test("deploy/k8s: manifests and Containerfile parse, name existing tasks, flags and files; the pod command renders its shard", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).tasks;
  for (const t of ["render", "merge", "pack"]) assert(t in tasks, `deno.json has task ${t}`);
  // deno-lint-ignore no-explicit-any
  const docs: any[] = [];
  for (const file of ["job.yaml", "merge-job.yaml", "pvc.yaml"]) {
    for (const doc of parseAllDocuments(await Deno.readTextFile(`${ROOT}/deploy/k8s/${file}`))) {
      assertEquals(doc.errors.length, 0, `${file}: ${doc.errors.join("; ")}`);
      docs.push(doc.toJS());
    }
  }
  const job = docs.find((d) => d.kind === "Job" && d.spec.completionMode === "Indexed");
  assert(job, "an Indexed Job");
  const pvc = docs.find((d) => d.kind === "PersistentVolumeClaim");
  assert(pvc.spec.accessModes.includes("ReadWriteMany"), "shards share one volume");
  const containerfile = await Deno.readTextFile(`${ROOT}/deploy/k8s/Containerfile`);
  const workdir = /^WORKDIR\s+(\S+)/m.exec(containerfile)?.[1];
  for (const m of containerfile.matchAll(/^COPY\s+(.+)\s+\S+$/gm)) {
    for (const source of m[1].trim().split(/\s+/)) {
      await Deno.stat(`${ROOT}/${source}`); // throws when the image would miss it
    }
  }
  assert(
    /^FROM\s+\S+/m.test(containerfile) && /npm ci/.test(containerfile),
    "base image and npm deps",
  );
  const entry = JSON.parse(/^ENTRYPOINT\s+(.+)$/m.exec(containerfile)![1]);
  const cmd = JSON.parse(/^CMD\s+(.+)$/m.exec(containerfile)![1]);
  assertEquals(entry, ["node_modules/.bin/deno", "task"]);
  assert(cmd[0] in tasks, `CMD names task ${cmd[0]}`);

  // Every container of every Job: deno task <existing task> with that task's flags, in the image's workdir.
  for (const doc of docs.filter((d) => d.kind === "Job")) {
    const pod = doc.spec.template.spec;
    assertEquals(pod.restartPolicy, "Never");
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      assertEquals(c.workingDir, workdir, `${c.name} runs in the image's WORKDIR`);
      assertEquals(c.command.slice(0, 2), entry, `${c.name} runs deno task`);
      const task = c.command[2];
      assert(task in TASK_FLAGS && task in tasks, `${c.name}: task ${task}`);
      assertKnownFlags(c.args, TASK_FLAGS[task], `${doc.metadata.name}/${c.name}`);
      const mounts = c.volumeMounts.map((v: { mountPath: string }) => v.mountPath);
      const absolute = (a: string) => a.startsWith("/") ? a : `${c.workingDir}/${a}`;
      assert(
        c.args.some((a: string) => mounts.some((m: string) => absolute(a).startsWith(m + "/"))),
        `${c.name} writes to a mounted volume`,
      );
      const claim = pod.volumes.find((v: { name: string }) => v.name === c.volumeMounts[0].name);
      assertEquals(claim.persistentVolumeClaim.claimName, pvc.metadata.name);
    }
  }
  const render = job.spec.template.spec.containers[0];
  const countEnv = render.env.find((e: { name: string }) => e.name === "SYNTHVID_SHARD_COUNT");
  assertEquals(Number(countEnv.value), job.spec.completions, "SYNTHVID_SHARD_COUNT = completions");
  assert(render.args.join(" ").includes("--shard auto"));

  // Run pod 1's command here, as Kubernetes would (JOB_COMPLETION_INDEX=1, the manifest's env, the
  // task's own narrow permissions), into a fresh folder under ./out, with a small size appended
  // (later flags win).
  const outArg = render.args[render.args.indexOf("--out") + 1];
  assert(`${render.workingDir}/${outArg}`.startsWith(render.volumeMounts[0].mountPath + "/"));
  const testOut = `out/scale_test_${Deno.pid}`;
  const args = render.args.map((a: string) => a === outArg ? testOut : a);
  const env = Object.fromEntries(
    render.env.map((e: { name: string; value: string }) => [e.name, e.value]),
  );
  const clips = 2 * job.spec.completions;
  try {
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        ...render.command.slice(1),
        ...args,
        "--clips",
        String(clips),
        "--frames",
        "2",
        "--size",
        "32x32",
      ],
      cwd: ROOT,
      env: { ...env, JOB_COMPLETION_INDEX: "1", XDG_RUNTIME_DIR: "/tmp" },
      stderr: "piped",
    }).output();
    assertEquals(result.code, 0, new TextDecoder().decode(result.stderr));
    const manifest = `${ROOT}/${testOut}/manifest.shard-1-of-${job.spec.completions}.jsonl`;
    const lines = (await Deno.readTextFile(manifest)).trim().split("\n");
    assertEquals(
      lines.map((l) => JSON.parse(l).clip),
      shardClips(clips, { index: 1, count: job.spec.completions }),
    );
  } finally {
    await Deno.remove(`${ROOT}/${testOut}`, { recursive: true }).catch(() => {});
  }
});

Deno.test("deploy/slurm: sbatch scripts are valid bash, name existing tasks and flags; array task 3 renders shard 3", async () => {
  const render = await Deno.readTextFile(`${ROOT}/deploy/slurm/render.sbatch`);
  for (const file of ["render.sbatch", "merge.sbatch"]) {
    const check = await new Deno.Command("bash", {
      args: ["-n", `${ROOT}/deploy/slurm/${file}`],
      stderr: "piped",
    }).output();
    assertEquals(check.code, 0, `${file}: ${new TextDecoder().decode(check.stderr)}`);
    const text = await Deno.readTextFile(`${ROOT}/deploy/slurm/${file}`);
    for (const m of text.matchAll(/node_modules\/\.bin\/deno task (\w+)((?:\\\n|[^\n])*)/g)) {
      assert(m[1] in TASK_FLAGS, `${file}: task ${m[1]}`);
      assertKnownFlags(m[2].split(/\s+/), TASK_FLAGS[m[1]], file);
    }
  }
  // render.sbatch runs the render task (the sandboxed launcher) with shard auto.
  assert(
    /node_modules\/\.bin\/deno task render /.test(render),
    "render.sbatch runs deno task render",
  );
  const array = /^#SBATCH --array=(\d+)-(\d+)(?:%\d+)?$/m.exec(render);
  assert(array, "a contiguous --array range");
  const [min, max] = [Number(array[1]), Number(array[2])];
  assert(render.includes("--shard auto"));

  // Run array task min+3 here with the variables Slurm would set.
  const dir = await scene();
  const count = max - min + 1;
  const clips = count + 7;
  const result = await new Deno.Command("bash", {
    args: [`${ROOT}/deploy/slurm/render.sbatch`],
    env: {
      SLURM_SUBMIT_DIR: ROOT,
      SLURM_ARRAY_TASK_ID: String(min + 3),
      SLURM_ARRAY_TASK_MIN: String(min),
      SLURM_ARRAY_TASK_MAX: String(max),
      SLURM_ARRAY_TASK_COUNT: String(count),
      SYNTHVID_OUT: `${dir}/slurm`,
      SYNTHVID_ARGS: `--clips ${clips} --frames 2 --size 32x32`,
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    },
    stderr: "piped",
  }).output();
  assertEquals(result.code, 0, new TextDecoder().decode(result.stderr));
  const shard: Shard = { index: 3, count };
  const lines = (await Deno.readTextFile(`${dir}/slurm/manifest.shard-3-of-${count}.jsonl`)).trim()
    .split("\n");
  assertEquals(lines.map((l) => JSON.parse(l).clip), shardClips(clips, shard));
});
