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
export const MIN_TRIANGLES = 4096;
/** Coarsest level kept: simplifying further changes silhouettes more than it saves. */
const MIN_LEVEL_TRIANGLES = 64;

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
    const indices = new Uint32Array(mesh.indices);
    for (let target = triangles >> 1; target >= MIN_LEVEL_TRIANGLES; target >>= 1) {
      const [kept, error] = MeshoptSimplifier.simplify(
        indices,
        mesh.positions,
        3,
        target * 3,
        Infinity,
        ["ErrorAbsolute"],
      );
      // stuck (a border it may not collapse): coarser targets would give the same level
      if (kept.length >= chain[chain.length - 1].mesh.indices.length) break;
      chain.push({ mesh: compact(mesh, kept), error });
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
