/**
 * Skinned meshes (glTF's model): each vertex follows up to four joints with
 * weights; a skinned object carries one matrix per joint (object space, bind
 * pose → current pose). Dual quaternion skinning, on the CPU: the renderer draws
 * the posed vertices; bounds, physics and labels read the same ones.
 */
import { cube, meshBounds, type MeshData, type Skin } from "./mesh.ts";

export type { Skin };

export interface Posed {
  positions: Float32Array;
  normals: Float32Array;
}

/**
 * Each joint's rigid transform as a unit dual quaternion: 8 floats, rotation (x, y, z, w)
 * then the dual part (x, y, z, w) = ½ · translation · rotation.
 */
function dualQuaternions(matrices: Float32Array, count: number): Float64Array {
  const out = new Float64Array(count * 8);
  for (let j = 0; j < count; j++) {
    const m = matrices.subarray(j * 16, j * 16 + 16);
    // Rotation from the 3×3 part (Shepperd's method: the largest diagonal term first).
    const [m00, m10, m20, m01, m11, m21, m02, m12, m22] = [
      m[0],
      m[1],
      m[2],
      m[4],
      m[5],
      m[6],
      m[8],
      m[9],
      m[10],
    ];
    let x, y, z, w;
    const trace = m00 + m11 + m22;
    if (trace > 0) {
      const r = Math.sqrt(1 + trace) * 2;
      w = r / 4, x = (m21 - m12) / r, y = (m02 - m20) / r, z = (m10 - m01) / r;
    } else if (m00 > m11 && m00 > m22) {
      const r = Math.sqrt(1 + m00 - m11 - m22) * 2;
      w = (m21 - m12) / r, x = r / 4, y = (m01 + m10) / r, z = (m02 + m20) / r;
    } else if (m11 > m22) {
      const r = Math.sqrt(1 + m11 - m00 - m22) * 2;
      w = (m02 - m20) / r, x = (m01 + m10) / r, y = r / 4, z = (m12 + m21) / r;
    } else {
      const r = Math.sqrt(1 + m22 - m00 - m11) * 2;
      w = (m10 - m01) / r, x = (m02 + m20) / r, y = (m12 + m21) / r, z = r / 4;
    }
    const l = Math.hypot(x, y, z, w);
    x /= l, y /= l, z /= l, w /= l;
    const tx = m[12], ty = m[13], tz = m[14];
    const o = j * 8;
    out[o] = x, out[o + 1] = y, out[o + 2] = z, out[o + 3] = w;
    // dual = ½ (t, 0) ⊗ q
    out[o + 4] = 0.5 * (tx * w + ty * z - tz * y);
    out[o + 5] = 0.5 * (-tx * z + ty * w + tz * x);
    out[o + 6] = 0.5 * (tx * y - ty * x + tz * w);
    out[o + 7] = -0.5 * (tx * x + ty * y + tz * z);
  }
  return out;
} // deno-fmt-ignore

/**
 * Skins `mesh` with `matrices` (16 floats per joint, column-major, object space, rigid) by
 * dual quaternion blending (Kavan et al. 2007): unlike blending matrices, a bent or twisted
 * joint keeps its volume instead of collapsing towards the bone.
 */
export function skinMesh(mesh: MeshData, matrices: Float32Array, out?: Posed): Posed {
  const skin = mesh.skin;
  if (!skin) throw new RangeError("skinMesh: the mesh has no skin");
  const n = mesh.positions.length / 3;
  if (matrices.length < skin.jointCount * 16) {
    throw new RangeError(
      `skinMesh: ${matrices.length / 16} joint matrices for a skin of ${skin.jointCount} joints`,
    );
  }
  const dq = dualQuaternions(matrices, skin.jointCount);
  const positions = out?.positions ?? new Float32Array(n * 3);
  const normals = out?.normals ?? new Float32Array(n * 3);
  const p = mesh.positions;
  const nn = mesh.normals;
  const { joints, weights } = skin;
  for (let v = 0; v < n; v++) {
    let x = 0, y = 0, z = 0, w = 0, dx = 0, dy = 0, dz = 0, dw = 0;
    const first = joints[v * 4] * 8;
    for (let k = 0; k < 4; k++) {
      let wt = weights[v * 4 + k];
      if (wt === 0) continue;
      const o = joints[v * 4 + k] * 8;
      // q and −q are the same rotation: blend on the first joint's side.
      if (dq[o] * dq[first] + dq[o + 1] * dq[first + 1] + dq[o + 2] * dq[first + 2] + dq[o + 3] * dq[first + 3] < 0) wt = -wt;
      x += wt * dq[o], y += wt * dq[o + 1], z += wt * dq[o + 2], w += wt * dq[o + 3];
      dx += wt * dq[o + 4], dy += wt * dq[o + 5], dz += wt * dq[o + 6], dw += wt * dq[o + 7];
    }
    const l = Math.hypot(x, y, z, w) || 1;
    x /= l, y /= l, z /= l, w /= l, dx /= l, dy /= l, dz /= l, dw /= l;
    // Rotate by (x, y, z, w), then translate by 2 · dual ⊗ conj(real).
    const tx = 2 * (-dw * x + dx * w - dy * z + dz * y);
    const ty = 2 * (-dw * y + dx * z + dy * w - dz * x);
    const tz = 2 * (-dw * z - dx * y + dy * x + dz * w);
    const i = v * 3;
    const rot = (a: number, b: number, c: number, dst: Float32Array, t0: number, t1: number, t2: number) => {
      const cx = 2 * (y * c - z * b), cy = 2 * (z * a - x * c), cz = 2 * (x * b - y * a);
      dst[i] = a + w * cx + y * cz - z * cy + t0;
      dst[i + 1] = b + w * cy + z * cx - x * cz + t1;
      dst[i + 2] = c + w * cz + x * cy - y * cx + t2;
    };
    rot(p[i], p[i + 1], p[i + 2], positions, tx, ty, tz);
    rot(nn[i], nn[i + 1], nn[i + 2], normals, 0, 0, 0);
  } // deno-fmt-ignore
  return { positions, normals };
}

const posedCache = new WeakMap<Float32Array, WeakMap<MeshData, Posed>>();

/**
 * The posed vertices of `mesh` under `matrices`, computed once per matrices array (an
 * object's matrices are replaced, not edited, when it is posed again).
 */
export function posedMesh(mesh: MeshData, matrices: Float32Array): Posed {
  let byMesh = posedCache.get(matrices);
  if (!byMesh) posedCache.set(matrices, byMesh = new WeakMap());
  let posed = byMesh.get(mesh);
  if (!posed) byMesh.set(mesh, posed = skinMesh(mesh, matrices));
  return posed;
}

const restBounds = new WeakMap<MeshData, ReturnType<typeof meshBounds>>();

/**
 * Axis-aligned bounds (object space) of a mesh: posed when it is skinned and matrices are
 * given (from its joint boxes when it has them, else from its posed vertices); otherwise its
 * vertices' bounds, computed once per mesh.
 */
export function posedBounds(
  mesh: MeshData,
  matrices?: Float32Array,
): { min: [number, number, number]; max: [number, number, number] } {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const grow = (x: number, y: number, z: number) => {
    if (x < min[0]) min[0] = x;
    if (y < min[1]) min[1] = y;
    if (z < min[2]) min[2] = z;
    if (x > max[0]) max[0] = x;
    if (y > max[1]) max[1] = y;
    if (z > max[2]) max[2] = z;
  };
  const boxes = mesh.skin?.jointBoxes;
  if (boxes && matrices) {
    for (let j = 0; j < boxes.length / 24; j++) {
      if (Number.isNaN(boxes[j * 24])) continue; // a joint that carries nothing
      const m = matrices.subarray(j * 16, j * 16 + 16);
      for (let c = j * 24; c < j * 24 + 24; c += 3) {
        const x = boxes[c], y = boxes[c + 1], z = boxes[c + 2];
        grow(
          m[0] * x + m[4] * y + m[8] * z + m[12],
          m[1] * x + m[5] * y + m[9] * z + m[13],
          m[2] * x + m[6] * y + m[10] * z + m[14],
        );
      }
    }
    return { min, max };
  }
  if (!(mesh.skin && matrices)) {
    let rest = restBounds.get(mesh);
    if (!rest) restBounds.set(mesh, rest = meshBounds(mesh));
    return rest;
  }
  const p = posedMesh(mesh, matrices).positions;
  for (let i = 0; i < p.length; i += 3) grow(p[i], p[i + 1], p[i + 2]);
  return { min, max };
}

/**
 * A skinned mesh of the joint boxes themselves, each box rigid on its joint: a stand-in
 * with the same posed bounds as the full mesh, for runs that never draw (plan mode).
 */
export function jointBoxMesh(boxes: Float32Array, jointCount: number): MeshData {
  const unit = cube();
  const nv = unit.positions.length / 3;
  const used = [...Array(boxes.length / 24).keys()].filter((j) => !Number.isNaN(boxes[j * 24]));
  const positions = new Float32Array(used.length * nv * 3);
  const normals = new Float32Array(used.length * nv * 3);
  const uvs = new Float32Array(used.length * nv * 2);
  const indices = new Uint32Array(used.length * unit.indices.length);
  const joints = new Uint16Array(used.length * nv * 4);
  const weights = new Float32Array(used.length * nv * 4);
  used.forEach((j, k) => {
    const corner = (x: number, y: number, z: number) =>
      j * 24 + 3 * ((x > 0 ? 1 : 0) + (y > 0 ? 2 : 0) + (z > 0 ? 4 : 0));
    for (let v = 0; v < nv; v++) {
      const o = k * nv + v;
      const c = corner(unit.positions[v * 3], unit.positions[v * 3 + 1], unit.positions[v * 3 + 2]);
      positions.set(boxes.subarray(c, c + 3), o * 3);
      // The box is square to its joint: its faces' normals turn with the x axis corner pair.
      const n = unit.normals.subarray(v * 3, v * 3 + 3);
      const axis = n[0] !== 0 ? 1 : n[1] !== 0 ? 2 : 4;
      const from = j * 24, to = j * 24 + 3 * axis;
      const dir = [0, 1, 2].map((a) => boxes[to + a] - boxes[from + a]);
      const len = Math.hypot(...dir) || 1;
      const sign = n[0] + n[1] + n[2];
      for (let a = 0; a < 3; a++) normals[o * 3 + a] = (sign * dir[a]) / len;
      uvs.set(unit.uvs.subarray(v * 2, v * 2 + 2), o * 2);
      joints[o * 4] = j;
      weights[o * 4] = 1;
    }
    for (let i = 0; i < unit.indices.length; i++) {
      indices[k * unit.indices.length + i] = unit.indices[i] + k * nv;
    }
  }); // deno-fmt-ignore
  return {
    positions,
    normals,
    uvs,
    indices,
    convex: false,
    skin: { joints, weights, jointCount, jointBoxes: boxes },
  };
}
