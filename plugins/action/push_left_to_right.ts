/** Pushing [something] from left to right (screen-right as the camera sees it). */
import { objectAction } from "./object_action.ts";
import { pushAlong } from "./scripts.ts";

export default objectAction({
  name: "push_left_to_right",
  template: "Pushing [something] from left to right",
  description: "A hand pushes an upright prop across the surface toward screen-right.",
  seconds: 1.4,
  defaults: { distance: 0.35, speed: 0.45 },
  plan: (stage, o) => pushAlong(stage, stage.right, o, "left_to_right"),
});
