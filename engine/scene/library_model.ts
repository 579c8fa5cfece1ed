/**
 * A furniture-library model ready for a scene: its parts re-centred into the unit box the
 * procedural meshes use (so an object's `scale` is its size in metres and `position` its
 * centre), its own materials and textures, the hull points its collider is made from, and its
 * main plain colour. Loaded once per process and shared by every clip and plugin.
 */
import {
  type FurnitureEntry,
  furnitureEntry,
  furnitureFolder,
  loadFurniture,
} from "./furniture_library.ts";
import { type ImportedAsset, importedMaterial } from "./gltf.ts";
import { convertedModel } from "./model_cache.ts";
import { hullPoints } from "./hull_points.ts";
import type { MeshPart, Scene, Vec3 } from "./scene.ts";

export interface LibraryModel {
  /** Manifest key, `<library>/<id>`. */
  key: string;
  entry: FurnitureEntry;
  parts: MeshPart[];
  textures: Map<string, { width: number; height: number; data: Uint8Array }>;
  /** Linear colour of a plain (untextured) material covering most of the surface, if one does. */
  mainColor?: Vec3;
  /** Hull points in the unit box (hull_points.ts). */
  hull: Float32Array;
}

/** Share of the surface one plain material must cover to be the model's colour. */
const MAIN_COLOR_SHARE = 0.6;

const PREFIX = "lib_";

/** The scene mesh key of a model. */
export const libraryMeshKey = (key: string) => `${PREFIX}${key.replace("/", ":")}`;

/** The manifest key of a library model's scene mesh, or undefined for other meshes. */
export function libraryModelKey(mesh: string): string | undefined {
  return mesh.startsWith(PREFIX) ? mesh.slice(PREFIX.length).replace(":", "/") : undefined;
}

const loaded = new Map<string, LibraryModel | null>();

/**
 * The model of a manifest key (cached), or null when the library is not installed. One that
 * loadLibraryModels() did not read is parsed from its OBJ here, synchronously.
 */
export function libraryModel(key: string): LibraryModel | null {
  if (loaded.has(key)) return loaded.get(key)!;
  const folder = furnitureFolder();
  const entry = folder ? furnitureEntry(folder, key) : undefined;
  const result = entry ? modelOf(key, entry, loadFurniture(folder!, entry)) : null;
  loaded.set(key, result);
  return result;
}

/**
 * Reads those models of `keys` that were converted to GLB (model_cache.ts) ahead of
 * libraryModel(), which then parses none of their OBJs. A plugin's setup calls it for the
 * models it may draw; ones not converted are left to libraryModel, which parses only what a
 * clip uses.
 */
export async function loadLibraryModels(keys: Iterable<string>): Promise<void> {
  const folder = furnitureFolder();
  if (!folder) return;
  for (const key of new Set(keys)) {
    if (loaded.has(key)) continue;
    const entry = furnitureEntry(folder, key);
    const asset = await convertedModel(folder, entry);
    if (asset) loaded.set(key, modelOf(key, entry, asset));
  }
}

/** A loaded model (metres, standing on y = 0) moved into the unit box. */
function modelOf(key: string, entry: FurnitureEntry, asset: ImportedAsset): LibraryModel {
  const [w, h, d] = entry.size;
  const meshKey = libraryMeshKey(key);
  const textures = new Map<string, { width: number; height: number; data: Uint8Array }>();
  const plain: { color: Vec3; area: number }[] = [];
  let total = 0;
  const parts = asset.parts.map((p): MeshPart => {
    const pos = p.mesh.positions.slice(), nrm = p.mesh.normals.slice();
    for (let i = 0; i < pos.length; i += 3) {
      // from metres standing on y = 0 to the unit box centred on the origin
      pos[i] /= w;
      pos[i + 1] = pos[i + 1] / h - 0.5;
      pos[i + 2] /= d;
      const nx = nrm[i] * w, ny = nrm[i + 1] * h, nz = nrm[i + 2] * d;
      const n = Math.hypot(nx, ny, nz) || 1;
      nrm[i] = nx / n;
      nrm[i + 1] = ny / n;
      nrm[i + 2] = nz / n;
    }
    const area = surfaceArea(p.mesh.positions, p.mesh.indices);
    total += area;
    if (!p.texture) plain.push({ color: [p.baseColor[0], p.baseColor[1], p.baseColor[2]], area });
    return {
      mesh: { ...p.mesh, positions: pos, normals: nrm },
      material: importedMaterial(meshKey, p, textures),
    };
  });
  const main = plain.sort((a, b) => b.area - a.area)[0];
  const points = new Float32Array(parts.reduce((n, p) => n + p.mesh.positions.length, 0));
  let o = 0;
  for (const p of parts) {
    points.set(p.mesh.positions, o);
    o += p.mesh.positions.length;
  }
  return {
    key,
    entry,
    parts,
    textures,
    mainColor: main && main.area >= MAIN_COLOR_SHARE * total ? main.color : undefined,
    hull: hullPoints(points),
  };
}

/** Registers the model's mesh and textures in `scene` (once) and returns its mesh key. */
export function useLibraryModel(scene: Scene, model: LibraryModel): string {
  const key = libraryMeshKey(model.key);
  if (!scene.meshes.has(key)) {
    scene.meshes.set(key, model.parts);
    for (const [texture, image] of model.textures) scene.textures.set(texture, image);
  }
  return key;
}

/** Area of a triangle mesh, square metres. */
function surfaceArea(p: ArrayLike<number>, indices: ArrayLike<number>): number {
  let area = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const [a, b, c] = [indices[t] * 3, indices[t + 1] * 3, indices[t + 2] * 3];
    const u = [p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]];
    const v = [p[c] - p[a], p[c + 1] - p[a + 1], p[c + 2] - p[a + 2]];
    area += Math.hypot(
      u[1] * v[2] - u[2] * v[1],
      u[2] * v[0] - u[0] * v[2],
      u[0] * v[1] - u[1] * v[0],
    ) / 2;
  }
  return area;
}
