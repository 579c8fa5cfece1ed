/**
 * Light bounced off the floor: the floor's radiance from its albedo and the light on it, and
 * the diffuse environment light that takes it below the horizon.
 */
import { assert, assertEquals } from "./assert.ts";
import { irradianceSh, shIrradiance } from "../engine/scene/environment.ts";
import { floorOf, groundRadiance } from "../engine/scene/ground_bounce.ts";
import type { FrameState, ObjectState } from "../engine/scene/frame_state.ts";
import { defaultLight } from "../engine/scene/scene.ts";

const close = (a: number[], b: number[], tolerance: number) =>
  a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

function state(objects: Partial<ObjectState>[]): FrameState {
  const sun = { ...defaultLight(), direction: [0, -1, -1] as [number, number, number] };
  return {
    objects: objects.map((o, i) => ({
      id: i + 1,
      name: `o${i}`,
      cls: "thing",
      mesh: "plane",
      model: new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
      material: { color: [0.5, 0.4, 0.3], roughness: 1, metalness: 0 },
      ...o,
    })),
    lights: [{ ...sun, color: [1, 1, 1], intensity: 2 }],
    ambient: { color: [1, 1, 1], intensity: 0.1 },
  } as unknown as FrameState;
}

Deno.test("the floor is the widest object of class floor; its radiance is albedo × the light on it", () => {
  const wide = new Float32Array([6, 0, 0, 0, 0, 1, 0, 0, 0, 0, 6, 0, 0, 0, 0, 1]);
  const s = state([{ cls: "floor" }, { cls: "floor", model: wide }, { cls: "box" }]);
  const floor = floorOf(s)!;
  assertEquals(floor.id, 2);
  assertEquals(floorOf(state([{ cls: "box" }])), undefined);
  // sun of intensity 2 at 45° (cos 0.707), ambient 0.1, sky 0.3 on an upward surface
  const got = groundRadiance(s, floor, [0.3, 0.3, 0.3]);
  const light = 2 * Math.SQRT1_2 + 0.1 + 0.3;
  assert(close(got, [0.5 * light, 0.4 * light, 0.3 * light], 1e-9), JSON.stringify(got));
});

Deno.test("the diffuse environment light takes the floor's radiance below the horizon", () => {
  const width = 128, height = 64;
  const image = { width, height, data: new Float32Array(width * height * 3) };
  for (let y = 0; y < height; y++) {
    const v = y < height / 2 ? 1 : 0.05; // bright sky, dark photographed ground
    image.data.fill(v, y * width * 3, (y + 1) * width * 3);
  }
  const own = irradianceSh(image, 0);
  const floored = irradianceSh(image, 0, [0.6, 0.6, 0.6]);
  const down = (sh: Float32Array) => shIrradiance(sh, [0, -1, 0])[0];
  const side = (sh: Float32Array) => shIrradiance(sh, [1, 0, 0])[0];
  // a face looking down sees the floor (order-2 SH blurs: within 10 %)
  assert(
    Math.abs(down(floored) - 0.6) < 0.06 && down(own) < 0.15,
    `${down(floored)}, ${down(own)}`,
  );
  // a side face sees half sky, half floor
  assert(Math.abs(side(floored) - 0.8) < 0.05, `side ${side(floored)}`);
  // the ground half is linear: sky part + g × unit ground part
  const sky = irradianceSh(image, 0, [0, 0, 0]);
  const unit = irradianceSh(image, 0, [1, 1, 1]);
  assert(close([...floored], [...sky].map((v, i) => v + 0.6 * (unit[i] - v)), 1e-6));
});
