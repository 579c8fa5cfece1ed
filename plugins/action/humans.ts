/** Plugins of this family, in the order they are registered. */
import type { PluginDefinition } from "../../engine/plugin/contract.ts";
import { humanPlugin } from "./human_action.ts";
import { humanBvh } from "./human_bvh.ts";

const one = (name: string, what: string) =>
  humanPlugin(`action/human_${name}`, `A person ${what} (keypoints, box, action event).`, name);

// deno-lint-ignore no-explicit-any
export const humanActions: readonly PluginDefinition<any>[] = [
  humanPlugin(
    "action/human",
    'A person performing a motion from the library (motion: a name, "balanced" or "any").',
    "balanced",
  ),
  one("walk", "walking forward"),
  one("run", "running forward"),
  one("jump", "jumping up"),
  one("wave", "waving a hand"),
  one("squat", "doing squats"),
  one("sit_down", "sitting down on a stool"),
  one("stand_up", "standing up from a stool"),
  one("fall_over", "falling over"),
  one("turn_around", "turning around"),
  one("kick", "kicking"),
  one("clap", "clapping hands"),
  one("uprock", "dancing an uprock"),
  one("spin", "spinning on one foot"),
  one("freeze", "holding a breakdance freeze"),
  humanBvh,
];
