/** Scene files, validation, determinism, plugin isolation, failure handling and the CLI. */
import { decodeNpy } from "../engine/dataset/npy.ts";
import { definePlugin } from "../engine/plugin/contract.ts";
import { planDataset, renderDataset } from "../engine/run/dataset_run.ts";
import { loadScene, SceneError } from "../engine/config/scene_file.ts";
import { builtins } from "../plugins/mod.ts";
import { hop } from "../scenes/examples/hop.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "./assert.ts";
import { applyKeyframes } from "../engine/scene/keyframes.ts";
import type { SceneObject, Vec3 } from "../engine/scene/scene.ts";
import { readLabels, renderTestScene, testGpu } from "./helpers.ts";

const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });

async function writeScene(yaml: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_scene_" });
  await Deno.writeTextFile(`${dir}/scene.yaml`, yaml);
  return `${dir}/scene.yaml`;
}

const SMALL = `
name: small
seed: 5
clips: 3
frames: 4
size: [32, 24]
objects:
  - { name: floor, mesh: plane, scale: [6, 1, 6] }
  - name: ball
    mesh: sphere
    position: [[-0.5, 0.3, -0.5], [0.5, 0.3, 0.5]]
    color: { choice: ["#ff0000", "#00ff00", "#0000ff"] }
`;

Deno.test("loadScene reports every problem with file:line:column, path and a suggestion", async () => {
  const file = await writeScene(`
name: broken
frames: -3
size: 64by64
objects:
  - { mesh: sphre, colr: [1, 0, 0] }
  - { mesh: cube, roughness: 2 }
plugins:
  - use: action/hopp
  - use: action/hop
    with: { hops: "many", heigth: 1 }
`);
  const error = await assertRejects(() =>
    loadScene(file, { registry: [...builtins, hop] })
  ) as SceneError;
  assert(error instanceof SceneError);
  const text = error.message;
  for (
    const expected of [
      `${file}:3:9 frames: expected ≥ 1, got -3`,
      `${file}:4:7 size: expected [width, height] or "WxH"`,
      `${file}:6:20 objects[0].colr: unknown key "colr" (did you mean "color"?)`,
      `${file}:6:13 objects[0].mesh: unknown mesh "sphre" (did you mean "sphere"?)`,
      `${file}:7:30 objects[1].roughness: expected ≤ 1, got 2`,
      `${file}:9:10 plugins[0].use: "action/hopp" is not registered (did you mean "action/hop"?)`,
      `${file}:11:19 plugins[1].with.hops: expected a number`,
      `${file}:11:27 plugins[1].with.heigth: unknown key "heigth" (did you mean "height"?)`,
    ]
  ) {
    assert(text.includes(expected), `missing:\n  ${expected}\nin:\n${text}`);
  }
  assertEquals(error.problems.length, 8);
});

Deno.test("loadScene rejects asset paths that leave the scene's folder", async () => {
  for (const path of ["../outside.glb", "/etc/passwd.glb"]) {
    const file = await writeScene(`assets: { thing: "${path}" }\n`);
    const error = await assertRejects(() => loadScene(file, { registry: builtins }));
    assert(/not allowed/.test(error.message), error.message);
  }
});

Deno.test("plugins' own checks report bad names and files at file:line before rendering", async () => {
  const file = await writeScene(`objects: [{ name: ball, mesh: sphere }]
plugins:
  - { use: randomizer/materials, with: { patterns: "checker, strpes" } }
  - { use: randomizer/clutter, with: { meshes: "cube,sphree" } }
  - { use: action/something_something, with: { actions: "roll,rol" } }
  - { use: action/human, with: { motion: wlak } }
  - { use: audio/clips, with: { file: missing.wav } }
  - { use: audio/ambience, with: { type: file, file: ../outside.wav } }
  - { use: action/human_bvh }
`);
  const error = await assertRejects(() => loadScene(file, { registry: builtins })) as SceneError;
  const text = error.message;
  for (
    const expected of [
      `${file}:3:52 plugins[0].with.patterns: unknown "strpes" (did you mean "stripes"?)`,
      `${file}:4:48 plugins[1].with.meshes: unknown "sphree" (did you mean "sphere"?)`,
      `${file}:5:57 plugins[2].with.actions: unknown "rol" (did you mean "roll"?)`,
      `${file}:6:42 plugins[3].with.motion: unknown "wlak"; expected one of walk, run`,
      `${file}:7:39 plugins[4].with.file: "missing.wav" does not exist`,
      `${file}:8:54 plugins[5].with.file: "../outside.wav": ".." is not allowed`,
      `${file}:9:5 plugins[6].with.file: required: a .bvh motion capture file`,
    ]
  ) {
    assert(text.includes(expected), `missing:\n  ${expected}\nin:\n${text}`);
  }
  assertEquals(error.problems.length, 7);
});

Deno.test("YAML syntax errors name the file, line and column", async () => {
  const file = await writeScene("name: x\nobjects: [\n");
  const error = await assertRejects(() => loadScene(file, { registry: builtins }));
  assert(error.message.includes(`${file}:`), error.message);
});

gpuTest("The same scene and seed give byte-identical labels and arrays", async () => {
  const a = await renderTestScene(SMALL, { clips: 2 });
  const b = await renderTestScene(SMALL, { clips: 2 });
  for (const clip of ["clip_00000", "clip_00001"]) {
    for (
      const file of [
        "labels.json",
        "captions.json",
        "depth.npy",
        "instance.npy",
        "normals.npy",
        "flow.npy",
        "rgb.mp4",
      ]
    ) {
      const x = await Deno.readFile(`${a.out}/${clip}/${file}`);
      const y = await Deno.readFile(`${b.out}/${clip}/${file}`);
      assertEquals(x.length, y.length, `${clip}/${file} size`);
      assert(x.every((v, i) => v === y[i]), `${clip}/${file} bytes differ`);
    }
  }
  const la = await readLabels(a.out, 0);
  const lb = await readLabels(a.out, 1);
  assert(
    JSON.stringify(la.sampled.scene) !== JSON.stringify(lb.sampled.scene),
    "clips differ from each other",
  );
});

gpuTest("Clip i renders the same alone (--only i) as in a batch", async () => {
  const batch = await renderTestScene(SMALL, { clips: 3 });
  const alone = await renderTestScene(SMALL, { clips: 3, only: [2] });
  for (const file of ["labels.json", "depth.npy", "instance.npy"]) {
    const x = await Deno.readFile(`${batch.out}/clip_00002/${file}`);
    const y = await Deno.readFile(`${alone.out}/clip_00002/${file}`);
    assert(x.length === y.length && x.every((v, i) => v === y[i]), `${file} differs`);
  }
  assertEquals([...Deno.readDirSync(alone.out)].map((e) => e.name).sort(), [
    "clip_00002",
    "dataset.json",
    "manifest.jsonl",
  ]);
});

Deno.test("Adding an unrelated plugin leaves another plugin's sampled values unchanged", async () => {
  const noisy = definePlugin({
    id: "randomizer/noisy",
    kind: "randomizer",
    description: "draws many numbers",
    defaults: { a: 0 },
    create: () => ({
      clipStart(ctx) {
        for (let i = 0; i < 100; i++) ctx.rng.next();
      },
    }),
  });
  const base =
    `${SMALL}\nplugins:\n  - { use: action/hop, with: { hops: [1, 9], height: [0.1, 2] } }\n`;
  const withNoise =
    `${SMALL}\nplugins:\n  - { use: randomizer/noisy, with: { a: [0, 1] } }\n  - { use: action/hop, with: { hops: [1, 9], height: [0.1, 2] } }\n`;
  const registry = [...builtins, hop, noisy];
  const a = await planDataset({ scene: await writeScene(base), registry });
  const b = await planDataset({ scene: await writeScene(withNoise), registry });
  for (let clip = 0; clip < 3; clip++) {
    assertEquals(
      b.clips[clip].sampled["action/hop"],
      a.clips[clip].sampled["action/hop"],
      `clip ${clip}`,
    );
    assertEquals(b.clips[clip].sampled.scene, a.clips[clip].sampled.scene, `scene of clip ${clip}`);
  }
  const values = a.clips.map((c) => (c.sampled["action/hop"] as { height: number }).height);
  assert(new Set(values).size === 3, "each clip draws its own value");
});

gpuTest(
  "A plugin that throws fails only its clip: recorded in the manifest, no partial files",
  async () => {
    const flaky = definePlugin({
      id: "action/flaky",
      kind: "action",
      description: "fails on clip 1",
      defaults: {},
      create: () => ({
        frame(ctx) {
          if (ctx.clip === 1 && ctx.frame === 2) throw new Error("boom on purpose");
        },
      }),
    });
    const yaml = `${SMALL}\nplugins:\n  - { use: action/flaky }\n`;
    const { out, summary } = await renderTestScene(yaml, {
      clips: 3,
      registry: [...builtins, flaky],
    });
    assertEquals(summary.failed, 1);
    const lines = (await Deno.readTextFile(`${out}/manifest.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assertEquals(lines.map((l) => l.status), ["ok", "failed", "ok"]);
    assert(lines[1].error.includes("boom on purpose"), lines[1].error);
    assertEquals([...Deno.readDirSync(out)].map((e) => e.name).sort(), [
      "clip_00000",
      "clip_00002",
      "dataset.json",
      "manifest.jsonl",
    ]);
  },
);

gpuTest(
  "A clip that fails after its frames reached the recorder thread leaves no files; the next is whole",
  async () => {
    const late = definePlugin({
      id: "action/late_failure",
      kind: "action",
      description: "fails on clip 0 after most frames were rendered and recorded",
      defaults: {},
      create: () => ({
        rendered(ctx) {
          if (ctx.clip === 0 && ctx.frame === 10) throw new Error("late boom");
        },
      }),
    });
    const yaml = `${SMALL}\nplugins:\n  - { use: action/late_failure }\n`;
    const { out, summary } = await renderTestScene(yaml, {
      clips: 2,
      frames: 12,
      registry: [...builtins, late],
    });
    assertEquals(summary.failed, 1);
    assert(summary.clips[0].error!.includes("late boom"), summary.clips[0].error);
    assertEquals([...Deno.readDirSync(out)].map((e) => e.name).sort(), [
      "clip_00001",
      "dataset.json",
      "manifest.jsonl",
    ]);
    const depth = decodeNpy(await Deno.readFile(`${out}/clip_00001/depth.npy`));
    assertEquals(depth.shape, [12, 24, 32]);
  },
);

gpuTest(
  "a full disk stops the run with one error instead of failing every clip; a rerun resumes",
  async () => {
    let full = true;
    const disk = definePlugin({
      id: "action/disk_fills",
      kind: "action",
      description: "the disk is full from clip 1 on, until space is freed",
      defaults: {},
      create: () => ({
        clipStart(ctx) {
          if (full && ctx.clip >= 1) {
            throw Object.assign(new Error("No space left on device (os error 28)"), {
              code: "ENOSPC",
            });
          }
        },
      }),
    });
    const yaml = `${SMALL}\nplugins:\n  - { use: action/disk_fills }\n`;
    const dir = await Deno.makeTempDir({ prefix: "synthvid_full_" });
    await Deno.writeTextFile(`${dir}/scene.yaml`, yaml);
    const gpu = await testGpu();
    const run = () =>
      renderDataset({
        scene: `${dir}/scene.yaml`,
        out: `${dir}/out`,
        overrides: { clips: 4, frames: 4 },
        registry: [...builtins, disk],
        gpu,
        log: () => {},
      });
    const error = await run().catch((e) => e);
    assertEquals(error.name, "DiskFullError");
    assert(error.message.includes("clip 1") && error.message.includes("resume"), error.message);
    const lines = (await Deno.readTextFile(`${dir}/out/manifest.jsonl`)).trim().split("\n");
    assertEquals(lines.map((l) => JSON.parse(l).status), ["ok"]);
    full = false;
    const again = await run();
    assertEquals([again.kept, again.failed, again.clips.length], [1, 0, 3]);
    const all = (await Deno.readTextFile(`${dir}/out/manifest.jsonl`)).trim().split("\n");
    assertEquals(all.map((l) => JSON.parse(l).status), ["ok", "ok", "ok", "ok"]);
    await Deno.remove(dir, { recursive: true });
  },
);

gpuTest(
  "a run in which every clip fails leaves no new output folder behind",
  async () => {
    const broken = definePlugin({
      id: "action/always_fails",
      kind: "action",
      description: "fails every clip",
      defaults: {},
      create: () => ({
        frame(ctx) {
          if (ctx.frame === 2) throw new Error("boom");
        },
      }),
    });
    const yaml = `${SMALL}\nplugins:\n  - { use: action/always_fails }\n`;
    const { out, dir, summary } = await renderTestScene(yaml, {
      clips: 2,
      frames: 4,
      registry: [...builtins, broken],
    });
    assertEquals([summary.failed, summary.removed], [2, true]);
    assertEquals(await Deno.stat(out).then(() => true, () => false), false);
    // A folder that was there before the run stays (with the failures in its manifest).
    const existing = `${dir}/existing`;
    await Deno.mkdir(existing);
    const again = await renderDataset({
      scene: `${dir}/scene.yaml`,
      out: existing,
      overrides: { clips: 1, frames: 4 },
      registry: [...builtins, broken],
      gpu: await testGpu(),
      log: () => {},
    });
    assertEquals([again.failed, again.removed], [1, false]);
    const lines = (await Deno.readTextFile(`${existing}/manifest.jsonl`)).trim().split("\n");
    assertEquals(lines.map((l) => JSON.parse(l).status), ["failed"]);
  },
);

Deno.test("deno task render: bad flags exit with code 2 and write nothing", async () => {
  const dir = await Deno.makeTempDir();
  for (
    const args of [["--clipz", "3"], ["--size", "big"], ["--clips", "0"], ["--frames"], ["stray"]]
  ) {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "engine/cli/render.ts", "--out", `${dir}/out`, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(run.stderr);
    assertEquals(run.code, 2, `${args.join(" ")}: ${err}`);
    assert(err.includes("error:"), err);
  }
  assertEquals([...Deno.readDirSync(dir)].length, 0);
});

Deno.test("keyframed rotations turn the whole written angle, not the short way round", () => {
  const ball = {
    position: [0, 0, 0],
    rotation: [0, 0, 0, 1],
    scale: [1, 1, 1],
  } as unknown as SceneObject;
  const keys = [{ frame: 0, rotation: [0, 0, 0] as Vec3 }, {
    frame: 46,
    rotation: [0, 0, -460] as Vec3,
  }];
  // Sum the per-frame turns about z: 46 steps of -10°.
  let turned = 0;
  let previous = 0;
  for (let f = 0; f <= 46; f++) {
    applyKeyframes(ball, keys, f);
    const [, , z, w] = ball.rotation;
    const angle = 2 * Math.atan2(z, w) * 180 / Math.PI;
    if (f > 0) turned += ((angle - previous + 540) % 360) - 180;
    previous = angle;
  }
  assertAlmostEquals(turned, -460, 1e-3);
});

Deno.test("missing glTF assets and duplicate object names are reported at load", async () => {
  const file = await writeScene(`assets: { chair: chair.glb }
objects:
  - { name: a, mesh: chair }
  - { name: a, mesh: cube }
`);
  const error = await assertRejects(() => loadScene(file, { registry: builtins })) as SceneError;
  assert(
    error.message.includes(`${file}:1:18 assets.chair: "chair.glb" does not exist`),
    error.message,
  );
  assert(
    error.message.includes(`${file}:4:13 objects[1].name: "a" is already the name of objects[0]`),
    error.message,
  );
  assertEquals(error.problems.length, 2, "no follow-on 'unknown mesh' for the missing asset");
});

Deno.test("colours outside 0..1 are reported at file:line", async () => {
  const file = await writeScene("objects:\n  - { mesh: cube, color: [1.2, -0.1, 0] }\n");
  const error = await assertRejects(() => loadScene(file, { registry: builtins }));
  assert(error.message.includes(`${file}:2:26 objects[0].color: colour components`), error.message);
});

Deno.test("a keyframe's scale may be one number, as on the object", async () => {
  const file = await writeScene(
    "objects:\n  - { mesh: cube, motion: [{ frame: 0, scale: 1 }, { frame: 4, scale: 1.5 }] }\n",
  );
  const config = await loadScene(file, { registry: builtins });
  const motion = (config.doc.objects as { motion: { scale: number[] }[] }[])[0].motion;
  assertEquals(motion.map((k) => k.scale), [[1, 1, 1], [1.5, 1.5, 1.5]]);
});

Deno.test("gt_format and video: bad values name their line and key", async () => {
  const file = await writeScene(`gt_format: png8
video: { bitrate: 500000, bits_per_pixel: 0.5 }
objects: [{ name: ball, mesh: sphere }]
`);
  const error = await assertRejects(() => loadScene(file, { registry: builtins })) as SceneError;
  for (
    const expected of [
      `${file}:1:12 gt_format:`,
      `${file}:2:8 video: give bitrate or bits_per_pixel, not both`,
    ]
  ) {
    assert(error.message.includes(expected), `missing:\n  ${expected}\nin:\n${error.message}`);
  }
  assert(error.message.includes("png16"), "the error lists the formats");
});
