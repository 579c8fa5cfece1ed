/**
 * Framing over a whole clip: where the acting objects will be at every frame (from the baked
 * physics tracks), and how far a camera path lets them stray from a safe area of the image.
 * randomizer/camera plans its rig with these before the first frame is shown.
 */
import { mat4, vec3 } from "wgpu-matrix";
import type { PhysicsWorld } from "../../engine/physics/world.ts";
import type { Camera } from "../../engine/scene/camera.ts";
import type { Scene, SceneObject, Vec3 } from "../../engine/scene/scene.ts";
import { type Box, objectBounds } from "./bounds.ts";

/** World bounds of `object` at frames 0..frames-1: its physics track, else where it is now. */
export function boxesOverClip(
  scene: Scene,
  object: SceneObject,
  frames: number,
  world: PhysicsWorld | undefined,
): Box[] {
  const track = world?.track(object.id);
  const now = objectBounds(scene, object);
  return Array.from({ length: frames }, (_, t) => {
    const pose = track?.[Math.min(t, track.length - 1)];
    if (!pose) return now;
    return objectBounds(scene, { ...object, position: pose.position, rotation: pose.rotation });
  });
}

/** The smallest box holding all of `boxes`. */
export function union(boxes: readonly Box[]): Box {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], b.min[k]);
      max[k] = Math.max(max[k], b.max[k]);
    }
  }
  return { min, max };
}

/** Gap (metres) between two boxes; 0 when they touch or overlap. */
export function gap(a: Box, b: Box): number {
  let squared = 0;
  for (let k = 0; k < 3; k++) {
    const d = Math.max(0, a.min[k] - b.max[k], b.min[k] - a.max[k]);
    squared += d * d;
  }
  return Math.sqrt(squared);
}

/** How a box projects through a camera: its pixel extent and whether all of it is in front. */
export interface Projection {
  /** Pixel rectangle of the 8 projected corners: [x0, y0, x1, y1]. */
  rect: [number, number, number, number];
  /** False when a corner is at or behind the near plane (the rectangle is then meaningless). */
  inFront: boolean;
}

const scratch = new Float32Array(16);

/** Projects the corners of `box` through `camera` for a `width`×`height` image. */
export function project(camera: Camera, box: Box, width: number, height: number): Projection {
  const k = camera.intrinsics(width, height);
  const view = mat4.inverse(camera.worldFromCamera(scratch));
  const rect: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  let inFront = true;
  for (let i = 0; i < 8; i++) {
    const corner: Vec3 = [
      i & 1 ? box.max[0] : box.min[0],
      i & 2 ? box.max[1] : box.min[1],
      i & 4 ? box.max[2] : box.min[2],
    ];
    const [x, y, z] = vec3.transformMat4(corner, view);
    // the renderer's camera looks down −z
    if (-z <= camera.near) {
      inFront = false;
      continue;
    }
    const u = (k.fx * x) / -z + k.cx;
    const v = (k.fy * -y) / -z + k.cy;
    rect[0] = Math.min(rect[0], u);
    rect[1] = Math.min(rect[1], v);
    rect[2] = Math.max(rect[2], u);
    rect[3] = Math.max(rect[3], v);
  }
  return { rect, inFront };
}

/**
 * How many times too far from the principal point the projection reaches, against a safe area
 * that is `safe` of the image each way (≤ 1: inside). Pixel offsets from the principal point
 * grow linearly with the focal length, so dividing the focal by this factor brings it inside.
 */
export function overshoot(
  camera: Camera,
  p: Projection,
  width: number,
  height: number,
  safe: number,
) {
  if (!p.inFront) return Infinity;
  const k = camera.intrinsics(width, height);
  const halfW = (safe * width) / 2;
  const halfH = (safe * height) / 2;
  return Math.max(
    (k.cx - p.rect[0]) / halfW,
    (p.rect[2] - k.cx) / halfW,
    (k.cy - p.rect[1]) / halfH,
    (p.rect[3] - k.cy) / halfH,
  );
}

/** The largest extent of a box (metres): how big an object looks whichever way it lies. */
export function size(box: Box): number {
  return Math.max(1e-3, ...[0, 1, 2].map((k) => box.max[k] - box.min[k]));
}

/**
 * The share of the image height the box's size spans at the depth of its centre (the pinhole
 * rule f·s/d), or undefined when its centre is behind the camera.
 */
export function sizeShare(camera: Camera, box: Box, width: number, height: number) {
  const k = camera.intrinsics(width, height);
  const view = mat4.inverse(camera.worldFromCamera(scratch));
  const centre = [0, 1, 2].map((i) => (box.min[i] + box.max[i]) / 2) as Vec3;
  const depth = -vec3.transformMat4(centre, view)[2];
  if (depth <= camera.near) return undefined;
  return (k.fy * size(box)) / depth / height;
}

/** Median of a list of numbers (0 for an empty list). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
