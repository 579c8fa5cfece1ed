/** Rolling [something]: a hand taps a ball (or a can/bottle on its side) and it rolls away. */
import { expect, objectAction, round } from "./object_action.ts";
import { qaxis } from "./math.ts";
import { span } from "./stage.ts";
import { addSubject, beside, negate, push } from "./scripts.ts";

export default objectAction({
  name: "roll",
  template: "Rolling [something] on a flat surface",
  description: "A hand gives a round prop a short push and it rolls across the surface.",
  seconds: 1.2,
  defaults: {
    /** Hand speed of the short push (3 cm after touching), m/s; the roll itself is simulated. */
    speed: 0.45,
    /** Only sets the start: this × view width / 2 behind the centre (distance is simulated). */
    travel: 0.3,
  },
  plan(stage, o) {
    const toRight = stage.rng.chance(0.5);
    const dir = toRight ? stage.right : negate(stage.right);
    const start = beside(stage.anchor, dir, -span(stage, o.travel) / 2);
    // Laid with its axis pointing away from the camera, a can or bottle rolls sideways.
    const subject = addSubject(stage, "subject", start, {
      traits: ["rolls"],
      rotation: qaxis(stage.right, Math.PI / 2),
      angularDamping: 1.5, // rolling resistance, so it comes to rest in view
      linearDamping: 0.3,
    });
    const motion = push(stage, subject, { dir, distance: 0.03, speed: o.speed, upright: true });
    return {
      subjects: [subject],
      hands: [motion.hand],
      args: { speed: o.speed },
      verify(m) {
        const moved = m.along(stage.right);
        expect(Math.abs(moved) > 0.05, `rolled only ${moved.toFixed(3)} m`);
        expect(m.turn() > 1, `turned ${m.turn().toFixed(2)} rad: slid rather than rolled`);
        return {
          direction: moved > 0 ? "left_to_right" : "right_to_left",
          distance: round(Math.abs(moved)),
        };
      },
    };
  },
});
