/**
 * randomizer/camera_effects: each effect does what a camera does to the picture, the noise is
 * the same for the same seed, and no label changes with any of them.
 */
import { assert, assertEquals } from "./assert.ts";
import { frameProbe, probedFrames, readLabels, renderTestScene } from "./helpers.ts";
import { builtins } from "../plugins/mod.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };
const W = 64, H = 48;

const OFF = {
  motion_blur_chance: 0,
  depth_of_field_chance: 0,
  vignetting_chance: 0,
  white_balance_chance: 0,
  noise_chance: 0,
  compression_chance: 0,
};

/**
 * A red ball rolling fast across a grey wall, a still box near the camera: `effects` are
 * randomizer/camera_effects options over OFF (null: the plugin is not listed).
 */
async function render(effects: Record<string, unknown> | null, seed = 1) {
  probedFrames.length = 0;
  const plugin = effects
    ? `  - { use: randomizer/camera_effects, with: ${JSON.stringify({ ...OFF, ...effects })} }\n`
    : "";
  const { dir, out } = await renderTestScene(
    `
name: effects
seed: ${seed}
clips: 1
frames: 3
size: [${W}, ${H}]
outputs: [rgb, depth, normals, instance, flow]
camera: { position: [0, 0, 4], look_at: [0, 0, 0], fov: 40 }
ambient: { color: [1, 1, 1], intensity: 0.8 }
lights: [{ type: directional, direction: [0, 0, -1], intensity: 0 }]
objects:
  - { name: wall, mesh: cube, position: [0, 0, -1], scale: [20, 20, 0.1], color: [0.5, 0.5, 0.5], roughness: 1 }
  - name: ball
    mesh: sphere
    scale: 0.5
    color: [0.9, 0.05, 0.05]
    roughness: 1
    motion: [{ frame: 0, position: [-1, 0.3, 0] }, { frame: 3, position: [1, 0.3, 0] }]
  - { name: box, mesh: cube, position: [-0.5, -0.3, 2.5], scale: 0.25, color: [0.1, 0.1, 0.9], roughness: 1 }
plugins:
${plugin}  - { use: randomizer/test_probe }
`,
    { registry: [...builtins, frameProbe] },
  );
  const labels = await readLabels(out);
  await Deno.remove(dir, { recursive: true });
  return { frames: [...probedFrames], labels };
}

const red = (f: RenderedFrame, x: number, y: number) => f.rgb[(y * W + x) * 4];
const green = (f: RenderedFrame, x: number, y: number) => f.rgb[(y * W + x) * 4 + 1];

/** Pixel indices of the object `id` in frame f, and the centre of their bounding box. */
function pixelsOf(f: RenderedFrame, id: number) {
  const at: number[] = [];
  f.instance.forEach((v, i) => v === id && at.push(i));
  const xs = at.map((i) => i % W), ys = at.map((i) => Math.floor(i / W));
  const cx = Math.round((Math.min(...xs) + Math.max(...xs)) / 2);
  const cy = Math.round((Math.min(...ys) + Math.max(...ys)) / 2);
  return { at, cx, cy };
}

/** Instance id of the named object (labels.json objects). */
function idOf(labels: { objects: { id: number; name: string }[] }, name: string): number {
  return labels.objects.find((o) => o.name === name)!.id;
}
const pixel = (f: RenderedFrame, x: number, y: number) =>
  [0, 1, 2].map((c) => f.rgb[(y * W + x) * 4 + c]);
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

Deno.test({
  name: "camera effects change rgb only: labels byte-identical with every effect on",
  ...gpuTest,
  async fn() {
    const plain = await render(null);
    const all = await render({
      motion_blur_chance: 1,
      depth_of_field_chance: 1,
      vignetting_chance: 1,
      white_balance_chance: 1,
      noise_chance: 1,
      compression_chance: 1,
    });
    plain.frames.forEach((f, i) => {
      const g = all.frames[i];
      for (const name of ["depth", "normals", "instance", "flow"] as const) {
        assertEquals(bytes(g[name]), bytes(f[name]), `frame ${i} ${name}`);
      }
      assertEquals(g.labels, f.labels);
      assert(g.rgb.some((v, k) => v !== f.rgb[k]), `frame ${i}: rgb changed`);
    });
    assertEquals(all.labels.objects, plain.labels.objects);
    const record = all.labels.randomization["randomizer/camera_effects"];
    for (const key of ["shutter", "f_number", "vignetting", "white_balance", "noise"]) {
      assert(key in record, `${key} is recorded: ${JSON.stringify(record)}`);
    }
  },
});

Deno.test({
  name: "motion blur smears the moving ball along its path; the still box stays sharp",
  ...gpuTest,
  async fn() {
    const still = await render({});
    const sharp = still.frames[1];
    const blurred = (await render({ motion_blur_chance: 1, shutter_range: [0.5, 0.5] }))
      .frames[1];
    // along the ball's row, just past its leading and trailing edges: the wall in the sharp
    // frame, reddened (less green) by the smear
    const ballId = idOf(still.labels, "ball");
    const ball = pixelsOf(sharp, ballId);
    let right = ball.cx, left = ball.cx;
    while (sharp.instance[ball.cy * W + right] === ballId) right++;
    while (sharp.instance[ball.cy * W + left] === ballId) left--;
    for (const x of [right + 1, left - 1]) {
      assert(
        green(blurred, x, ball.cy) < green(sharp, x, ball.cy) - 10,
        `beside the ball at x ${x}: green ${green(blurred, x, ball.cy)} vs ${
          green(sharp, x, ball.cy)
        }`,
      );
    }
    // the box does not move (nor the camera): its inner pixels are untouched
    const boxId = idOf(still.labels, "box");
    const box = pixelsOf(sharp, boxId);
    assert(box.at.length > 20, `${box.at.length} box pixels`);
    for (const i of box.at) {
      const inner = [i - 1, i + 1, i - W, i + W].every((j) => sharp.instance[j] === boxId);
      if (inner) assertEquals(pixel(blurred, i % W, (i / W) | 0), pixel(sharp, i % W, (i / W) | 0));
    }
  },
});

Deno.test({
  name: "depth of field: focused on the wall and ball, the near box's edge blurs",
  ...gpuTest,
  async fn() {
    // a big sensor wide open: at 64 px wide a full-frame f/1.4 blurs less than a pixel
    const focus = {
      depth_of_field_chance: 1,
      f_number_range: [0.7, 0.7],
      sensor_width: 100,
      focus: "4",
    };
    const still = await render({});
    const sharp = still.frames[0];
    const soft = (await render(focus)).frames[0];
    // contrast across the box's top edge (blue box over the grey wall)
    const boxId = idOf(still.labels, "box");
    const box = pixelsOf(sharp, boxId);
    let top = box.cy;
    while (sharp.instance[(top - 1) * W + box.cx] === boxId) top--;
    const blue = (f: RenderedFrame, y: number) => f.rgb[(y * W + box.cx) * 4 + 2];
    const step = (f: RenderedFrame) => Math.abs(blue(f, top) - blue(f, top - 1));
    assert(step(soft) < step(sharp) * 0.8, `box edge step ${step(soft)} vs ${step(sharp)}`);
    // the wall in focus: far from the box and ball, unchanged within a level
    for (const [x, y] of [[4, 4], [60, 4], [60, 30]]) {
      const [a, b] = [pixel(soft, x, y), pixel(sharp, x, y)];
      assert(a.every((v, k) => Math.abs(v - b[k]) <= 1), `wall ${x},${y}: ${a} vs ${b}`);
    }
  },
});

Deno.test({
  name: "noise: same seed same bytes, new grain every frame, mean kept; vignetting darkens corners",
  ...gpuTest,
  async fn() {
    const noisy = { noise_chance: 1, noise_range: [1, 1] };
    const a = await render(noisy);
    const b = await render(noisy);
    assertEquals(a.frames[1].rgb, b.frames[1].rgb);
    const clean = (await render({})).frames[1];
    const [f0, f1] = a.frames;
    assert(f0.rgb.some((v, i) => i % 4 !== 3 && v !== f1.rgb[i] && clean.instance[i >> 2] === 1));
    // the wall's mean brightness stays (a patch of 10×10 px away from the objects)
    let sum = 0, sumClean = 0, spread = 0;
    for (let y = 2; y < 12; y++) {
      for (let x = 2; x < 12; x++) {
        sum += red(f1, x, y);
        sumClean += red(clean, x, y);
        spread += Math.abs(red(f1, x, y) - red(clean, x, y));
      }
    }
    assert(Math.abs(sum - sumClean) / 100 < 2, `mean ${sum / 100} vs ${sumClean / 100}`);
    assert(spread / 100 > 1, `noise is visible: mean |Δ| ${spread / 100}`);
    const vignetted = (await render({ vignetting_chance: 1, vignetting_range: [1, 1] })).frames[1];
    assert(red(vignetted, 1, 1) < red(clean, 1, 1) - 5, "corner darker");
    assert(Math.abs(red(vignetted, 32, 20) - red(clean, 32, 20)) <= 1, "centre unchanged");
  },
});
