/**
 * Foot sliding: how far a sole point (heel or toe) moves over the floor while
 * it touches it. A contact episode is a run of frames in which the point's
 * sole is within contactHeight (bake.ts) of the floor (the same test as the `contact`
 * label); its slide is the largest horizontal distance from where it touched down.
 */
import type { BakedFrame } from "./bake.ts";
import { contactHeight } from "./bake.ts";
import { JOINT_INDEX, type JointName } from "./skeleton.ts";

export interface Slide {
  point: JointName;
  /** First and last frame of the contact episode. */
  from: number;
  to: number;
  /** Metres. */
  slide: number;
}

const SOLE_POINTS: readonly JointName[] = ["left_heel", "left_toe", "right_heel", "right_toe"];

/** Every contact episode of every sole point, with its slide. */
export function footSlides(baked: readonly BakedFrame[], footRadius: number): Slide[] {
  const out: Slide[] = [];
  for (const point of SOLE_POINTS) {
    const j = JOINT_INDEX[point];
    let episode: Slide | undefined;
    let touch: readonly number[] = [];
    baked.forEach((b, f) => {
      const p = b.world.positions[j];
      if (p[1] - footRadius >= contactHeight(footRadius)) {
        episode = undefined;
        return;
      }
      if (!episode) {
        episode = { point, from: f, to: f, slide: 0 };
        touch = p;
        out.push(episode);
      }
      episode.to = f;
      episode.slide = Math.max(episode.slide, Math.hypot(p[0] - touch[0], p[2] - touch[2]));
    });
  }
  return out;
}
