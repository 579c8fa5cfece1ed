/**
 * What of the floor is taken, shared per clip between the plugins that put things on it: the
 * room's inner rectangle (nothing stands outside it) and the footprints of what stands along its
 * walls. randomizer/room_set writes it; randomizer/clutter keeps its distractors inside the room
 * and off the furniture.
 */
import type { ClipContext } from "../../engine/plugin/contract.ts";

/** An axis-aligned rectangle of the floor, metres: x from min[0] to max[0], z from min[1]. */
export interface FloorRect {
  min: [number, number];
  max: [number, number];
}

export interface FloorSpace {
  /** The walls' inner faces, when a room stands around the scene. */
  inside?: FloorRect;
  /** Footprints of furniture and other fixed things on the floor. */
  taken: FloorRect[];
}

const KEY = "floor_space";

/** The clip's floor space (empty until a plugin fills it). */
// deno-lint-ignore no-explicit-any
export function floorSpace(ctx: ClipContext<any>): FloorSpace {
  let space = ctx.shared.get(KEY) as FloorSpace | undefined;
  if (!space) {
    space = { taken: [] };
    ctx.shared.set(KEY, space);
  }
  return space;
}

/** Whether a circle at (x, z) of radius r stays `gap` clear of every taken rectangle and inside. */
export function circleIsFree(
  space: FloorSpace,
  x: number,
  z: number,
  r: number,
  gap: number,
): boolean {
  const i = space.inside;
  if (i && (x - r < i.min[0] || x + r > i.max[0] || z - r < i.min[1] || z + r > i.max[1])) {
    return false;
  }
  return space.taken.every((t) => {
    // distance from the centre to the nearest point of the rectangle
    const dx = Math.max(t.min[0] - x, 0, x - t.max[0]);
    const dz = Math.max(t.min[1] - z, 0, z - t.max[1]);
    return Math.hypot(dx, dz) >= r + gap;
  });
}

/** Whether two rectangles, each grown by `gap`, overlap. */
export function rectsOverlap(a: FloorRect, b: FloorRect, gap = 0): boolean {
  return a.min[0] - gap < b.max[0] && b.min[0] - gap < a.max[0] &&
    a.min[1] - gap < b.max[1] && b.min[1] - gap < a.max[1];
}
