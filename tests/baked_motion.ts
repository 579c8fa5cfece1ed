/** Test fixture: motions played one after another by a sampled person, baked at 24 fps. */
import { Rng } from "../engine/scene/rng.ts";
import { sampleAppearance } from "../engine/human/appearance.ts";
import { bake } from "../engine/human/bake.ts";
import { bodyParts } from "../engine/human/body.ts";
import { MOTIONS } from "../engine/human/library.ts";
import { footRadius, restOffsets } from "../engine/human/skeleton.ts";
import { schedule } from "../plugins/action/human_action.ts";

export const FPS = 24;

/** `names` in a row (speed and amplitude 1, left side), standing at the origin facing +Z. */
export function bakeMotions(names: readonly string[], seed: string, frames: number) {
  const look = sampleAppearance(new Rng(seed));
  const offsets = restOffsets(look.proportions);
  const params = { speed: 1, amplitude: 1, side: "left" as const, height: look.proportions.height };
  const motions = names.map((n) => MOTIONS[n]);
  const { poses } = schedule(motions, motions.map(() => params), 0.2, 0.3, frames, FPS);
  const radius = footRadius(look.proportions);
  const baked = bake(poses, {
    offsets,
    parts: bodyParts(look.proportions),
    footRadius: radius,
    start: [0, 0],
    heading: 0,
    fps: FPS,
  });
  return { baked, radius, look, offsets };
}
