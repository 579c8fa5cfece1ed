/** Pinhole camera: intrinsics in pixels, pose in the world, projection for WebGPU. */
import { mat4, quat } from "wgpu-matrix";
import type { Quat, Vec3 } from "./vector.ts";

/** Pinhole intrinsics in pixels; pixel (i, j) spans [i, i+1) × [j, j+1). */
export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
}

export class Camera {
  position: Vec3 = [0, 1.5, 5];
  /** World-from-camera rotation; the camera looks down its local -z with +y up. */
  rotation: Quat = [0, 0, 0, 1];
  /** Vertical field of view in degrees; ignored when `focal` is set. */
  fovY = 45;
  /** Focal length in pixels (fx = fy), overrides fovY. */
  focal?: number;
  /** Principal point in pixels; image centre when unset. */
  principal?: [number, number];
  near = 0.05;
  far = 200;

  /** Points the camera at `target`, keeping `up` up. */
  lookAt(target: Vec3, up: Vec3 = [0, 1, 0]): this {
    const m = mat4.cameraAim(this.position, target, up);
    const q = quat.fromMat(m);
    this.rotation = [q[0], q[1], q[2], q[3]];
    return this;
  }

  intrinsics(width: number, height: number): Intrinsics {
    const f = this.focal ?? (height / 2) / Math.tan((this.fovY * Math.PI) / 360);
    const [cx, cy] = this.principal ?? [width / 2, height / 2];
    return { fx: f, fy: f, cx, cy, width, height };
  }

  /** World-from-camera 4×4 (column-major) in the renderer's frame (-z forward, +y up). */
  worldFromCamera(dst?: Float32Array): Float32Array {
    const m = mat4.fromQuat(this.rotation, dst);
    m[12] = this.position[0];
    m[13] = this.position[1];
    m[14] = this.position[2];
    return m as Float32Array;
  }
}

/** K as a row-major 3×3 nested array, the way OpenCV and NumPy users read it. */
export function kMatrix(k: Intrinsics): number[][] {
  return [[k.fx, 0, k.cx], [0, k.fy, k.cy], [0, 0, 1]];
}

/**
 * Projection whose clip space matches K exactly: a view-space point (x, y, z)
 * with z < 0 lands on pixel u = fx·x/(−z) + cx, v = fy·(−y)/(−z) + cy.
 * Clip z is 0 at `near` and 1 at `far` (WebGPU convention).
 */
export function projectionFromIntrinsics(
  k: Intrinsics,
  near: number,
  far: number,
  dst: Float32Array = new Float32Array(16),
): Float32Array {
  dst.fill(0);
  dst[0] = (2 * k.fx) / k.width;
  dst[5] = (2 * k.fy) / k.height;
  dst[8] = 1 - (2 * k.cx) / k.width;
  dst[9] = (2 * k.cy) / k.height - 1;
  dst[10] = far / (near - far);
  dst[11] = -1;
  dst[14] = (near * far) / (near - far);
  return dst;
}

/** Converts a world-from-camera matrix from the renderer frame to OpenCV (x right, y down, z forward). */
export function toOpenCvPose(worldFromCamera: Float32Array): number[][] {
  const m = worldFromCamera;
  const rows: number[][] = [];
  for (let r = 0; r < 4; r++) {
    // flipping the camera's y and z axes negates columns 1 and 2
    rows.push([m[r], -m[4 + r], -m[8 + r], m[12 + r]]);
  }
  return rows;
}
