/**
 * Footfalls: the moments a foot lands on the floor, from the baked poses of
 * every frame (so a person who walks, stomps or jumps is heard where and when
 * each foot comes down, not where the clip began). A footfall is a foot whose
 * contact (BakedFrame.contact) turns on; its time is when the lower sole
 * point crossed the contact height between the two frames, its speed how fast the
 * sole came down over that frame. Feet already down on the first frame did
 * not land in the clip and make no footfall.
 */
import { type BakedFrame, contactHeight } from "./bake.ts";
import { JOINT_INDEX } from "./skeleton.ts";
import type { Vec3 } from "../scene/vector.ts";

export interface Footfall {
  side: "left" | "right";
  /** First frame with the foot down. */
  frame: number;
  /** Seconds from the clip start when the sole reached the floor. */
  time: number;
  /** Where the sole touched (world metres, on the floor). */
  position: Vec3;
  /** Downward speed of the sole over the frame before it touched (m/s, ≥ 0). */
  speed: number;
}

const SIDES = ["left", "right"] as const;

/** The lower sole point of one foot: its height above the floor and where it is. */
function sole(frame: BakedFrame, side: "left" | "right", footRadius: number) {
  const heel = frame.world.positions[JOINT_INDEX[`${side}_heel`]];
  const toe = frame.world.positions[JOINT_INDEX[`${side}_toe`]];
  const low = heel[1] <= toe[1] ? heel : toe;
  return { height: low[1] - footRadius, at: low };
}

/** Every footfall in the clip, in time order (left before right at equal times). */
export function footfalls(baked: readonly BakedFrame[], footRadius: number, fps: number) {
  const out: Footfall[] = [];
  for (let f = 1; f < baked.length; f++) {
    for (const side of SIDES) {
      if (!baked[f].contact[side] || baked[f - 1].contact[side]) continue;
      const before = sole(baked[f - 1], side, footRadius);
      const now = sole(baked[f], side, footRadius);
      const drop = before.height - now.height;
      // Share of the frame interval at which the sole crossed the contact height.
      const u = drop > 0
        ? Math.min(1, Math.max(0, (before.height - contactHeight(footRadius)) / drop))
        : 1;
      out.push({
        side,
        frame: f,
        time: (f - 1 + u) / fps,
        position: [now.at[0], 0, now.at[2]],
        speed: Math.max(0, drop) * fps,
      });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}
