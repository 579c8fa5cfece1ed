/** Moving [something] and [something] closer to each other: two hands push them together. */
import { expect, objectAction, round } from "./object_action.ts";
import { reach, span } from "./stage.ts";
import { addSubject, beside, negate, push } from "./scripts.ts";

export default objectAction({
  name: "move_closer",
  template: "Moving [something] and [something] closer to each other",
  description:
    "Two props stand apart; a hand on the outside of each pushes them toward each other.",
  seconds: 1.3,
  defaults: {
    /** Start distance between the props' centres, as a fraction of the view width. */
    apart: 0.5,
    /** Speed of each pushing hand, m/s (they push until about 2 cm is left between the props). */
    speed: 0.35,
  },
  plan(stage, o) {
    const half = span(stage, o.apart) / 2;
    const left = negate(stage.right);
    const a = addSubject(stage, "subject", beside(stage.anchor, left, half), {
      traits: ["upright"],
    });
    const b = addSubject(stage, "other", beside(stage.anchor, stage.right, half), {
      traits: ["upright"],
    });
    // Each travels until ~2 cm of room is left between them.
    const room = half * 2 - reach(stage, a, stage.right) - reach(stage, b, left) - 0.02;
    const distance = Math.max(0.02, room / 2);
    const ha = push(stage, a, { dir: stage.right, distance, speed: o.speed, suffix: "hand" });
    const hb = push(stage, b, { dir: left, distance, speed: o.speed, suffix: "hand2" });
    return {
      subjects: [a, b],
      hands: [ha.hand, hb.hand],
      args: { speed: o.speed },
      verify(m) {
        const closer = m.gap(m.start) - m.gap(m.end);
        expect(closer > 0.5 * distance, `gap shrank only ${closer.toFixed(3)} m`);
        return { gap_before: round(m.gap(m.start)), gap_after: round(m.gap(m.end)) };
      },
    };
  },
});
