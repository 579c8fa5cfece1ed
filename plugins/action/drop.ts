/** Dropping [something]: a hand holds a prop above the surface and lets go. */
import { expect, objectAction, round } from "./object_action.ts";
import { HandMotion } from "./stage.ts";
import { above, addSubject, graspHand } from "./scripts.ts";

export default objectAction({
  name: "drop",
  template: "Dropping [something] onto a surface",
  description: "A hand holds a prop in the air, opens, and the prop falls onto the surface.",
  seconds: 1.2,
  defaults: {
    /** Metres the prop's lowest point is held above the surface before it is let go. */
    height: 0.25,
    /** Seconds (nominal timeline) the hand holds the prop before opening; 0 = at once. */
    release: 0.3,
  },
  plan(stage, o) {
    const subject = addSubject(stage, "subject", stage.anchor, {
      traits: [],
      lift: o.height,
      rotation: [0, 0, 0, 1],
    });
    const { hand, grip } = graspHand(stage, subject);
    new HandMotion(stage, hand, [
      { t: 0, position: grip },
      { t: o.release, position: grip },
      { t: o.release + 0.35, position: above(grip, 0.1) },
    ]).hold(subject, 0, o.release);
    return {
      subjects: [subject],
      hands: [hand],
      args: { height: round(o.height) },
      verify(m) {
        const fell = -m.displacement()[1];
        expect(fell > 0.5 * o.height, `fell ${fell.toFixed(3)} m of ${o.height}`);
        return { fell: round(fell) };
      },
    };
  },
});
