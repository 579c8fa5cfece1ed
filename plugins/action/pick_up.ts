/** Picking [something] up: a hand comes down, grips the prop and lifts it off the surface. */
import { expect, objectAction, round } from "./object_action.ts";
import { HandMotion } from "./stage.ts";
import { above, addSubject, graspHand } from "./scripts.ts";

export default objectAction({
  name: "pick_up",
  template: "Picking [something] up",
  description: "A hand descends onto a prop, grips it and lifts it into the air.",
  seconds: 1.3,
  defaults: {
    /** Metres the hand lifts the prop above where it rests. */
    height: 0.2,
    /** Average lifting speed, m/s (the eased lift takes height / speed seconds). */
    speed: 0.45,
  },
  plan(stage, o) {
    const subject = addSubject(stage, "subject", stage.anchor, { traits: ["upright"] });
    const { hand, grip } = graspHand(stage, subject);
    const lifted = 0.45 + o.height / o.speed;
    new HandMotion(stage, hand, [
      { t: 0, position: above(grip, 0.12) },
      { t: 0.1, position: above(grip, 0.12) },
      { t: 0.4, position: grip },
      { t: 0.45, position: grip },
      { t: lifted, position: above(grip, o.height) },
    ]).hold(subject, 0.45);
    return {
      subjects: [subject],
      hands: [hand],
      args: { height: round(o.height) },
      verify(m) {
        const rose = m.displacement()[1];
        expect(rose > 0.5 * o.height, `rose ${rose.toFixed(3)} m of ${o.height}`);
        return { rose: round(rose) };
      },
    };
  },
});
