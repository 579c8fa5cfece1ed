/** Lifting up one end of [something], then letting it drop down (tilting it about an edge). */
import { expect, objectAction, round } from "./object_action.ts";
import { add, qrot, sub } from "./math.ts";
import { HandMotion, type Key, reach } from "./stage.ts";
import { addSubject, beside, graspHand, negate, onTop, turnAbout } from "./scripts.ts";

export default objectAction({
  name: "tilt",
  template: "Lifting up one end of [something], then letting it drop down",
  description:
    "A hand lifts one end of an oblong prop so it tilts about its far edge, then lets go.",
  seconds: 1.3,
  defaults: {
    /** How far the lifted end is tilted about the far bottom edge before release, degrees. */
    angle: 35,
  },
  plan(stage, o) {
    const dir = stage.rng.chance(0.5) ? stage.right : negate(stage.right);
    const subject = addSubject(stage, "subject", stage.anchor, {
      traits: ["oblong"],
      rotation: [0, 0, 0, 1],
    });
    const { hand, rotation } = graspHand(stage, subject);
    // Grip the end that lifts; the pivot is the bottom edge of the other end.
    const grip = beside(onTop(stage, subject), dir, reach(stage, subject, dir) * 0.7);
    const pivot = beside(subject.position, dir, -reach(stage, subject, negate(dir)));
    pivot[1] = stage.surface.top;
    // Rotating about the camera-facing axis lifts the `dir` end.
    const axis = dir === stage.right ? negate(stage.forward) : stage.forward;
    const angle = (o.angle * Math.PI) / 180;
    const keys: Key[] = [
      { t: 0, position: [grip[0], grip[1] + 0.1, grip[2]], rotation },
      { t: 0.25, position: grip, rotation },
      { t: 0.3, position: grip, rotation },
    ];
    for (let i = 1; i <= 5; i++) {
      const q = turnAbout(axis, (angle * i) / 5, [0, 0, 0, 1]);
      keys.push({
        t: 0.3 + 0.5 * (i / 5),
        position: add(pivot, qrot(q, sub(grip, pivot))),
        rotation: turnAbout(axis, (angle * i) / 5, rotation),
        ease: "linear",
      });
    }
    const top = keys[keys.length - 1];
    keys.push({ t: 0.9, position: top.position, rotation: top.rotation });
    keys.push({ t: 1.2, position: [top.position[0], top.position[1] + 0.1, top.position[2]] });
    new HandMotion(stage, hand, keys).hold(subject, 0.3, 0.9);
    return {
      subjects: [subject],
      hands: [hand],
      args: { angle: o.angle, lifted_end: dir === stage.right ? "right" : "left" },
      verify(m) {
        const turned = m.turn();
        expect(turned > 0.5 * angle, `tilted only ${turned.toFixed(2)} rad`);
        const back = m.tracks[0][m.end].position[1] - m.tracks[0][m.start].position[1];
        expect(Math.abs(back) < 0.01, "did not drop back onto the surface");
        return { tilt_degrees: round((turned * 180) / Math.PI, 1) };
      },
    };
  },
});
