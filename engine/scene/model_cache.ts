/**
 * The furniture library converted to GLB once: parsing a model's OBJ text (and turning its bump
 * maps into normal maps) takes ~50 ms a model, 42 s for all 795 on the 2-core dev VM, and every
 * render process paid it for each model it used. The launcher and `deno task assets --fetch`
 * write each model, as loadFurniture() makes it (metres, Y up, at the catalogue's size, textures
 * as RGBA8 PNGs), into .cache/models; renderers read the GLBs through @gltf-transform/core.
 * A model read back equals the converted one exactly (same floats, materials and texels).
 *
 * The cache folder is named by the converter's version and the .sh3f files' sizes and times, so
 * a new library package or a changed converter gets a fresh folder and old ones are never read.
 */
import { Document, NodeIO, type Texture } from "@gltf-transform/core";
import { writeFileAtomic } from "../dataset/atomic.ts";
import { encodePng } from "../dataset/png.ts";
import {
  catalogueBounds,
  FURNITURE_LIBRARIES,
  furnitureCatalogue,
  type FurnitureEntry,
  loadFurniture,
} from "./furniture_library.ts";
import { type ImportedAsset, type ImportedTexture, loadGltf } from "./gltf.ts";
import { hashString } from "./rng.ts";

/** Bump when what loadFurniture() makes, or how it is stored, changes. */
const CONVERTER_VERSION = 1;

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

const COMPLETE = "complete.json";

/** Whether every model of the catalogue has been converted into `cache`. */
export function modelCacheComplete(cache: string): boolean {
  return exists(`${cache}/${COMPLETE}`);
}

/**
 * Converts every catalogue model not yet in the cache (one at a time: all at once would hold
 * ~10 M triangles). Returns the cache folder.
 */
export async function convertLibrary(
  furniture: string,
  log: (line: string) => void,
  projectRoot = PROJECT,
): Promise<string> {
  const cache = modelCacheFolder(furniture, projectRoot);
  if (modelCacheComplete(cache)) return cache;
  const entries = furnitureCatalogue(furniture);
  log(`converting the furniture library's ${entries.length} models to GLB once, into ${cache} …`);
  const started = performance.now();
  let converted = 0;
  for (const entry of entries) {
    const path = modelGlbPath(cache, entry);
    if (exists(path)) continue;
    await writeModelGlb(loadFurniture(furniture, entry), entry, path);
    converted++;
  }
  await writeFileAtomic(
    `${cache}/${COMPLETE}`,
    JSON.stringify({ models: entries.length, converter: CONVERTER_VERSION }) + "\n",
  );
  log(`converted ${converted} models in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return cache;
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

/** Writes `asset` (a converted library model) to `path` as GLB, atomically. */
export async function writeModelGlb(
  asset: ImportedAsset,
  entry: Pick<FurnitureEntry, "library" | "id" | "model">,
  path: string,
): Promise<void> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const scene = doc.createScene(entry.id);
  doc.getRoot().setDefaultScene(scene);
  doc.getRoot().getAsset().extras = {
    source: `${entry.library}.sh3f:${entry.model}`,
    converter: CONVERTER_VERSION,
  };
  const textures = new Map<ImportedTexture, Texture>();
  const texture = async (image: ImportedTexture | undefined, name: string) => {
    if (!image) return null;
    let made = textures.get(image);
    if (!made) {
      const png = await encodePng(image.data, image.width, image.height, 4, "up");
      made = doc.createTexture(name).setImage(png).setMimeType("image/png");
      textures.set(image, made);
    }
    return made;
  };
  const accessor = (type: "VEC2" | "VEC3" | "SCALAR", array: Float32Array | Uint32Array) =>
    doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  for (const part of asset.parts) {
    const material = doc.createMaterial(part.name)
      .setBaseColorFactor(part.baseColor)
      .setRoughnessFactor(part.roughness)
      .setMetallicFactor(part.metalness)
      .setBaseColorTexture(await texture(part.texture, `${part.name}`))
      .setNormalTexture(await texture(part.normalTexture, `${part.name}#normal`))
      .setNormalScale(part.normalScale ?? 1)
      .setMetallicRoughnessTexture(await texture(part.metalRoughTexture, `${part.name}#mr`))
      .setOcclusionTexture(await texture(part.occlusionTexture, `${part.name}#occlusion`))
      .setOcclusionStrength(part.occlusionStrength ?? 1)
      .setEmissiveTexture(await texture(part.emissiveTexture, `${part.name}#emissive`));
    if (part.emissive) {
      // glTF's factor is at most 1; the exact radiance rides in extras (gltf.ts reads it)
      material.setEmissiveFactor(part.emissive.map((c) => Math.min(1, c)) as typeof part.emissive);
      if (part.emissive.some((c) => c > 1)) material.setExtras({ emissive: part.emissive });
    }
    const { mesh } = part;
    const primitive = doc.createPrimitive()
      .setAttribute("POSITION", accessor("VEC3", mesh.positions))
      .setAttribute("NORMAL", accessor("VEC3", mesh.normals))
      .setAttribute("TEXCOORD_0", accessor("VEC2", mesh.uvs))
      .setIndices(accessor("SCALAR", mesh.indices))
      .setMaterial(material)
      // gltf.ts would otherwise test convexity itself and could say yes where OBJ import said no
      .setExtras({ convex: mesh.convex });
    const node = doc.createNode(part.name).setMesh(
      doc.createMesh(part.name).addPrimitive(primitive),
    );
    node.setMatrix(Array.from(part.matrix) as Parameters<typeof node.setMatrix>[0]);
    scene.addChild(node);
  }
  const bytes = await new NodeIO().writeBinary(doc);
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await writeFileAtomic(path, bytes);
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
