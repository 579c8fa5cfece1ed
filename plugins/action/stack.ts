/** Putting [something] on top of [something]: a hand picks one prop up and stacks it on another. */
import { expect, objectAction, round } from "./object_action.ts";
import { HandMotion, reach, span } from "./stage.ts";
import { above, addSubject, beside, graspHand, negate } from "./scripts.ts";

export default objectAction({
  name: "stack",
  template: "Putting [something] on top of [something]",
  description:
    "A hand lifts a small prop, carries it over a larger flat-topped one and sets it on top.",
  seconds: 1.6,
  defaults: {
    /** Start distance between the two props' centres, as a fraction of the view width. */
    apart: 0.3,
  },
  plan(stage, o) {
    const dir = stage.rng.chance(0.5) ? stage.right : negate(stage.right);
    const half = span(stage, o.apart) / 2;
    const top = addSubject(stage, "subject", beside(stage.anchor, dir, -half), {
      traits: ["upright"],
      sizeFactor: 0.75,
    });
    const base = addSubject(stage, "base", beside(stage.anchor, dir, half), {
      traits: ["base"],
      sizeFactor: 1.3,
    });
    const { hand, grip } = graspHand(stage, top);
    // Over the base: the held prop's bottom 4 mm above the base's top face.
    const below = grip[1] - top.position[1] + reach(stage, top, [0, -1, 0]);
    const baseTop = base.position[1] + reach(stage, base, [0, 1, 0]);
    const place: [number, number, number] = [
      base.position[0],
      baseTop + below + 0.004,
      base.position[2],
    ];
    const high = Math.max(grip[1], place[1]) + 0.06;
    new HandMotion(stage, hand, [
      { t: 0, position: above(grip, 0.1) },
      { t: 0.25, position: grip },
      { t: 0.3, position: grip },
      { t: 0.55, position: [grip[0], high, grip[2]] },
      { t: 0.95, position: [place[0], high, place[2]] },
      { t: 1.2, position: place },
      { t: 1.25, position: place },
      { t: 1.5, position: above(place, 0.1) },
    ]).hold(top, 0.3, 1.25);
    return {
      subjects: [top, base],
      hands: [hand],
      args: {},
      verify(m) {
        const t = m.tracks[0][m.end].position;
        const b = m.tracks[1][m.end].position;
        const baseTop = b[1] + reach(stage, base, [0, 1, 0]);
        expect(t[1] > baseTop, "the top prop did not end above the base");
        const off = Math.hypot(t[0] - b[0], t[2] - b[2]);
        return { offset: round(off), height: round(t[1] - stage.surface.top) };
      },
    };
  },
});
