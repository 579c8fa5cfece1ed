/** Spinning [something]: a hand twists a prop sharply and lets it spin on the surface. */
import { expect, objectAction, round } from "./object_action.ts";
import { HandMotion } from "./stage.ts";
import { above, addSubject, graspHand, turnAbout, UP } from "./scripts.ts";
import { length } from "./math.ts";

export default objectAction({
  name: "spin",
  template: "Spinning [something] on a flat surface",
  description: "A hand grips an oblong prop from above, twists it fast and lets it spin freely.",
  seconds: 1.2,
  defaults: {
    /** How far the hand twists the prop about the vertical, degrees (direction drawn). */
    twist: 100,
    /** Duration of the twist, seconds (nominal timeline); shorter = faster spin. */
    seconds: 0.18,
  },
  plan(stage, o) {
    const subject = addSubject(stage, "subject", stage.anchor, { traits: ["oblong"] });
    const { hand, grip, rotation } = graspHand(stage, subject);
    const sign = stage.rng.chance(0.5) ? 1 : -1;
    const angle = (sign * o.twist * Math.PI) / 180;
    const t1 = 0.4 + o.seconds;
    const keys = [
      { t: 0, position: above(grip, 0.1), rotation },
      { t: 0.1, position: above(grip, 0.1), rotation },
      { t: 0.35, position: grip, rotation },
      { t: 0.4, position: grip, rotation },
    ];
    // The twist: several keys so the wrist turns evenly (slerp would take the short way).
    for (let i = 1; i <= 4; i++) {
      keys.push(
        {
          t: 0.4 + (o.seconds * i) / 4,
          position: grip,
          rotation: turnAbout(UP, (angle * i) / 4, rotation),
          ease: "linear",
        } as (typeof keys)[number],
      );
    }
    const twisted = keys[keys.length - 1].rotation;
    keys.push({ t: t1 + 0.3, position: above(grip, 0.12), rotation: twisted });
    new HandMotion(stage, hand, keys).hold(subject, 0.4, t1);
    return {
      subjects: [subject],
      hands: [hand],
      args: { direction: sign > 0 ? "counterclockwise" : "clockwise" },
      verify(m) {
        const turned = m.turn();
        expect(turned > 0.8, `turned only ${turned.toFixed(2)} rad`);
        const drift = length(m.displacement());
        expect(drift < 0.1, `drifted ${drift.toFixed(3)} m while spinning`);
        return { turned_degrees: round((turned * 180) / Math.PI, 1) };
      },
    };
  },
});
