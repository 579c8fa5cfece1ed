/** Keyframed motion: positions, scales and Euler rotation angles interpolate linearly. */
import { quat } from "wgpu-matrix";
import type { Quat, SceneObject, Vec3 } from "./scene.ts";

export interface Keyframe {
  frame: number;
  position?: Vec3;
  /** Euler angles in degrees, applied in X, Y, Z order. */
  rotation?: Vec3;
  scale?: Vec3;
}

export function eulerToQuat(degrees: readonly number[]): Quat {
  const r = degrees.map((d) => (d * Math.PI) / 180);
  const q = quat.fromEuler(r[0], r[1], r[2], "xyz");
  return [q[0], q[1], q[2], q[3]];
}

/** Sets the object's transform at `frame` from its keyframes (holding before the first and after the last). */
export function applyKeyframes(
  object: SceneObject,
  keys: readonly Keyframe[],
  frame: number,
): void {
  const channel = <K extends "position" | "rotation" | "scale">(name: K) =>
    keys.filter((k) => k[name] !== undefined).sort((a, b) => a.frame - b.frame);
  const position = channel("position");
  if (position.length > 0) object.position = interpolate(position, frame, (k) => k.position!, lerp);
  const scale = channel("scale");
  if (scale.length > 0) object.scale = interpolate(scale, frame, (k) => k.scale!, lerp);
  const rotation = channel("rotation");
  if (rotation.length > 0) {
    // Euler angles interpolate as written (as in Blender): 0 → 460° about z turns 460°, which a
    // slerp between the two orientations would cut to the short way round (100° back).
    object.rotation = eulerToQuat(interpolate(rotation, frame, (k) => k.rotation!, lerp));
  }
}

function interpolate<T>(
  keys: Keyframe[],
  frame: number,
  get: (k: Keyframe) => T,
  mix: (a: T, b: T, t: number) => T,
): T {
  if (frame <= keys[0].frame) return get(keys[0]);
  for (let i = 1; i < keys.length; i++) {
    if (frame <= keys[i].frame) {
      const a = keys[i - 1];
      const b = keys[i];
      return mix(get(a), get(b), (frame - a.frame) / (b.frame - a.frame));
    }
  }
  return get(keys[keys.length - 1]);
}

function lerp(a: Vec3, b: Vec3, t: number): Vec3 {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}
