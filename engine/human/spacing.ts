/**
 * Room for several people: each person's footprint is the floor rectangle its
 * joints sweep over the whole clip (grown by a limb's reach), and a newcomer
 * slides sideways, alternately right and left in growing steps, until its
 * footprint clears everyone already placed. Deterministic: no draws.
 */
import type { Actor } from "./actor.ts";

export interface Footprint {
  min: [number, number];
  max: [number, number];
}

/** Clearance kept between two people's footprints (m). */
const GAP = 0.15;
/** Sideways step while looking for room (m). */
const STEP = 0.2;
/** Steps tried on each side before giving up (12 m). */
const MAX_STEPS = 60;

/** Floor rectangle (x, z) the person's joints cover over the clip, grown by a hand's reach. */
export function footprint(actor: Actor): Footprint {
  const grow = 0.12 * actor.appearance.proportions.height;
  const min: [number, number] = [Infinity, Infinity];
  const max: [number, number] = [-Infinity, -Infinity];
  for (const b of actor.baked) {
    for (const p of b.world.positions) {
      min[0] = Math.min(min[0], p[0] - grow), max[0] = Math.max(max[0], p[0] + grow);
      min[1] = Math.min(min[1], p[2] - grow), max[1] = Math.max(max[1], p[2] + grow);
    }
  } // deno-fmt-ignore
  return { min, max };
}

function overlaps(a: Footprint, b: Footprint): boolean {
  return a.min[0] < b.max[0] + GAP && b.min[0] < a.max[0] + GAP &&
    a.min[1] < b.max[1] + GAP && b.min[1] < a.max[1] + GAP;
}

/** Moves `actor` along x to the nearest spot where it overlaps none of `others`. */
export function makeRoom(actor: Actor, others: readonly Actor[]): void {
  if (others.length === 0) return;
  const taken = others.map(footprint);
  const mine = footprint(actor);
  // Every other newcomer tries the left first, so a group grows on both sides.
  const first = others.length % 2 === 1 ? 1 : -1;
  for (let k = 0; k <= MAX_STEPS; k++) {
    for (const side of k === 0 ? [0] : [first, -first]) {
      const dx = side * k * STEP;
      const moved: Footprint = {
        min: [mine.min[0] + dx, mine.min[1]],
        max: [mine.max[0] + dx, mine.max[1]],
      };
      if (taken.every((t) => !overlaps(moved, t))) {
        actor.translate(dx, 0);
        return;
      }
    }
  }
  throw new Error(`no room for ${actor.name} within ${MAX_STEPS * STEP} m of the others`);
}
