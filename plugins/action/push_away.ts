/** Pushing [something] away from the camera. */
import { objectAction } from "./object_action.ts";
import { pushAlong } from "./scripts.ts";

export default objectAction({
  name: "push_away",
  template: "Pushing [something] away from the camera",
  description: "A hand on the camera side pushes an upright prop away from the viewer.",
  seconds: 1.4,
  defaults: { distance: 0.3, speed: 0.4 },
  plan: (stage, o) => pushAlong(stage, stage.forward, o, "away_from_camera"),
});
