/**
 * Tone mapping: the curves, rendered pixels against the reference curve, and labels that do not
 * change with any RGB setting.
 */
import { assert, assertEquals } from "./assert.ts";
import { frameProbe, probedFrames, renderTestScene } from "./helpers.ts";
import { builtins } from "../plugins/mod.ts";
import { TONE_MAPPINGS, toneMap } from "../engine/scene/tone_mapping.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };
const srgb8 = (v: number) =>
  Math.round(255 * (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055));

Deno.test("curves: neutral keeps mid-tones (minus the black offset) and rolls highlights off; all monotone in 0..1", () => {
  toneMap([0.5, 0.3, 0.1], "neutral").forEach((v, k) =>
    assert(Math.abs(v - [0.46, 0.26, 0.06][k]) < 1e-12, `neutral mid-tones: ${v}`)
  );
  assertEquals(toneMap([2, 2, 2], "none"), [1, 1, 1]);
  for (const mapping of TONE_MAPPINGS) {
    let previous = -1;
    for (let x = 0; x <= 64; x += 0.01) {
      const [y] = toneMap([x, x, x], mapping);
      assert(y >= previous - 1e-12 && y <= 1, `${mapping} at ${x}: ${y}`);
      previous = y;
    }
  }
  // Highlights: neutral and aces reach near white without clipping early; none clips at 1.
  assert(toneMap([1.5, 1.5, 1.5], "neutral")[0] < 1 && toneMap([8, 8, 8], "neutral")[0] > 0.97);
  assert(toneMap([1.5, 1.5, 1.5], "aces")[0] < 1);
  // Exposure doubles radiance per EV.
  assertEquals(toneMap([0.1, 0.1, 0.1], "none", 1), toneMap([0.2, 0.2, 0.2], "none"));
});

/** A white matte plane filling the view, lit only by ambient light of radiance `radiance`. */
const plane = (radiance: number, mapping: string, exposure = 0) => `
name: tone
seed: 1
clips: 1
frames: 2
size: [16, 12]
outputs: [rgb, depth, normals, instance, flow]
camera: { position: [0, 0, 2], look_at: [0, 0, 0], fov: 40 }
ambient: { color: [1, 1, 1], intensity: ${radiance} }
lights: [{ type: directional, direction: [0, 0, -1], intensity: 0 }]
objects:
  - { name: wall, mesh: cube, scale: [10, 10, 0.1], color: [1, 1, 1], roughness: 1, metalness: 0 }
plugins:
  - { use: randomizer/quality, with: { tone_mapping: ${mapping}, exposure: ${exposure} } }
  - { use: randomizer/test_probe }
`;

Deno.test({
  name: "a white matte plane under ambient radiance L renders to the curve's value within 1/255",
  ...gpuTest,
  async fn() {
    for (const mapping of TONE_MAPPINGS) {
      for (const [radiance, exposure] of [[0.2, 0], [0.7, 0], [2.5, 0], [0.4, 1.5]]) {
        probedFrames.length = 0;
        const { dir } = await renderTestScene(plane(radiance, mapping, exposure), {
          registry: [...builtins, frameProbe],
        });
        const f = probedFrames[0];
        const centre = (6 * 16 + 8) * 4;
        const want = srgb8(toneMap([radiance, radiance, radiance], mapping, exposure)[0]);
        for (let c = 0; c < 3; c++) {
          assert(
            Math.abs(f.rgb[centre + c] - want) <= 1,
            `${mapping} L=${radiance} EV=${exposure}: ${f.rgb[centre + c]} vs ${want}`,
          );
        }
        await Deno.remove(dir, { recursive: true });
      }
    }
  },
});

Deno.test({
  name: "labels are byte-identical with every tone mapping and exposure; only rgb changes",
  ...gpuTest,
  async fn() {
    const scene = (mapping: string, exposure: number) => `
name: tone_labels
seed: 4
clips: 1
frames: 6
size: [48, 36]
outputs: [rgb, depth, normals, instance, flow]
camera: { position: [0, 1.2, 4], look_at: [0, 0.4, 0], fov: 50 }
objects:
  - { name: floor, mesh: plane, scale: [8, 1, 8], color: [0.9, 0.9, 0.9] }
  - name: ball
    mesh: sphere
    scale: 0.6
    color: [0.9, 0.2, 0.1]
    motion: [{ frame: 0, position: [-1, 0.3, 0] }, { frame: 5, position: [1, 0.3, 0] }]
plugins:
  - { use: randomizer/quality, name: look, with: { quality: high, tone_mapping: ${mapping}, exposure: ${exposure} } }
`;
    const outputs: Record<string, Uint8Array>[] = [];
    const labels: unknown[] = [];
    for (const [mapping, exposure] of [["none", 0], ["neutral", 0], ["aces", 2]] as const) {
      const { dir, out } = await renderTestScene(scene(mapping, exposure));
      const clip = `${out}/clip_00000`;
      const files: Record<string, Uint8Array> = {};
      for (const name of ["depth.npy", "normals.npy", "instance.npy", "flow.npy", "rgb.mp4"]) {
        files[name] = await Deno.readFile(`${clip}/${name}`);
      }
      outputs.push(files);
      const doc = JSON.parse(await Deno.readTextFile(`${clip}/labels.json`));
      labels.push({ camera: doc.camera, objects: doc.objects, events: doc.events });
      await Deno.remove(dir, { recursive: true });
    }
    for (const name of ["depth.npy", "normals.npy", "instance.npy", "flow.npy"]) {
      assertEquals(outputs[1][name], outputs[0][name], `${name}: neutral vs none`);
      assertEquals(outputs[2][name], outputs[0][name], `${name}: aces +2 EV vs none`);
    }
    assertEquals(labels[1], labels[0]);
    assertEquals(labels[2], labels[0]);
    const same = (a: Uint8Array, b: Uint8Array) =>
      a.length === b.length && a.every((v, i) => v === b[i]);
    assert(!same(outputs[1]["rgb.mp4"], outputs[0]["rgb.mp4"]), "rgb changes with the curve");
  },
});
