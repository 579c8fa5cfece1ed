/**
 * Which placed meshes the camera can see, and which may skip their back faces. Both tests are
 * conservative (a bounding sphere with a margin), so nothing visible is ever left out: an object
 * outside the view frustum draws no pixel, and a closed convex mesh seen from outside never shows
 * a back face in front of its own front faces.
 */
import { mat4 } from "wgpu-matrix";
import type { MeshData } from "../scene/mesh.ts";

/** Relative slack on every sphere test: float rounding never culls a sphere that touches. */
const MARGIN = 1e-3;

/** The six planes (a, b, c, d: inside when ax + by + cz + d ≥ 0) of a WebGPU clip volume. */
export function frustumPlanes(proj: Float32Array, view: Float32Array): Float64Array {
  const m = mat4.multiply(proj, view) as Float32Array;
  // row r of the column-major clip-from-world matrix
  const row = (r: number) => [m[r], m[4 + r], m[8 + r], m[12 + r]];
  const [x, y, z, w] = [row(0), row(1), row(2), row(3)];
  const planes = [
    w.map((v, i) => v + x[i]), // left
    w.map((v, i) => v - x[i]), // right
    w.map((v, i) => v + y[i]), // bottom
    w.map((v, i) => v - y[i]), // top
    z, // near (WebGPU clip depth 0..w)
    w.map((v, i) => v - z[i]), // far
  ];
  const out = new Float64Array(24);
  planes.forEach((p, k) => {
    const length = Math.hypot(p[0], p[1], p[2]) || 1;
    for (let i = 0; i < 4; i++) out[4 * k + i] = p[i] / length;
  });
  return out;
}

const radii = new WeakMap<MeshData, number>();

/** Largest distance of a vertex of `mesh` from its origin: a bounding sphere about the origin. */
export function meshRadius(mesh: MeshData): number {
  let radius = radii.get(mesh);
  if (radius === undefined) {
    const p = mesh.positions;
    let most = 0;
    for (let v = 0; v < p.length; v += 3) {
      most = Math.max(most, p[v] * p[v] + p[v + 1] * p[v + 1] + p[v + 2] * p[v + 2]);
    }
    radii.set(mesh, radius = Math.sqrt(most));
  }
  return radius;
}

/** The largest factor by which `model` stretches an axis. */
export function placedScale(model: Float32Array): number {
  return Math.max(
    Math.hypot(model[0], model[1], model[2]),
    Math.hypot(model[4], model[5], model[6]),
    Math.hypot(model[8], model[9], model[10]),
  );
}

/** World bounding sphere of a mesh whose vertices lie within `radius` of its origin, placed by `model`. */
export function placedSphere(
  model: Float32Array,
  radius: number,
): [number, number, number, number] {
  return [model[12], model[13], model[14], radius * placedScale(model)];
}

/** True unless the sphere lies wholly outside one of the planes. */
export function sphereInView(planes: Float64Array, s: readonly number[]): boolean {
  const slack = s[3] * (1 + MARGIN) + MARGIN;
  for (let k = 0; k < 24; k += 4) {
    if (planes[k] * s[0] + planes[k + 1] * s[1] + planes[k + 2] * s[2] + planes[k + 3] < -slack) {
      return false;
    }
  }
  return true;
}

/**
 * True when back faces of a closed convex mesh placed by `model` may be skipped: the placement
 * keeps its winding (no mirror) and the whole sphere lies beyond the near plane, so the camera is
 * outside it and no front face is clipped away to show the inside.
 */
export function mayCullBackFaces(
  planes: Float64Array,
  model: Float32Array,
  s: readonly number[],
): boolean {
  const det = model[0] * (model[5] * model[10] - model[6] * model[9]) -
    model[4] * (model[1] * model[10] - model[2] * model[9]) +
    model[8] * (model[1] * model[6] - model[2] * model[5]);
  if (!(det > 0)) return false;
  const near = planes[16] * s[0] + planes[17] * s[1] + planes[18] * s[2] + planes[19];
  return near > s[3] * (1 + MARGIN) + MARGIN;
}

/**
 * Pixels ([x0, y0, x1, y1], x1 and y1 exclusive) that a sphere can cover in a `width` × `height`
 * frame: the projection of its bounding cube in view space, a pixel wider each way; undefined
 * when the cube reaches the near plane (`near` metres), where projections are not bounded.
 */
export function sphereRect(
  proj: Float32Array,
  view: Float32Array,
  s: readonly number[],
  near: number,
  width: number,
  height: number,
): [number, number, number, number] | undefined {
  const c = [0, 1, 2].map((r) =>
    view[r] * s[0] + view[4 + r] * s[1] + view[8 + r] * s[2] + view[12 + r]
  );
  const r = s[3] * (1 + MARGIN) + MARGIN;
  if (-(c[2] + r) <= near) return undefined;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = 0; k < 8; k++) {
    const p = [c[0] + (k & 1 ? r : -r), c[1] + (k & 2 ? r : -r), c[2] + (k & 4 ? r : -r)];
    const clipX = proj[0] * p[0] + proj[4] * p[1] + proj[8] * p[2] + proj[12];
    const clipY = proj[1] * p[0] + proj[5] * p[1] + proj[9] * p[2] + proj[13];
    const w = proj[3] * p[0] + proj[7] * p[1] + proj[11] * p[2] + proj[15];
    const x = (clipX / w * 0.5 + 0.5) * width;
    const y = (0.5 - clipY / w * 0.5) * height;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v));
  return [
    clamp(Math.floor(x0) - 1, width),
    clamp(Math.floor(y0) - 1, height),
    clamp(Math.ceil(x1) + 1, width),
    clamp(Math.ceil(y1) + 1, height),
  ];
}
