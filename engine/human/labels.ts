/**
 * Keypoint labels: joints in the camera's OpenCV frame, their pixel
 * projections, and COCO visibility decided from the rendered targets.
 */
import type { Camera, Intrinsics } from "../scene/camera.ts";
import type { RenderedFrame } from "../gpu/frame.ts";
import type { Vec3 } from "../scene/scene.ts";
import { qconj, rotate, sub } from "./math.ts";

/** COCO visibility flags. */
export const OUTSIDE = 0;
export const OCCLUDED = 1;
export const VISIBLE = 2;

/** World point → OpenCV camera frame (x right, y down, z forward). */
export function toCamera(camera: Camera, p: Vec3): Vec3 {
  const c = rotate(qconj(camera.rotation), sub(p, camera.position));
  return [c[0], -c[1], -c[2]];
}

/** Pixel coordinates (pixel-edge convention) of an OpenCV camera-frame point; null behind the camera. */
export function project(k: Intrinsics, c: Vec3): [number, number] | null {
  if (c[2] <= 1e-6) return null;
  return [(k.fx * c[0]) / c[2] + k.cx, (k.fy * c[1]) / c[2] + k.cy];
}

/**
 * Visibility of a keypoint at pixel `uv` with camera depth `z`: outside the
 * image → 0; the pixel shows this person and its surface is no more than
 * `tolerance` in front of the joint (joints sit inside the body) → 2; else 1.
 */
export function visibility(
  frame: RenderedFrame,
  id: number,
  uv: [number, number] | null,
  z: number,
  tolerance: number,
): number {
  if (!uv) return OUTSIDE;
  const x = Math.floor(uv[0]);
  const y = Math.floor(uv[1]);
  if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) return OUTSIDE;
  const i = y * frame.width + x;
  if (frame.instance[i] !== id) return OCCLUDED;
  return frame.depth[i] >= z - tolerance ? VISIBLE : OCCLUDED;
}
