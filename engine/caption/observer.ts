/**
 * Watches a clip frame by frame for captioners: where each object starts and
 * ends, how far it turned on the way, and whether the camera ever moved. The
 * same numbers are in labels.json (object poses, camera frames), so what a
 * caption says about motion can always be checked against the labels.
 */
import type { Quat, Scene, Vec3 } from "../scene/scene.ts";

export interface ObjectTrack {
  first: Vec3;
  last: Vec3;
  firstFrame: number;
  lastFrame: number;
  /** Sum of the per-frame rotation angles, in degrees. */
  turned: number;
  /** The part of `turned` about horizontal axes (rolling, tumbling), degrees; a turn about the
   * vertical axis (a yaw) is not a roll. */
  rolled: number;
  lastRotation: Quat;
}

export interface CameraTrack {
  position: Vec3;
  rotation: Quat;
  /** Position on the last observed frame. */
  lastPosition: Vec3;
  /** Largest distance from the first position, metres. */
  travelled: number;
  /** Largest angle from the first orientation, degrees. */
  turned: number;
}

/** Angle in degrees between two unit quaternions. */
export function quatAngle(a: Quat, b: Quat): number {
  // Divided by the norms: float32 quaternions are not exactly unit, and acos is steep near 1.
  const d = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]) /
    (Math.hypot(...a) * Math.hypot(...b) || 1);
  return (2 * Math.acos(Math.min(1, d)) * 180) / Math.PI;
}

/**
 * How much of the turn from a to b is about a horizontal axis: sin of the angle between the
 * world-frame rotation axis of b·a⁻¹ and the vertical (1 for a roll, 0 for a yaw).
 */
export function horizontalShare(a: Quat, b: Quat): number {
  // b · conj(a): only the vector part's direction matters.
  const x = b[3] * -a[0] + b[0] * a[3] + b[1] * -a[2] - b[2] * -a[1];
  const y = b[3] * -a[1] - b[0] * -a[2] + b[1] * a[3] + b[2] * -a[0];
  const z = b[3] * -a[2] + b[0] * -a[1] - b[1] * -a[0] + b[2] * a[3];
  const length = Math.hypot(x, y, z);
  return length === 0 ? 0 : Math.sqrt(Math.max(0, 1 - (y / length) ** 2));
}

export class ClipObserver {
  readonly objects = new Map<number, ObjectTrack>();
  camera?: CameraTrack;

  /** Call once per labelled frame (0..frames-1), after the actions moved things. */
  observe(scene: Scene, frame: number): void {
    for (const o of scene.objects) {
      const track = this.objects.get(o.id);
      if (!track) {
        this.objects.set(o.id, {
          first: [...o.position],
          last: [...o.position],
          firstFrame: frame,
          lastFrame: frame,
          turned: 0,
          rolled: 0,
          lastRotation: [...o.rotation],
        });
        continue;
      }
      if (frame <= track.lastFrame) continue;
      const step = quatAngle(track.lastRotation, o.rotation);
      track.turned += step;
      track.rolled += step * horizontalShare(track.lastRotation, o.rotation);
      track.last = [...o.position];
      track.lastFrame = frame;
      track.lastRotation = [...o.rotation];
    }
    const cam = scene.camera;
    if (!this.camera) {
      this.camera = {
        position: [...cam.position],
        rotation: [...cam.rotation],
        lastPosition: [...cam.position],
        travelled: 0,
        turned: 0,
      };
    } else {
      const p = cam.position;
      const q = this.camera.position;
      this.camera.lastPosition = [...p];
      this.camera.travelled = Math.max(
        this.camera.travelled,
        Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]),
      );
      this.camera.turned = Math.max(
        this.camera.turned,
        quatAngle(this.camera.rotation, cam.rotation),
      );
    }
  }
}

/** Rotates `v` by the unit quaternion `q`. */
export function rotateVector(q: Quat, v: Vec3): Vec3 {
  const [x, y, z, w] = q;
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  return [
    v[0] + w * tx + (y * tz - z * ty),
    v[1] + w * ty + (z * tx - x * tz),
    v[2] + w * tz + (x * ty - y * tx),
  ];
}

/** Camera basis in world space (renderer frame: right +x, up +y, looking down -z). */
export function cameraBasis(rotation: Quat): { right: Vec3; forward: Vec3; up: Vec3 } {
  return {
    right: rotateVector(rotation, [1, 0, 0]),
    forward: rotateVector(rotation, [0, 0, -1]),
    up: rotateVector(rotation, [0, 1, 0]),
  };
}

export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** A vector laid flat on the ground plane, unit length. */
export function flat(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[2]) || 1;
  return [v[0] / n, 0, v[2] / n];
}
