/**
 * Writes the furniture library's models into the GLB cache that engine/scene/model_cache.ts
 * reads: once, from the launcher (the render may write only its output) or
 * `deno task assets --fetch`.
 */
import { Document, NodeIO, type Texture } from "@gltf-transform/core";
import { writeFileAtomic } from "../dataset/atomic.ts";
import { encodePng } from "../dataset/png.ts";
import {
  furnitureCatalogue,
  type FurnitureEntry,
  loadFurniture,
} from "../scene/furniture_library.ts";
import type { ImportedAsset, ImportedTexture } from "../scene/gltf.ts";
import {
  COMPLETE,
  CONVERTER_VERSION,
  exists,
  modelCacheComplete,
  modelCacheFolder,
  modelGlbPath,
} from "../scene/model_cache.ts";

/** The project's root (its .cache holds the converted models). */
const PROJECT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

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
