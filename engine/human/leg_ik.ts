/**
 * Leg IK for foot locking: moves a foot by a shift while the hip stays put and
 * the foot keeps its orientation. The knee stays a hinge: it only flexes (to
 * make the hip-to-ankle distance right) and the hip turns the whole leg.
 */
import type { Quat, Vec3 } from "../scene/scene.ts";
import { add, axisAngle, dot, fromTo, length, qconj, qmul, rotate, sub } from "./math.ts";
import { JOINT_INDEX, LIMITS, type WorldPose } from "./skeleton.ts";

/**
 * Shifts the `side` foot of `pose` by `shift`, updating world positions and
 * rotations of the hip, knee, ankle, heel and toe and the local rotations of
 * the hip, knee and ankle. Returns how far the ankle fell short (out of reach).
 */
export function shiftFoot(
  pose: WorldPose,
  local: Quat[],
  side: "left" | "right",
  shift: Vec3,
): number {
  const pelvis = JOINT_INDEX.pelvis;
  const hip = JOINT_INDEX[`${side}_hip`];
  const knee = JOINT_INDEX[`${side}_knee`];
  const ankle = JOINT_INDEX[`${side}_ankle`];
  const r = pose.rotations;
  const H = pose.positions[hip];
  const K = pose.positions[knee];
  const A = pose.positions[ankle];
  const target = add(A, shift);
  const thighV = sub(K, H);
  const shinV = sub(A, K);
  const thigh = length(thighV);
  const shin = length(shinV);
  // Knee flex that makes the hip-to-ankle distance equal the hip-to-target distance.
  const [lo, hi] = LIMITS[`${side}_knee`][0];
  const cosFlex = (d: number) => (d * d - thigh * thigh - shin * shin) / (2 * thigh * shin);
  const flex = Math.acos(Math.max(-1, Math.min(1, dot(thighV, shinV) / (thigh * shin))));
  const wanted = Math.acos(Math.max(-1, Math.min(1, cosFlex(length(sub(target, H))))));
  const bend = Math.max(lo * Math.PI / 180, Math.min(hi * Math.PI / 180, wanted)) - flex;
  local[knee] = qmul(local[knee], axisAngle([1, 0, 0], bend));
  const kneeWorld = qmul(r[hip], local[knee]);
  const bent = add(K, rotate(qmul(kneeWorld, qconj(r[knee])), shinV));
  // Then the hip swings the (rigid) leg so the ankle points at the target.
  const swing = fromTo(sub(bent, H), sub(target, H));
  r[hip] = qmul(swing, r[hip]);
  r[knee] = qmul(swing, kneeWorld);
  const newKnee = add(H, rotate(swing, thighV));
  const newAnkle = add(H, rotate(swing, sub(bent, H)));
  // The ankle keeps its world rotation, so the foot moves without turning.
  const moved = sub(newAnkle, A);
  pose.positions[knee] = newKnee;
  pose.positions[ankle] = newAnkle;
  for (const site of [`${side}_heel`, `${side}_toe`] as const) {
    pose.positions[JOINT_INDEX[site]] = add(pose.positions[JOINT_INDEX[site]], moved);
  }
  local[hip] = qmul(qconj(r[pelvis]), r[hip]);
  local[ankle] = qmul(qconj(r[knee]), r[ankle]);
  return length(sub(target, newAnkle));
}
