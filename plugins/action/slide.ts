/** Sliding [something] until it stops: a flick sends a prop sliding until friction stops it. */
import { expect, objectAction, round } from "./object_action.ts";
import { span } from "./stage.ts";
import { addSubject, beside, negate, push } from "./scripts.ts";

export default objectAction({
  name: "slide",
  template: "Sliding [something] across a surface until it stops",
  description: "A hand flicks an upright prop; it slides freely and friction brings it to rest.",
  seconds: 1.2,
  defaults: {
    /** Hand speed of the flick (2.5 cm after touching), m/s; the slide itself is simulated. */
    speed: 1.4,
    /** Only sets the start: this × view width / 2 behind the centre (distance is simulated). */
    travel: 0.3,
  },
  plan(stage, o) {
    const dir = stage.rng.chance(0.5) ? stage.right : negate(stage.right);
    const start = beside(stage.anchor, dir, -span(stage, o.travel) / 2);
    // Boxes and blocks: a flicked mug or can may tip over and roll on instead of stopping.
    const subject = addSubject(stage, "subject", start, { traits: ["oblong"] });
    const motion = push(stage, subject, { dir, distance: 0.025, speed: o.speed });
    return {
      subjects: [subject],
      hands: [motion.hand],
      args: { speed: o.speed },
      verify(m) {
        const moved = m.along(stage.right);
        expect(Math.abs(moved) > 0.05, `slid only ${moved.toFixed(3)} m`);
        const last = m.tracks[0].length - 1;
        expect(m.end < last, "still sliding when the clip ends");
        return {
          direction: moved > 0 ? "left_to_right" : "right_to_left",
          distance: round(Math.abs(moved)),
          stopped_at: m.end,
        };
      },
    };
  },
});
