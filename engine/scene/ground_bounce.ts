/**
 * Light bounced off the floor. An environment map's lower half is the ground where the photo
 * was taken, not the scene's floor: a sunlit sand floor under a dark-ground HDRI left every face
 * turned away from the sun 1.5–3× darker than Cycles renders it (docs/performance.md). Objects
 * standing on a floor see it below the horizon, so the diffuse environment light takes the
 * floor's radiance there instead: its albedo × the light reaching it (lights unshadowed, sky
 * and ambient). One bounce, no colour from other objects, shadows on the floor ignored.
 */
import type { FrameState, ObjectState } from "./frame_state.ts";
import type { Vec3 } from "./scene.ts";

/** A textured floor counts as its colour factor × this (a typical texture's mean). */
const TEXTURE_MEAN = 0.6;

/** The frame's floor: the widest object of class "floor", if any. */
export function floorOf(state: FrameState): ObjectState | undefined {
  let best: ObjectState | undefined;
  let bestArea = 0;
  for (const o of state.objects) {
    if (o.cls !== "floor") continue;
    const m = o.model;
    // area of the unit footprint under the model matrix (x and z axes' lengths)
    const area = Math.hypot(m[0], m[1], m[2]) * Math.hypot(m[8], m[9], m[10]);
    if (area > bestArea) [best, bestArea] = [o, area];
  }
  return best;
}

/**
 * Linear radiance leaving the floor (albedo × irradiance / π) under the frame's directional
 * lights, ambient light and `skyUp` (the environment's irradiance / π on an upward surface).
 */
export function groundRadiance(state: FrameState, floor: ObjectState, skyUp: Vec3): Vec3 {
  const m = floor.material;
  const albedo = m.color.map((c) => c * (m.texture ? TEXTURE_MEAN : 1) * (1 - m.metalness));
  const light: Vec3 = [
    skyUp[0] + state.ambient.color[0] * state.ambient.intensity,
    skyUp[1] + state.ambient.color[1] * state.ambient.intensity,
    skyUp[2] + state.ambient.color[2] * state.ambient.intensity,
  ];
  for (const l of state.lights) {
    if (l.type !== "directional") continue;
    const d = l.direction;
    const down = -d[1] / Math.max(Math.hypot(d[0], d[1], d[2]), 1e-9);
    if (down <= 0) continue;
    for (let c = 0; c < 3; c++) light[c] += l.color[c] * l.intensity * down;
  }
  return [0, 1, 2].map((c) => albedo[c] * light[c]) as Vec3;
}
