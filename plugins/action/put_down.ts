/** Putting [something] down: a hand lowers a held prop onto the surface and lets go. */
import { expect, objectAction, round } from "./object_action.ts";
import { HandMotion } from "./stage.ts";
import { above, addSubject, graspHand } from "./scripts.ts";

export default objectAction({
  name: "put_down",
  template: "Putting [something] down",
  description: "A hand holding a prop in the air lowers it onto the surface and releases it.",
  seconds: 1.3,
  defaults: {
    /** Metres above the surface the prop is held at the start (lowered to 4 mm, then let go). */
    height: 0.2,
    /** Average lowering speed, m/s (the eased descent takes height / speed seconds). */
    speed: 0.4,
  },
  plan(stage, o) {
    const subject = addSubject(stage, "subject", stage.anchor, {
      traits: ["upright"],
      lift: o.height,
    });
    const { hand, grip } = graspHand(stage, subject);
    const down = 0.2 + o.height / o.speed;
    const rest = above(grip, 0.004 - o.height); // 4 mm above resting, then let go
    new HandMotion(stage, hand, [
      { t: 0, position: grip },
      { t: 0.2, position: grip },
      { t: down, position: rest },
      { t: down + 0.05, position: rest },
      { t: down + 0.4, position: above(rest, 0.12) },
    ]).hold(subject, 0, down + 0.05);
    return {
      subjects: [subject],
      hands: [hand],
      args: { height: round(o.height) },
      verify(m) {
        const lowered = -m.displacement()[1];
        expect(lowered > 0.5 * o.height, `lowered ${lowered.toFixed(3)} m of ${o.height}`);
        return { lowered: round(lowered) };
      },
    };
  },
});
