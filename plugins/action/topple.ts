/** Knocking [something] over: a hand pushes a tall prop near its top until it falls. */
import { expect, objectAction, round } from "./object_action.ts";
import { reach } from "./stage.ts";
import { addSubject, negate, push } from "./scripts.ts";

export default objectAction({
  name: "topple",
  template: "Knocking [something] over",
  description: "A hand pushes a tall prop high up; it tips past its edge and falls over.",
  seconds: 1.4,
  defaults: {
    /** Hand speed pushing near the prop's top, m/s (it travels 1.2 × the prop's width + 6 cm). */
    speed: 0.5,
  },
  plan(stage, o) {
    // Sideways, so the viewer sees it fall (a fall along the view axis hides the tilt).
    const dir = stage.rng.chance(0.5) ? stage.right : negate(stage.right);
    const subject = addSubject(stage, "subject", stage.anchor, { traits: ["tall"] });
    const top = reach(stage, subject, [0, 1, 0]) + reach(stage, subject, [0, -1, 0]);
    const width = reach(stage, subject, dir) + reach(stage, subject, negate(dir));
    const motion = push(stage, subject, {
      dir,
      distance: width * 1.2 + 0.06,
      speed: o.speed,
      upright: true,
      height: top - 0.035, // palm at the very top: most leverage
    });
    return {
      subjects: [subject],
      hands: [motion.hand],
      args: { speed: o.speed },
      verify(m) {
        const tilt = m.turn();
        expect(tilt > 1.1, `tilted only ${tilt.toFixed(2)} rad: did not fall over`);
        const d = m.displacement();
        const side = d[0] * stage.right[0] + d[2] * stage.right[2];
        const away = d[0] * stage.forward[0] + d[2] * stage.forward[2];
        const direction = Math.abs(away) > Math.abs(side)
          ? (away > 0 ? "away_from_camera" : "toward_camera")
          : (side > 0 ? "left_to_right" : "right_to_left");
        return { direction, tilt_degrees: round((tilt * 180) / Math.PI, 1) };
      },
    };
  },
});
