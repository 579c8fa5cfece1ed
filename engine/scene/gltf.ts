// glTF / GLB import through @gltf-transform/core: one part per triangle primitive, with its
// node's world matrix, material factors and its decoded PNG or JPEG textures: base colour,
// normal, metallic-roughness, occlusion and emissive.
import {
  type Document,
  type Node,
  NodeIO,
  Primitive,
  type Texture,
  type TextureInfo,
} from "@gltf-transform/core";
import { decode, type DecodedPng, hasPngSignature } from "fast-png";
import jpeg from "jpeg-js";
import type { MeshData } from "./mesh.ts";
import type { Material, Texture as SceneTexture } from "./scene.ts";

/** RGBA8 texels, top row first. */
export interface ImportedTexture {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface ImportedPart {
  mesh: MeshData;
  matrix: Float32Array; // 4x4 column-major node world matrix
  baseColor: [number, number, number, number]; // linear RGBA factor
  texture?: ImportedTexture; // base colour, sRGB-encoded texels
  roughness: number;
  metalness: number;
  name: string;
  /** Tangent-space normal map (linear; +y up the image) and its xy scale. */
  normalTexture?: ImportedTexture;
  normalScale?: number;
  /** G roughness, B metalness (linear), multiplying the factors. */
  metalRoughTexture?: ImportedTexture;
  /** R occlusion (linear) and how much of it applies. */
  occlusionTexture?: ImportedTexture;
  occlusionStrength?: number;
  /** Linear emitted radiance and an sRGB texture multiplying it. */
  emissive?: [number, number, number];
  emissiveTexture?: ImportedTexture;
}

/**
 * The scene material of an imported part, its textures registered in `textures` under
 * `${key}/${part name}` (base colour) and `${key}/${part name}#normal` etc.
 */
export function importedMaterial(
  key: string,
  part: ImportedPart,
  textures: Map<string, SceneTexture>,
): Material {
  const add = (suffix: string, texture: ImportedTexture | undefined) => {
    if (!texture) return undefined;
    const name = `${key}/${part.name}${suffix}`;
    textures.set(name, texture);
    return name;
  };
  const material: Material = {
    color: [part.baseColor[0], part.baseColor[1], part.baseColor[2]],
    roughness: part.roughness,
    metalness: part.metalness,
    texture: add("", part.texture),
  };
  const normal = add("#normal", part.normalTexture);
  if (normal) {
    material.normalTexture = normal;
    if (part.normalScale !== undefined && part.normalScale !== 1) {
      material.normalScale = part.normalScale;
    }
  }
  const metalRough = add("#metal_rough", part.metalRoughTexture);
  if (metalRough) material.metalRoughTexture = metalRough;
  // glTF often packs occlusion into the metallic-roughness image (ORM): one layer for both
  const occlusion = part.occlusionTexture === part.metalRoughTexture && metalRough
    ? metalRough
    : add("#occlusion", part.occlusionTexture);
  if (occlusion) {
    material.occlusionTexture = occlusion;
    if (part.occlusionStrength !== undefined && part.occlusionStrength !== 1) {
      material.occlusionStrength = part.occlusionStrength;
    }
  }
  if (part.emissive && part.emissive.some((c) => c > 0)) {
    material.emissive = [...part.emissive];
    const emissive = add("#emissive", part.emissiveTexture);
    if (emissive) material.emissiveTexture = emissive;
  }
  return material;
}

export interface ImportedAsset {
  parts: ImportedPart[];
  bounds: { min: [number, number, number]; max: [number, number, number] }; // asset space
}

type Rgba8 = ImportedTexture;

export async function loadGltf(path: string): Promise<ImportedAsset> {
  let doc: Document;
  try {
    doc = await new NodeIO().read(path);
  } catch (e) {
    throw new Error(`${path}: cannot read as glTF/GLB: ${errorMessage(e)}`, { cause: e });
  }
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const tops = scene ? scene.listChildren() : root.listNodes().filter((n) => !n.getParentNode());

  const parts: ImportedPart[] = [];
  const textures = new Map<Texture, Rgba8>();
  const visit = (node: Node, parentMatrix: number[]) => {
    const matrix = multiply(parentMatrix, node.getMatrix());
    const mesh = node.getMesh();
    if (mesh) {
      const primitives = mesh.listPrimitives();
      primitives.forEach((prim, i) => {
        const meshName = mesh.getName() || `#${root.listMeshes().indexOf(mesh)}`;
        const baseName = node.getName() || mesh.getName() || "mesh";
        parts.push({
          ...readPart(path, meshName, prim, textures),
          matrix: new Float32Array(matrix),
          name: primitives.length > 1 ? `${baseName}.${i}` : baseName,
        });
      });
    }
    for (const child of node.listChildren()) visit(child, matrix);
  };
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  for (const node of tops) visit(node, identity);
  return { parts, bounds: assetBounds(parts) };
}

function isVec3(value: unknown): value is [number, number, number] {
  return Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === "number");
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Column-major 4x4 product a * b. */
function multiply(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out = new Array<number>(16).fill(0);
  for (let col = 0; col < 4; col++) {
    for (let row = 0; row < 4; row++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[k * 4 + row] * b[col * 4 + k];
      out[col * 4 + row] = sum;
    }
  }
  return out;
}

function readPart(
  path: string,
  meshName: string,
  prim: Primitive,
  textures: Map<Texture, Rgba8>,
): Omit<ImportedPart, "matrix" | "name"> {
  const fail = (why: string) => new Error(`${path}: mesh "${meshName}": ${why}`);
  if (prim.getMode() !== Primitive.Mode.TRIANGLES) {
    throw fail(`primitive mode ${prim.getMode()} is not supported, only TRIANGLES (4)`);
  }
  const material = prim.getMaterial();
  // One uv set per part (the vertex format has one): the base colour's, else the first map's.
  const infos: (TextureInfo | null | undefined)[] = [
    material?.getBaseColorTextureInfo(),
    material?.getNormalTextureInfo(),
    material?.getMetallicRoughnessTextureInfo(),
    material?.getOcclusionTextureInfo(),
    material?.getEmissiveTextureInfo(),
  ];
  const maps = [
    material?.getBaseColorTexture(),
    material?.getNormalTexture(),
    material?.getMetallicRoughnessTexture(),
    material?.getOcclusionTexture(),
    material?.getEmissiveTexture(),
  ];
  const first = maps.findIndex((t) => t);
  const texCoord = first >= 0 ? infos[first]?.getTexCoord() ?? 0 : 0;
  const mesh = readMesh(prim, texCoord, fail);

  // Maps on another uv set than the part's cannot be drawn: they are left out.
  const decoded = maps.map((texture, i) => {
    if (!texture || (infos[i]?.getTexCoord() ?? 0) !== texCoord) return undefined;
    let rgba = textures.get(texture);
    if (!rgba) {
      rgba = decodeTexture(path, texture);
      textures.set(texture, rgba);
    }
    return rgba;
  });
  // Without a material glTF prescribes the default one: white, metallic 1, roughness 1.
  const [r, g, b, a] = material?.getBaseColorFactor() ?? [1, 1, 1, 1];
  // radiance above glTF's [0, 1] factor, as model_cache.ts stores it
  const extra = material?.getExtras().emissive;
  const [er, eg, eb] = isVec3(extra) ? extra : material?.getEmissiveFactor() ?? [0, 0, 0];
  return {
    mesh,
    baseColor: [r, g, b, a],
    texture: decoded[0],
    roughness: material?.getRoughnessFactor() ?? 1,
    metalness: material?.getMetallicFactor() ?? 1,
    normalTexture: decoded[1],
    normalScale: material?.getNormalScale() ?? 1,
    metalRoughTexture: decoded[2],
    occlusionTexture: decoded[3],
    occlusionStrength: material?.getOcclusionStrength() ?? 1,
    emissive: [er, eg, eb],
    emissiveTexture: decoded[4],
  };
}

function readMesh(prim: Primitive, texCoord: number, fail: (why: string) => Error): MeshData {
  const position = prim.getAttribute("POSITION");
  if (!position) throw fail("primitive has no POSITION attribute");
  const count = position.getCount();
  const read = (name: string, size: number): Float32Array | undefined => {
    const accessor = prim.getAttribute(name);
    if (!accessor) return undefined;
    if (accessor.getCount() !== count) throw fail(`${name} count differs from POSITION`);
    const array = accessor.getArray();
    if (array instanceof Float32Array && accessor.getElementSize() === size) return array.slice();
    // getElement also undoes normalized integer encodings (KHR_mesh_quantization).
    const out = new Float32Array(count * size);
    const element: number[] = [];
    for (let i = 0; i < count; i++) {
      out.set(accessor.getElement(i, element).slice(0, size), i * size);
    }
    return out;
  };
  const positions = read("POSITION", 3) ?? new Float32Array();
  const normals = read("NORMAL", 3);
  const uvs = read(`TEXCOORD_${texCoord}`, 2) ?? new Float32Array(count * 2);

  const indexArray = prim.getIndices()?.getArray();
  const indices = indexArray ? Uint32Array.from(indexArray) : sequence(count);
  if (indices.length % 3 !== 0) throw fail("index count is not a multiple of 3");
  for (const i of indices) if (i >= count) throw fail(`index ${i} out of range (${count})`);

  const mesh = normals
    ? { positions, normals: normalize(normals), uvs, indices, convex: false }
    : flatShaded(positions, uvs, indices);
  // a converted library model says whether it is convex (model_cache.ts); others are tested
  const declared = prim.getExtras().convex;
  mesh.convex = typeof declared === "boolean"
    ? declared
    : isClosedConvex(mesh.positions, mesh.indices);
  return mesh;
}

function sequence(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Rescales normals to unit length; zero ones (bad data) become +Y. Ones already unit to float32
 * precision are kept as they are, so a model written by model_cache.ts reads back bit for bit.
 */
function normalize(n: Float32Array): Float32Array {
  for (let i = 0; i < n.length; i += 3) {
    const len = Math.hypot(n[i], n[i + 1], n[i + 2]);
    if (Math.abs(len - 1) < 1e-6) continue;
    if (len > 0) {
      n[i] /= len;
      n[i + 1] /= len;
      n[i + 2] /= len;
    } else n.set([0, 1, 0], i);
  }
  return n;
}

function triangleNormal(p: Float32Array, a: number, b: number, c: number): number[] {
  const u = [0, 1, 2].map((k) => p[3 * b + k] - p[3 * a + k]);
  const v = [0, 1, 2].map((k) => p[3 * c + k] - p[3 * a + k]);
  return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}

/** glTF asks for flat normals when NORMAL is missing, so each triangle gets its own vertices. */
function flatShaded(positions: Float32Array, uvs: Float32Array, indices: Uint32Array): MeshData {
  const n = indices.length;
  const out = {
    positions: new Float32Array(n * 3),
    normals: new Float32Array(n * 3),
    uvs: new Float32Array(n * 2),
    indices: sequence(n),
    convex: false,
  };
  for (let t = 0; t < n; t += 3) {
    const normal = triangleNormal(positions, indices[t], indices[t + 1], indices[t + 2]);
    for (let k = 0; k < 3; k++) {
      const src = indices[t + k];
      out.positions.set(positions.subarray(3 * src, 3 * src + 3), 3 * (t + k));
      out.normals.set(normal, 3 * (t + k));
      out.uvs.set(uvs.subarray(2 * src, 2 * src + 2), 2 * (t + k));
    }
  }
  normalize(out.normals);
  return out;
}

/**
 * Cheap convexity test: the mesh must be closed (every edge, by position, shared by two
 * triangles) and every vertex must lie on the inner side of every triangle's plane.
 * Quadratic, so big meshes are simply reported as not convex.
 */
function isClosedConvex(p: Float32Array, indices: Uint32Array): boolean {
  const triangles = indices.length / 3;
  if (triangles === 0 || triangles > 2000) return false;
  const key = (i: number) =>
    `${Math.round(p[3 * i] * 1e6)},${Math.round(p[3 * i + 1] * 1e6)},${
      Math.round(p[3 * i + 2] * 1e6)
    }`;
  const edges = new Map<string, number>();
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = key(indices[t + e]);
      const b = key(indices[t + ((e + 1) % 3)]);
      const edge = a < b ? `${a}|${b}` : `${b}|${a}`;
      edges.set(edge, (edges.get(edge) ?? 0) + 1);
    }
  }
  for (const uses of edges.values()) if (uses !== 2) return false;

  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i++) {
    min[i % 3] = Math.min(min[i % 3], p[i]);
    max[i % 3] = Math.max(max[i % 3], p[i]);
  }
  const tolerance = 1e-5 * Math.hypot(max[0] - min[0], max[1] - min[1], max[2] - min[2]);
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t];
    const n = triangleNormal(p, a, indices[t + 1], indices[t + 2]);
    const len = Math.hypot(n[0], n[1], n[2]);
    if (len === 0) continue; // degenerate triangles carry no plane
    for (let i = 0; i < p.length; i += 3) {
      const d = n[0] * (p[i] - p[3 * a]) + n[1] * (p[i + 1] - p[3 * a + 1]) +
        n[2] * (p[i + 2] - p[3 * a + 2]);
      if (d > tolerance * len) return false;
    }
  }
  return true;
}

function decodeTexture(path: string, texture: Texture): Rgba8 {
  const name = texture.getName() || texture.getURI() || "unnamed";
  const image = texture.getImage();
  if (!image) throw new Error(`${path}: texture "${name}" has no image data`);
  const isJpeg = image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff;
  if (!hasPngSignature(image) && !isJpeg) {
    const type = texture.getMimeType() || "unknown type";
    throw new Error(
      `${path}: texture "${name}" is ${type}; only PNG and JPEG textures are supported ` +
        `(convert other images to PNG)`,
    );
  }
  try {
    if (isJpeg) {
      const decoded = jpeg.decode(image, {
        useTArray: true,
        formatAsRGBA: true,
        maxMemoryUsageInMB: 512,
      });
      return { width: decoded.width, height: decoded.height, data: new Uint8Array(decoded.data) };
    }
    return toRgba8(decode(image));
  } catch (e) {
    throw new Error(`${path}: texture "${name}": ${errorMessage(e)}`, { cause: e });
  }
}

/** Expands any PNG layout fast-png returns (grey, grey+alpha, RGB, RGBA, palette) to RGBA8. */
function toRgba8(png: DecodedPng): Rgba8 {
  const { width, height, depth, channels, data } = png;
  const rowBits = width * channels * depth;
  // fast-png mis-slices rows that do not end on a byte boundary.
  if (depth < 8 && rowBits % 8 !== 0) {
    throw new Error(`${depth}-bit PNG rows of width ${width} are not supported`);
  }
  const stride = rowBits / 8;
  const maxValue = 2 ** depth - 1;
  // Raw sample of channel c at pixel (x, y), at the file's bit depth.
  const raw = (x: number, y: number, c: number): number => {
    if (depth >= 8) return data[(y * width + x) * channels + c];
    const bit = (x * channels + c) * depth;
    return (data[y * stride + (bit >> 3)] >> (8 - depth - (bit & 7))) & maxValue;
  };
  const to8 = (v: number) => (depth === 8 ? v : Math.round((v * 255) / maxValue));
  const palette = channels === 1 ? png.palette : undefined;
  const key = png.transparency; // tRNS colour key for grey and RGB images
  const out = new Uint8Array(width * height * 4);
  const samples = [0, 0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (palette) {
        const colour = palette[raw(x, y, 0)] ?? [0, 0, 0, 0];
        out.set([colour[0], colour[1], colour[2], colour[3] ?? 255], o);
        continue;
      }
      for (let c = 0; c < channels; c++) samples[c] = raw(x, y, c);
      const colourChannels = channels >= 3 ? 3 : 1;
      const grey = colourChannels === 1;
      const r = to8(samples[0]);
      out[o] = r;
      out[o + 1] = grey ? r : to8(samples[1]);
      out[o + 2] = grey ? r : to8(samples[2]);
      let alpha = channels === 2 || channels === 4 ? to8(samples[channels - 1]) : 255;
      if (key && key.length === colourChannels && key.every((k, c) => samples[c] === k)) alpha = 0;
      out[o + 3] = alpha;
    }
  }
  return { width, height, data: out };
}

function assetBounds(parts: ImportedPart[]): ImportedAsset["bounds"] {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const { mesh, matrix: m } of parts) {
    const p = mesh.positions;
    for (let i = 0; i < p.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        const v = m[k] * p[i] + m[4 + k] * p[i + 1] + m[8 + k] * p[i + 2] + m[12 + k];
        min[k] = Math.min(min[k], v);
        max[k] = Math.max(max[k], v);
      }
    }
  }
  if (min[0] > max[0]) return { min: [0, 0, 0], max: [0, 0, 0] };
  return { min, max };
}
