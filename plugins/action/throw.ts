/** Throwing [something]: a hand swings a prop and lets it fly across the surface. */
import { expect, objectAction, round } from "./object_action.ts";
import { madd } from "./math.ts";
import { HandMotion, span } from "./stage.ts";
import { above, addSubject, beside, graspHand, negate } from "./scripts.ts";

export default objectAction({
  name: "throw",
  template: "Throwing [something]",
  description: "A hand holding a prop winds up, swings it upward and releases it in flight.",
  seconds: 1.5,
  defaults: {
    /** Hand speed along the 12 cm release swing, m/s. */
    speed: 1.6,
    /** Swing (launch) angle above the horizontal, degrees. */
    angle: 35,
    /** Only sets the start: this × view width / 2 behind the centre (distance is simulated). */
    travel: 0.4,
  },
  plan(stage, o) {
    const dir = stage.rng.chance(0.5) ? stage.right : negate(stage.right);
    const start = beside(stage.anchor, dir, -span(stage, o.travel) / 2);
    const subject = addSubject(stage, "subject", start, {
      traits: ["upright"],
      without: ["rolls"], // a can landing on its side would roll out of view
      lift: 0.1,
      angularDamping: 1,
    });
    const { hand, grip } = graspHand(stage, subject);
    const a = (o.angle * Math.PI) / 180;
    const back = beside(grip, dir, -0.05);
    const swing = 0.12; // metres of straight swing before release
    const release = madd(beside(back, dir, swing * Math.cos(a)), [0, 1, 0], swing * Math.sin(a));
    const t1 = 0.35 + swing / o.speed;
    new HandMotion(stage, hand, [
      { t: 0, position: grip },
      { t: 0.1, position: grip },
      { t: 0.35, position: back },
      { t: t1, position: release, ease: "linear" },
      { t: t1 + 0.25, position: above(beside(release, dir, 0.05), 0.04) },
    ]).hold(subject, 0, t1);
    return {
      subjects: [subject],
      hands: [hand],
      args: { speed: o.speed, angle: o.angle },
      verify(m) {
        const moved = m.along(stage.right);
        expect(Math.abs(moved) > 0.1, `flew only ${moved.toFixed(3)} m`);
        const y0 = m.tracks[0][m.start].position[1];
        const peak = Math.max(...m.tracks[0].map((p) => p.position[1])) - y0;
        expect(peak > 0.01, "never rose: not a throw");
        return {
          direction: moved > 0 ? "left_to_right" : "right_to_left",
          distance: round(Math.abs(moved)),
          peak: round(peak),
        };
      },
    };
  },
});
