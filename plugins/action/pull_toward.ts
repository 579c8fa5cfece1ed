/** Pulling [something] toward the camera: the hand holds the near side and drags it. */
import { expect, objectAction, round } from "./object_action.ts";
import { addHand, HAND, HandMotion, palmToward, reach, span } from "./stage.ts";
import { above, addSubject, beside, negate } from "./scripts.ts";

export default objectAction({
  name: "pull_toward",
  template: "Pulling [something] toward the camera",
  description: "A hand hooks an upright prop from behind and drags it toward the viewer.",
  seconds: 1.5,
  defaults: { distance: 0.3, speed: 0.35 },
  plan(stage, o) {
    const distance = span(stage, o.distance);
    const toward = negate(stage.forward);
    const subject = addSubject(
      stage,
      "subject",
      beside(stage.anchor, stage.forward, distance / 2),
      {
        traits: ["upright"],
      },
    );
    // Fingers hooked behind it (the far side), so the hand does not hide it from the camera.
    const far = reach(stage, subject, stage.forward) + HAND.palm[0] / 2 + 0.002;
    const grip = beside(subject.position, stage.forward, far);
    grip[1] = stage.surface.top + HAND.palm[1] / 2 + 0.004;
    const hand = addHand(stage, "hand", "grasp", grip, palmToward(toward));
    const t1 = 0.25 + distance / o.speed;
    const end = beside(grip, toward, distance);
    new HandMotion(stage, hand, [
      { t: 0, position: grip },
      { t: 0.25, position: grip },
      { t: t1, position: end },
      { t: t1 + 0.3, position: above(beside(end, stage.forward, 0.03), 0.1) },
    ]).hold(subject, 0.25, t1 + 0.02);
    return {
      subjects: [subject],
      hands: [hand],
      args: { direction: "toward_camera", speed: o.speed, planned_distance: round(distance) },
      verify(m) {
        const moved = m.along(toward);
        expect(moved > 0.5 * distance, `pulled ${moved.toFixed(3)} m of ${distance.toFixed(3)}`);
        return { distance: round(moved) };
      },
    };
  },
});
