/** Small double-precision vector and quaternion helpers ([x, y, z, w] quaternions). */
import type { Quat, Vec3 } from "../../engine/scene/scene.ts";

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const length = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const normalize = (a: Vec3): Vec3 => scale(a, 1 / (length(a) || 1));
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
/** a + b·s */
export const madd = (a: Vec3, b: Vec3, s: number): Vec3 => add(a, scale(b, s));
export const lerp = (a: Vec3, b: Vec3, t: number): Vec3 => madd(a, sub(b, a), t);

export const IDENTITY: Quat = [0, 0, 0, 1];

export function qmul(a: Quat, b: Quat): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

export const qconj = (q: Quat): Quat => [-q[0], -q[1], -q[2], q[3]];

/** Rotates v by q. */
export function qrot(q: Quat, v: Vec3): Vec3 {
  const r = qmul(qmul(q, [v[0], v[1], v[2], 0]), qconj(q));
  return [r[0], r[1], r[2]];
}

/** Rotation by `angle` radians about unit `axis`. */
export function qaxis(axis: Vec3, angle: number): Quat {
  const s = Math.sin(angle / 2);
  return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(angle / 2)];
}

/** Rotation about +Y turning local +x toward the ground direction `dir`. */
export const qfacing = (dir: Vec3): Quat => qaxis([0, 1, 0], Math.atan2(-dir[2], dir[0]));

export function qslerp(a: Quat, b: Quat, t: number): Quat {
  let d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const bb = d < 0 ? (b.map((x) => -x) as Quat) : b;
  d = Math.abs(d);
  if (d > 0.9995) {
    const q = a.map((x, i) => x + (bb[i] - x) * t) as Quat;
    const n = Math.hypot(...q);
    return q.map((x) => x / n) as Quat;
  }
  const theta = Math.acos(d);
  const sa = Math.sin((1 - t) * theta) / Math.sin(theta);
  const sb = Math.sin(t * theta) / Math.sin(theta);
  return a.map((x, i) => x * sa + bb[i] * sb) as Quat;
}

/** Angle in radians between two orientations. */
export function qangle(a: Quat, b: Quat): number {
  const d = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]);
  return 2 * Math.acos(Math.min(1, d));
}

/** Rotation vector (axis·angle) taking `a` to `b` in world frame: b = r·a. */
export function qdelta(a: Quat, b: Quat): Vec3 {
  let r = qmul(b, qconj(a));
  if (r[3] < 0) r = r.map((x) => -x) as Quat;
  const s = Math.hypot(r[0], r[1], r[2]);
  if (s < 1e-12) return [0, 0, 0];
  const angle = 2 * Math.atan2(s, r[3]);
  return [(r[0] / s) * angle, (r[1] / s) * angle, (r[2] / s) * angle];
}
