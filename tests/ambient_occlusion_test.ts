/**
 * Ambient occlusion: a crease gets darker, an open floor does not, and the labels never
 * change with it or with any quality preset.
 */
import { assert, assertEquals } from "./assert.ts";
import { frameProbe, probedFrames, renderTestScene } from "./helpers.ts";
import { builtins } from "../plugins/mod.ts";
import { QUALITY_PRESETS } from "../engine/scene/render_settings.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };

/** A box standing on a floor, lit by uniform ambient light alone, seen from the front. */
const crease = (quality: string) => `
name: crease
seed: 1
clips: 1
frames: 2
size: [64, 48]
outputs: [rgb, depth, normals, instance, flow]
camera: { position: [0, 1.2, 3], look_at: [0, 0.3, 0], fov: 45 }
ambient: { color: [1, 1, 1], intensity: 0.7 }
lights: [{ type: directional, direction: [0, -1, 0], intensity: 0 }]
objects:
  - { name: floor, mesh: plane, scale: [20, 1, 20], color: [0.8, 0.8, 0.8], roughness: 1 }
  - { name: box, mesh: cube, position: [0, 0.4, 0], scale: 0.8, color: [0.8, 0.8, 0.8], roughness: 1 }
plugins:
  - { use: randomizer/quality, with: { ${quality} } }
  - { use: randomizer/test_probe }
`;

async function firstFrame(quality: string): Promise<RenderedFrame> {
  probedFrames.length = 0;
  const { dir } = await renderTestScene(crease(quality), { registry: [...builtins, frameProbe] });
  await Deno.remove(dir, { recursive: true });
  return probedFrames[0];
}

/** Red channel at (x, y) and the instance id there. */
const at = (f: RenderedFrame, x: number, y: number) => ({
  red: f.rgb[(y * f.width + x) * 4],
  id: f.instance[y * f.width + x],
});

Deno.test({
  name: "AO darkens the floor where it meets the box and leaves the open floor as it was",
  ...gpuTest,
  async fn() {
    const off = await firstFrame("quality: low, ambient_occlusion: off");
    const on = await firstFrame("quality: low, ambient_occlusion: on");
    // the floor pixel just below the box's front bottom edge, and one far from the box
    const boxId = off.instance[24 * 64 + 32];
    let y = 24;
    while (off.instance[y * 64 + 32] === boxId) y++;
    const nearCrease = { off: at(off, 32, y + 1), on: at(on, 32, y + 1) };
    const further = { off: at(off, 32, y + 8), on: at(on, 32, y + 8) };
    const openFloor = { off: at(off, 4, 46), on: at(on, 4, 46) };
    assert(nearCrease.off.id !== boxId && nearCrease.off.id > 0, "below the box is the floor");
    const darkening = (p: { off: { red: number }; on: { red: number } }) => p.off.red - p.on.red;
    assert(
      darkening(nearCrease) >= 12,
      `crease: ${nearCrease.on.red} with AO vs ${nearCrease.off.red} without`,
    );
    assert(
      darkening(further) < darkening(nearCrease),
      `occlusion fades away from the box: ${darkening(further)} vs ${darkening(nearCrease)}`,
    );
    assert(
      Math.abs(openFloor.on.red - openFloor.off.red) <= 2,
      `open floor: ${openFloor.on.red} with AO vs ${openFloor.off.red} without`,
    );
    // the box's top face sees the whole sky: not darkened either
    const top = { off: at(off, 32, 14), on: at(on, 32, 14) };
    assertEquals(top.off.id, boxId);
    assert(Math.abs(top.on.red - top.off.red) <= 2, `top: ${top.on.red} vs ${top.off.red}`);
  },
});

Deno.test({
  name: "labels are byte-identical with every quality preset and with AO on or off",
  ...gpuTest,
  async fn() {
    const variants = [
      ...Object.keys(QUALITY_PRESETS).map((q) => `quality: ${q}`),
      "quality: low, ambient_occlusion: on",
      "quality: high, ambient_occlusion: off",
    ];
    const frames = [];
    for (const v of variants) frames.push(await firstFrame(v));
    const [first] = frames;
    frames.forEach((f, i) => {
      for (const name of ["depth", "normals", "instance", "flow"] as const) {
        assertEquals(
          new Uint8Array(f[name].buffer, f[name].byteOffset, f[name].byteLength),
          new Uint8Array(first[name].buffer, first[name].byteOffset, first[name].byteLength),
          `${name}: ${variants[i]} vs ${variants[0]}`,
        );
      }
      assertEquals(f.labels, first.labels, `labels: ${variants[i]}`);
    });
    const differs = (a: RenderedFrame, b: RenderedFrame) => a.rgb.some((v, i) => v !== b.rgb[i]);
    assert(differs(frames[1], frames[0]), "high's rgb differs from low's");
  },
});

Deno.test({
  name: "--quality forces a preset over the scene's: rgb as that preset renders it, recorded",
  ...gpuTest,
  async fn() {
    probedFrames.length = 0;
    const { dir, out } = await renderTestScene(crease("quality: high"), {
      registry: [...builtins, frameProbe],
      quality: "low",
    });
    const forced = probedFrames[0];
    const labels = JSON.parse(await Deno.readTextFile(`${out}/clip_00000/labels.json`));
    const dataset = JSON.parse(await Deno.readTextFile(`${out}/dataset.json`));
    await Deno.remove(dir, { recursive: true });
    const low = await firstFrame("quality: low");
    assertEquals(forced.rgb, low.rgb);
    assertEquals(labels.randomization["randomizer/quality"].quality, "low");
    assertEquals(dataset.quality, "low");
  },
});

Deno.test({
  name: "anti-aliasing: with high's 2×2 supersampling an edge pixel is a blend, labels stay 1×",
  ...gpuTest,
  async fn() {
    const edge = (quality: string) => `
name: edge
seed: 1
clips: 1
frames: 2
size: [48, 48]
outputs: [rgb, instance]
camera: { position: [0, 0, 4], look_at: [0, 0, 0], fov: 40 }
background: [0, 0, 0]
ambient: { color: [1, 1, 1], intensity: 1 }
lights: [{ type: directional, direction: [0, 0, -1], intensity: 0 }]
objects:
  - { name: box, mesh: cube, rotation: [0, 0, 27], color: [1, 1, 1], roughness: 1 }
plugins:
  - { use: randomizer/quality, with: { quality: ${quality}, ambient_occlusion: off, tone_mapping: none } }
  - { use: randomizer/test_probe }
`;
    const render = async (quality: string) => {
      probedFrames.length = 0;
      const { dir } = await renderTestScene(edge(quality), { registry: [...builtins, frameProbe] });
      await Deno.remove(dir, { recursive: true });
      return probedFrames[0];
    };
    const [low, high] = [await render("low"), await render("high")];
    assertEquals(high.instance, low.instance);
    // pixels on the box's silhouette: some neighbour is background
    let blended = 0, hard = 0, edges = 0;
    for (let y = 1; y < 47; y++) {
      for (let x = 1; x < 47; x++) {
        const i = y * 48 + x;
        const near = [i - 1, i + 1, i - 48, i + 48].map((j) => low.instance[j]);
        if (!near.includes(0) || !near.some((v) => v > 0)) continue;
        edges++;
        const mid = (v: number) => v > 40 && v < 215;
        if (mid(high.rgb[i * 4])) blended++;
        if (mid(low.rgb[i * 4])) hard++;
      }
    }
    assert(edges > 40, `${edges} edge pixels`);
    assertEquals(hard, 0, "low: every pixel is box or background");
    assert(blended > edges / 4, `high: ${blended} of ${edges} edge pixels are blends`);
  },
});
