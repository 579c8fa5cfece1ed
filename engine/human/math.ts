/**
 * Small float64 vector and quaternion helpers for the skeleton. Kept in
 * double precision so that forward kinematics over long chains and the
 * keypoint projections stay exact well below the label tolerances.
 */
import type { Quat, Vec3 } from "../scene/scene.ts";

export const DEG = Math.PI / 180;

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const length = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
export const lerp3 = (a: Vec3, b: Vec3, t: number): Vec3 => [
  lerp(a[0], b[0], t),
  lerp(a[1], b[1], t),
  lerp(a[2], b[2], t),
];

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function normalize(a: Vec3): Vec3 {
  const l = length(a);
  return l > 0 ? scale(a, 1 / l) : [0, 0, 0];
}

export const IDENTITY: Quat = [0, 0, 0, 1];

export function axisAngle(axis: Vec3, angle: number): Quat {
  const s = Math.sin(angle / 2);
  const n = normalize(axis);
  return [n[0] * s, n[1] * s, n[2] * s, Math.cos(angle / 2)];
}

export function qmul(a: Quat, b: Quat): Quat {
  return [
    a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
    a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
    a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
    a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
  ];
}

export const qconj = (q: Quat): Quat => [-q[0], -q[1], -q[2], q[3]];

export function qnormalize(q: Quat): Quat {
  const l = Math.hypot(q[0], q[1], q[2], q[3]);
  return [q[0] / l, q[1] / l, q[2] / l, q[3] / l];
}

export function rotate(q: Quat, v: Vec3): Vec3 {
  // v' = v + 2w(u×v) + 2u×(u×v)
  const u: Vec3 = [q[0], q[1], q[2]];
  const t = scale(cross(u, v), 2);
  return add(add(v, scale(t, q[3])), cross(u, t));
}

/** Shortest rotation taking unit direction `from` onto unit direction `to`. */
export function fromTo(from: Vec3, to: Vec3): Quat {
  const a = normalize(from);
  const b = normalize(to);
  const d = dot(a, b);
  if (d < -0.999999) {
    const side = Math.abs(a[0]) < 0.9 ? cross(a, [1, 0, 0]) : cross(a, [0, 1, 0]);
    return axisAngle(side, Math.PI);
  }
  const c = cross(a, b);
  return qnormalize([c[0], c[1], c[2], 1 + d]);
}

export function slerp(a: Quat, b: Quat, t: number): Quat {
  let d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const s = d < 0 ? -1 : 1;
  d *= s;
  if (d > 0.9995) {
    return qnormalize([0, 1, 2, 3].map((i) => lerp(a[i], s * b[i], t)) as Quat);
  }
  const theta = Math.acos(d);
  const wa = Math.sin((1 - t) * theta) / Math.sin(theta);
  const wb = (s * Math.sin(t * theta)) / Math.sin(theta);
  return [0, 1, 2, 3].map((i) => wa * a[i] + wb * b[i]) as Quat;
}

/** Euler angles (radians) applied as yaw about Y, then pitch about X, then roll about Z. */
export function yawPitchRoll(yaw: number, pitch: number, roll: number): Quat {
  return qmul(
    qmul(axisAngle([0, 1, 0], yaw), axisAngle([1, 0, 0], pitch)),
    axisAngle([0, 0, 1], roll),
  );
}

/** Angle of the rotation (radians, 0..π). */
export function qangle(q: Quat): number {
  return 2 * Math.acos(Math.min(1, Math.abs(q[3])));
}

/** Column-major 4×4 from translation, rotation and per-axis scale (float32 for the renderer). */
export function compose(t: Vec3, q: Quat, s: Vec3, dst = new Float32Array(16)): Float32Array {
  const [x, y, z, w] = q;
  const m = [
    1 - 2 * (y * y + z * z),
    2 * (x * y + z * w),
    2 * (x * z - y * w),
    2 * (x * y - z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z + x * w),
    2 * (x * z + y * w),
    2 * (y * z - x * w),
    1 - 2 * (x * x + y * y),
  ];
  for (let c = 0; c < 3; c++) {
    for (let r = 0; r < 3; r++) dst[c * 4 + r] = m[c * 3 + r] * s[c];
    dst[c * 4 + 3] = 0;
  }
  dst[12] = t[0];
  dst[13] = t[1];
  dst[14] = t[2];
  dst[15] = 1;
  return dst;
}

/** Smooth 0→1 over [a, b] (cubic Hermite), clamped outside. */
export function smoothstep(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/** Quintic ease: 0→1 with zero velocity and acceleration at both ends. */
export function ease(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * t * (t * (t * 6 - 15) + 10);
}
