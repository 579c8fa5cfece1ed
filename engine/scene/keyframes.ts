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

/** Scratch quaternion (float32, as the renderer's matrices are). */
const q = new Float32Array(4);

export function eulerToQuat(degrees: readonly number[]): Quat {
  const r = (i: number) => (degrees[i] * Math.PI) / 180;
  quat.fromEuler(r(0), r(1), r(2), "xyz", q);
  return [q[0], q[1], q[2], q[3]];
}

/** A motion's keys split into channels, each sorted by frame (made once per motion). */
interface Channels {
  position: Keyframe[];
  rotation: Keyframe[];
  scale: Keyframe[];
}

const compiled = new WeakMap<readonly Keyframe[], Channels>();

function channels(keys: readonly Keyframe[]): Channels {
  let c = compiled.get(keys);
  if (!c) {
    const channel = (name: keyof Channels) =>
      keys.filter((k) => k[name] !== undefined).sort((a, b) => a.frame - b.frame);
    c = { position: channel("position"), rotation: channel("rotation"), scale: channel("scale") };
    compiled.set(keys, c);
  }
  return c;
}

/**
 * Sets the object's transform at `frame` from its keyframes (holding before the first and after
 * the last). The keys are read as they were on first use: a motion is not edited once applied.
 */
export function applyKeyframes(
  object: SceneObject,
  keys: readonly Keyframe[],
  frame: number,
): void {
  const { position, rotation, scale } = channels(keys);
  if (position.length > 0) object.position = interpolate(position, frame, "position");
  if (scale.length > 0) object.scale = interpolate(scale, frame, "scale");
  if (rotation.length > 0) {
    // Euler angles interpolate as written (as in Blender): 0 → 460° about z turns 460°, which a
    // slerp between the two orientations would cut to the short way round (100° back).
    object.rotation = eulerToQuat(interpolate(rotation, frame, "rotation"));
  }
}

function interpolate(keys: Keyframe[], frame: number, name: keyof Channels): Vec3 {
  if (frame <= keys[0].frame) return keys[0][name]!;
  for (let i = 1; i < keys.length; i++) {
    if (frame <= keys[i].frame) {
      const a = keys[i - 1];
      const b = keys[i];
      return lerp(a[name]!, b[name]!, (frame - a.frame) / (b.frame - a.frame));
    }
  }
  return keys[keys.length - 1][name]!;
}

function lerp(a: Vec3, b: Vec3, t: number): Vec3 {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}
