/** Pushing [something] from right to left (screen-left as the camera sees it). */
import { objectAction } from "./object_action.ts";
import { negate, pushAlong } from "./scripts.ts";

export default objectAction({
  name: "push_right_to_left",
  template: "Pushing [something] from right to left",
  description: "A hand pushes an upright prop across the surface toward screen-left.",
  seconds: 1.4,
  defaults: { distance: 0.35, speed: 0.45 },
  plan: (stage, o) => pushAlong(stage, negate(stage.right), o, "right_to_left"),
});
