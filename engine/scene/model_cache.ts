/**
 * The furniture library converted to GLB once: parsing a model's OBJ text (and turning its bump
 * maps into normal maps) takes ~50 ms a model, 42 s for all 795 on the 2-core dev VM, and every
 * render process paid it for each model it used. The launcher and `deno task assets --fetch`
 * write each model, as loadFurniture() makes it (metres, Y up, at the catalogue's size, textures
 * as RGBA8 PNGs), into .cache/models (engine/cli/convert_library.ts); renderers read the GLBs
 * here, through @gltf-transform/core (gltf.ts).
 * A model read back equals the converted one exactly (same floats, materials and texels).
 *
 * The cache folder is named by the converter's version and the .sh3f files' sizes and times, so
 * a new library package or a changed converter gets a fresh folder and old ones are never read.
 */
import {
  catalogueBounds,
  FURNITURE_LIBRARIES,
  type FurnitureEntry,
  loadFurniture,
} from "./furniture_library.ts";
import { type ImportedAsset, loadGltf } from "./gltf.ts";
import { hashString } from "./rng.ts";

/** Bump when what loadFurniture() makes, or how it is stored, changes. */
export const CONVERTER_VERSION = 1;

/** The project's root (its .cache holds the converted models). */
const PROJECT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The folder this library's converted models live in (it need not exist yet). */
export function modelCacheFolder(furniture: string, projectRoot = PROJECT): string {
  let stamp = `v${CONVERTER_VERSION}`;
  for (const library of Object.keys(FURNITURE_LIBRARIES)) {
    try {
      const info = Deno.statSync(`${furniture}/${library}.sh3f`);
      stamp += `|${library}:${info.size}:${info.mtime?.getTime() ?? 0}`;
    } catch {
      stamp += `|${library}:-`;
    }
  }
  const name = hashString(stamp).toString(16).padStart(8, "0");
  return `${projectRoot}/.cache/models/v${CONVERTER_VERSION}-${name}`;
}

/** Where one model's GLB is in `cache`. */
export function modelGlbPath(cache: string, entry: FurnitureEntry): string {
  return `${cache}/${entry.library}/${entry.id.replaceAll("/", "_")}.glb`;
}

/** The file that marks a cache folder holding every catalogue model. */
export const COMPLETE = "complete.json";

/** Whether every model of the catalogue has been converted into `cache`. */
export function modelCacheComplete(cache: string): boolean {
  return exists(`${cache}/${COMPLETE}`);
}

/** The model from the cache, or undefined when it has not been converted. */
export async function readModelGlb(
  cache: string,
  entry: FurnitureEntry,
): Promise<ImportedAsset | undefined> {
  const path = modelGlbPath(cache, entry);
  if (!exists(path)) return undefined;
  let asset: ImportedAsset;
  try {
    asset = await loadGltf(path);
  } catch (error) {
    throw new Error(
      `${(error as Error).message} (a converted furniture model: delete the file and ` +
        "`deno task assets --fetch` converts it again)",
      { cause: error },
    );
  }
  return { parts: asset.parts, bounds: catalogueBounds(entry) };
}

const caches = new Map<string, string>();

/** A library model from this project's cache, or undefined when it was not converted. */
export function convertedModel(
  furniture: string,
  entry: FurnitureEntry,
): Promise<ImportedAsset | undefined> {
  let cache = caches.get(furniture);
  if (!cache) caches.set(furniture, cache = modelCacheFolder(furniture));
  return readModelGlb(cache, entry);
}

/** A library model: its GLB from the cache when converted, else parsed from its OBJ now. */
export async function furnitureAsset(
  furniture: string,
  entry: FurnitureEntry,
): Promise<ImportedAsset> {
  return await convertedModel(furniture, entry) ?? loadFurniture(furniture, entry);
}

export function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
