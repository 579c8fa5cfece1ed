/** Moving [something] and [something] away from each other: two hands slide them apart. */
import { expect, objectAction, round } from "./object_action.ts";
import { HandMotion, reach, span } from "./stage.ts";
import { above, addSubject, beside, graspHand, negate } from "./scripts.ts";

export default objectAction({
  name: "move_apart",
  template: "Moving [something] and [something] away from each other",
  description: "Two props stand side by side; a hand on each slides them apart.",
  seconds: 1.4,
  defaults: { distance: 0.18, speed: 0.3 },
  plan(stage, o) {
    const left = negate(stage.right);
    const a = addSubject(stage, "subject", stage.anchor, { traits: ["upright"] });
    const b = addSubject(stage, "other", stage.anchor, { traits: ["upright"] });
    // Side by side with a 2 cm gap, centred on the anchor.
    const wa = reach(stage, a, stage.right);
    const wb = reach(stage, b, left);
    const shift = (wa + wb + 0.02) / 2;
    for (const [o2, d] of [[a, -shift], [b, shift]] as const) {
      o2.position = beside(o2.position, stage.right, d);
      stage.physics.bodyOf(o2).body.setTranslation(
        { x: o2.position[0], y: o2.position[1], z: o2.position[2] },
        true,
      );
    }
    const distance = span(stage, o.distance);
    const t1 = 0.4 + distance / o.speed;
    const hands = [[a, left, "hand"], [b, stage.right, "hand2"]] as const;
    const motions = hands.map(([subject, dir, suffix]) => {
      const { hand, grip } = graspHand(stage, subject, suffix);
      const end = beside(grip, dir, distance);
      return new HandMotion(stage, hand, [
        { t: 0, position: above(grip, 0.1) },
        { t: 0.3, position: grip },
        { t: 0.4, position: grip },
        { t: t1, position: end },
        { t: t1 + 0.3, position: above(end, 0.1) },
      ]).hold(subject, 0.4, t1 + 0.02);
    });
    return {
      subjects: [a, b],
      hands: motions.map((m) => m.hand),
      args: { speed: o.speed, planned_distance: round(distance) },
      verify(m) {
        const apart = m.gap(m.end) - m.gap(m.start);
        expect(apart > distance, `gap grew only ${apart.toFixed(3)} m`);
        return { gap_before: round(m.gap(m.start)), gap_after: round(m.gap(m.end)) };
      },
    };
  },
});
