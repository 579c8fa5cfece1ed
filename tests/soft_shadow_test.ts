/**
 * Soft shadows (PCSS, high and ultra): a pole's shadow on the floor is sharp at its foot and
 * softens toward its tip, more so under a bigger light; the fixed filter of `low` does not.
 */
import { assert } from "./assert.ts";
import { frameProbe, probedFrames, renderTestScene } from "./helpers.ts";
import { builtins } from "../plugins/mod.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };
const SIZE = 128;
const FOV = 25;
/** Pixel column of floor point x (the camera looks straight down from 6 m). */
const column = (x: number) =>
  Math.round(SIZE / 2 + (x / (6 * Math.tan((FOV * Math.PI) / 360))) * (SIZE / 2));

/**
 * A 2 m pole seen from straight above, its shadow cast along +x by a light at 45°: the shadow
 * runs from the pole's foot (x = -1) to the tip's shadow (x = 1) along the middle row.
 */
async function pole(quality: string, lightSize: number): Promise<RenderedFrame> {
  probedFrames.length = 0;
  const { dir } = await renderTestScene(
    `
name: pole
seed: 1
clips: 1
frames: 2
size: [${SIZE}, ${SIZE}]
outputs: [rgb]
camera: { position: [0, 6, 0.001], look_at: [0, 0, 0], fov: ${FOV} }
ambient: { color: [1, 1, 1], intensity: 0.3 }
lights:
  - { type: directional, direction: [1, -1, 0], intensity: 2, cast_shadow: true, size: ${lightSize} }
objects:
  - { name: floor, mesh: plane, scale: [8, 1, 8], color: [0.8, 0.8, 0.8], roughness: 1 }
  - { name: pole, mesh: cube, position: [-1, 1, 0], scale: [0.15, 2, 0.15], color: [0.8, 0.2, 0.2], roughness: 1 }
plugins:
  - { use: randomizer/quality, with: { ${quality} } }
  - { use: randomizer/test_probe }
`,
    { registry: [...builtins, frameProbe] },
  );
  await Deno.remove(dir, { recursive: true });
  return probedFrames[0];
}

/**
 * Width in pixels of the shadow's edge across column x: rows whose green channel lies between
 * 10 % and 90 % of the way from the shadow's darkest to the lit floor, averaged over 5 columns
 * (the filter's per-pixel rotation makes single columns noisy).
 */
function edgeWidth(f: RenderedFrame, x: number): number {
  let total = 0;
  for (let col = x - 2; col <= x + 2; col++) {
    const green = (y: number) => f.rgb[(y * SIZE + col) * 4 + 1];
    const lit = green(4);
    let dark = 255;
    for (let y = 0; y < SIZE; y++) dark = Math.min(dark, green(y));
    let band = 0;
    for (let y = 0; y < SIZE; y++) {
      const t = (green(y) - dark) / (lit - dark);
      if (t > 0.1 && t < 0.9) band++;
    }
    total += band / 2; // two edges
  }
  return total / 5;
}

/** Pixel columns of the shadow a fifth of the way from the foot and near the tip. */
const FOOT = column(-0.6);
const TIP = column(0.8);

Deno.test({
  name: "PCSS: the penumbra widens from the pole's foot to its tip, and with the light's size",
  ...gpuTest,
  async fn() {
    const small = await pole("quality: high", 1);
    const big = await pole("quality: high", 4);
    const fixed = await pole("quality: low", 4);
    const widths = {
      small: [edgeWidth(small, FOOT), edgeWidth(small, TIP)],
      big: [edgeWidth(big, FOOT), edgeWidth(big, TIP)],
      fixed: [edgeWidth(fixed, FOOT), edgeWidth(fixed, TIP)],
    };
    const say = JSON.stringify(widths);
    assert(widths.big[1] >= widths.big[0] + 3, `big light: the tip is not softer: ${say}`);
    assert(widths.big[1] >= widths.small[1] + 2, `a bigger light is not softer: ${say}`);
    assert(widths.big[0] <= 3, `the foot stays sharp: ${say}`);
    assert(Math.abs(widths.fixed[1] - widths.fixed[0]) <= 1, `low's filter is fixed: ${say}`);
  },
});
