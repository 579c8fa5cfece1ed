/**
 * Levels of detail for dense meshes (a scanned or modelled asset of tens of thousands of
 * triangles that covers a few hundred pixels). Each level is meshoptimizer's simplification of
 * the full mesh to half the triangles of the one before, keeping a subset of its vertices (so
 * normals and uvs stay the asset's own), with the largest distance its surface moved, in the
 * mesh's units. A frame draws, per object, the coarsest level whose error seen from the camera
 * is at most the scene's `lod` pixels. The labels are those of the drawn level — exact for the
 * geometry in the picture, and within `lod` pixels of the full mesh.
 *
 * Off unless the scene asks for it (`lod:`); meshes under MIN_TRIANGLES and skinned meshes are
 * always drawn whole.
 */
import { MeshoptSimplifier } from "meshoptimizer";
import type { MeshData } from "./mesh.ts";

await MeshoptSimplifier.ready;

/** Meshes with fewer triangles are never simplified (the primitives among them). */
export const MIN_TRIANGLES = 1024;
/** Coarsest level kept: simplifying further changes silhouettes more than it saves. */
const MIN_LEVEL_TRIANGLES = 64;
/** A level keeps at least this share of the full mesh's surface area (a coarse sphere: 0.97). */
const MIN_AREA = 0.93;

export interface LodLevel {
  mesh: MeshData;
  /** Largest distance the level's surface lies from the full mesh's, in mesh units. */
  error: number;
}

const chains = new WeakMap<MeshData, LodLevel[]>();

/** The full mesh (error 0) then ever coarser levels; just the mesh when it is not simplified. */
export function lodLevels(mesh: MeshData): LodLevel[] {
  let chain = chains.get(mesh);
  if (chain) return chain;
  chain = [{ mesh, error: 0 }];
  const triangles = mesh.indices.length / 3;
  if (triangles >= MIN_TRIANGLES && !mesh.skin) {
    // Simplified on positions welded: models split vertices at every crease and uv seam (flat
    // shaded ones at every face), which leaves no edge to collapse.
    const weld = MeshoptSimplifier.generatePositionRemap(mesh.positions, 3);
    const welded = mesh.indices.map((i) => weld[i]);
    const full = area(mesh.positions, mesh.indices);
    for (let target = triangles >> 1; target >= MIN_LEVEL_TRIANGLES; target >>= 1) {
      const [kept, error] = MeshoptSimplifier.simplify(
        welded,
        mesh.positions,
        3,
        target * 3,
        Infinity,
        // Permissive: double-sided sheets (two faces on the same welded vertices) lock
        // every edge otherwise
        ["ErrorAbsolute", "Permissive", "LockBorder"],
      );
      // stuck (a border it may not collapse): coarser targets would give the same level
      if (kept.length >= chain[chain.length - 1].mesh.indices.length) break;
      // The error is a distance to the surface's planes: a thin sheet (a leaf, a label) that
      // shrinks within its own plane scores nothing. Its lost area shows it: stop there.
      if (area(mesh.positions, kept) < MIN_AREA * full) break;
      chain.push({ mesh: compact(mesh, unweld(mesh, weld, kept)), error });
    }
  }
  chains.set(mesh, chain);
  return chain;
}

/**
 * The level to draw for an object whose mesh origin is `depth` metres in front of the camera
 * (along its axis), placed at `scale` (largest axis), its vertices within `radius` of the origin,
 * with a focal length of `focal` pixels, when a level may move the surface by `pixels` on screen.
 */
export function chooseLevel(
  levels: LodLevel[],
  depth: number,
  radius: number,
  scale: number,
  focal: number,
  pixels: number,
): MeshData {
  // the nearest the surface can come: errors there look largest
  const nearest = depth - radius * scale;
  if (levels.length === 1 || !(nearest > 0)) return levels[0].mesh;
  let chosen = levels[0].mesh;
  for (const level of levels) {
    if ((level.error * scale * focal) / nearest > pixels) break;
    chosen = level.mesh;
  }
  return chosen;
}

/**
 * Triangles of welded vertices back to the mesh's own: each corner takes, of the vertices at
 * its position, the one whose normal faces most like the triangle (a crease keeps its sides).
 */
function unweld(mesh: MeshData, weld: Uint32Array, indices: Uint32Array): Uint32Array {
  const copies = new Map<number, number[]>();
  weld.forEach((to, from) => {
    if (to === from) return;
    let list = copies.get(to);
    if (!list) copies.set(to, list = [to]);
    list.push(from);
  });
  const p = mesh.positions;
  const n = mesh.normals;
  const out = new Uint32Array(indices.length);
  for (let t = 0; t < indices.length; t += 3) {
    const [a, b, c] = [indices[t], indices[t + 1], indices[t + 2]];
    const e1 = [p[3 * b] - p[3 * a], p[3 * b + 1] - p[3 * a + 1], p[3 * b + 2] - p[3 * a + 2]];
    const e2 = [p[3 * c] - p[3 * a], p[3 * c + 1] - p[3 * a + 1], p[3 * c + 2] - p[3 * a + 2]];
    const face = [
      e1[1] * e2[2] - e1[2] * e2[1],
      e1[2] * e2[0] - e1[0] * e2[2],
      e1[0] * e2[1] - e1[1] * e2[0],
    ];
    for (let k = 0; k < 3; k++) {
      const corner = indices[t + k];
      let best = corner;
      let bestDot = -Infinity;
      for (const v of copies.get(corner) ?? [corner]) {
        const d = n[3 * v] * face[0] + n[3 * v + 1] * face[1] + n[3 * v + 2] * face[2];
        if (d > bestDot) [best, bestDot] = [v, d];
      }
      out[t + k] = best;
    }
  }
  return out;
}

/** Total area of the triangles `indices`. */
function area(p: Float32Array, indices: Uint32Array): number {
  let sum = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const [a, b, c] = [3 * indices[t], 3 * indices[t + 1], 3 * indices[t + 2]];
    const u = [p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]];
    const v = [p[c] - p[a], p[c + 1] - p[a + 1], p[c + 2] - p[a + 2]];
    sum += Math.hypot(
      u[1] * v[2] - u[2] * v[1],
      u[2] * v[0] - u[0] * v[2],
      u[0] * v[1] - u[1] * v[0],
    );
  }
  return sum / 2;
}

/** The triangles `indices` of `mesh` with only the vertices they use. */
function compact(mesh: MeshData, indices: Uint32Array): MeshData {
  const remap = new Int32Array(mesh.positions.length / 3).fill(-1);
  let count = 0;
  for (const i of indices) if (remap[i] < 0) remap[i] = count++;
  const positions = new Float32Array(count * 3);
  const normals = new Float32Array(count * 3);
  const uvs = new Float32Array(count * 2);
  remap.forEach((to, from) => {
    if (to < 0) return;
    positions.set(mesh.positions.subarray(from * 3, from * 3 + 3), to * 3);
    normals.set(mesh.normals.subarray(from * 3, from * 3 + 3), to * 3);
    uvs.set(mesh.uvs.subarray(from * 2, from * 2 + 2), to * 2);
  });
  return {
    positions,
    normals,
    uvs,
    indices: indices.map((i) => remap[i]),
    // a simplified convex solid need not be convex
    convex: false,
  };
}
