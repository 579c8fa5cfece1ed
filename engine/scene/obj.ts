// Wavefront OBJ + MTL import (the format of Sweet Home 3D's furniture libraries): one part per
// material, polygons fanned into triangles, normals from the file or, where it has none, from
// the faces (smoothed within a smoothing group, flat with `s off`), and the material's diffuse
// colour, shininess and map_Kd texture (PNG or JPEG), bump or normal map (map_Bump, bump, norm:
// height maps are turned into normal maps at load), roughness maps (map_Pr, or map_Ns scaling
// the shininess) and emission (Ke, map_Ke).
import { decode as decodePng, hasPngSignature } from "fast-png";
import jpeg from "jpeg-js";
import type { ImportedAsset, ImportedPart } from "./gltf.ts";
import type { MeshData } from "./mesh.ts";
import { srgbToLinear } from "./color.ts";

/** Reads the files an OBJ names (its .mtl, textures) by path relative to the OBJ's folder. */
export type FileReader = (path: string) => Uint8Array | undefined;

interface ObjMaterial {
  name: string;
  color: [number, number, number];
  opacity: number;
  shininess: number;
  /** Mean of Ks: how much specular the material has at all. */
  specular: number;
  texture?: string;
  /** map_Bump / bump (height or normal map, told apart by its texels) or norm (normal map). */
  bump?: { file: string; scale: number; normal: boolean };
  /** map_Pr: roughness per texel (grey); map_Ns: shininess scale per texel. */
  roughnessMap?: string;
  shininessMap?: string;
  /** Ke (display values) and map_Ke. */
  emissive?: [number, number, number];
  emissiveMap?: string;
}

interface Corner {
  v: number;
  vt: number;
  vn: number;
}

interface Face {
  corners: Corner[];
  material: string;
  smooth: number; // smoothing group; 0 = flat
}

/** Parses `obj` (text); `read` supplies the .mtl and texture files it names. */
export function parseObj(obj: string, name: string, read: FileReader): ImportedAsset {
  const positions: number[] = [];
  const uvs: number[] = [];
  const normals: number[] = [];
  const pending: { corners: string[]; line: number; material: string; smooth: number }[] = [];
  const materials = new Map<string, ObjMaterial>();
  let material = "";
  let smooth = 0;
  const lines = obj.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line[0] === "#") continue;
    const parts = line.split(/\s+/);
    const numbers = () => parts.slice(1).map(Number);
    switch (parts[0]) {
      case "v":
        positions.push(...numbers().slice(0, 3));
        break;
      case "vt":
        uvs.push(...numbers().slice(0, 2));
        break;
      case "vn":
        normals.push(...numbers().slice(0, 3));
        break;
      case "f":
        // resolved after every line is read: some exporters write a face before its `vt` lines
        if (parts.length >= 4) pending.push({ corners: parts.slice(1), line: i, material, smooth });
        break;
      case "usemtl":
        material = parts.slice(1).join(" ");
        break;
      case "s":
        smooth = parts[1] === "off" || parts[1] === "0" ? 0 : Number(parts[1]) || 1;
        break;
      case "mtllib": {
        const file = parts.slice(1).join(" ");
        const text = read(file);
        if (text) parseMtl(new TextDecoder().decode(text), materials);
        break;
      }
    }
  }
  const faces: Face[] = pending.map((f) => ({
    corners: f.corners.map((c) => corner(c, positions, uvs, normals, name, f.line)),
    material: f.material,
    smooth: f.smooth,
  }));
  if (faces.length === 0) throw new Error(`${name}: no faces`);

  const byMaterial = new Map<string, Face[]>();
  for (const f of faces) {
    const list = byMaterial.get(f.material) ?? [];
    list.push(f);
    byMaterial.set(f.material, list);
  }
  const textures = new Map<string, ImportedPart["texture"]>();
  const image = (file: string) => {
    if (!textures.has(file)) textures.set(file, decodeTexture(file, read, name));
    return textures.get(file);
  };
  const derived = new Map<string, ImportedPart["texture"]>();
  const derive = (
    key: string,
    file: string,
    make: (t: NonNullable<ImportedPart["texture"]>) => ImportedPart["texture"],
  ) => {
    if (!derived.has(key)) {
      const source = image(file);
      derived.set(key, source ? make(source) : undefined);
    }
    return derived.get(key);
  };
  const parts: ImportedPart[] = [];
  for (const [key, list] of byMaterial) {
    const m = materials.get(key) ??
      { name: key, color: [0.8, 0.8, 0.8], opacity: 1, shininess: 10, specular: 0 };
    if (m.opacity < 0.05) continue; // invisible helper geometry
    const texture = m.texture ? image(m.texture) : undefined;
    const maps: Partial<ImportedPart> = {};
    if (m.bump) {
      const { file, scale, normal } = m.bump;
      maps.normalTexture = derive(
        `normal:${file}:${scale}:${normal}`,
        file,
        (t) => normal || isNormalMap(t) ? t : heightToNormals(t, scale),
      );
    }
    if (m.roughnessMap || m.shininessMap) {
      const file = (m.roughnessMap ?? m.shininessMap)!;
      maps.metalRoughTexture = derive(
        m.roughnessMap ? `pr:${file}` : `ns:${file}:${m.shininess}:${m.specular}`,
        file,
        (t) =>
          roughnessTexture(
            t,
            m.roughnessMap ? (v) => v : (v) => roughnessOf({ ...m, shininess: m.shininess * v }),
          ),
      );
    }
    if (m.emissive || m.emissiveMap) {
      const ke = m.emissive ?? [1, 1, 1];
      if (ke.some((c) => c > 0)) {
        maps.emissive = ke.map(srgbToLinear) as [number, number, number];
        if (m.emissiveMap) maps.emissiveTexture = image(m.emissiveMap);
      }
    }
    parts.push({
      ...maps,
      mesh: buildMesh(list, positions, uvs, normals),
      matrix: IDENTITY,
      // MTL colours are display (sRGB) values; textures multiply a white factor
      baseColor: texture ? [1, 1, 1, m.opacity] : [...m.color.map(srgbToLinear), m.opacity] as [
        number,
        number,
        number,
        number,
      ],
      texture,
      // a roughness map holds the roughness itself: the factor it multiplies is 1
      roughness: maps.metalRoughTexture ? 1 : roughnessOf(m),
      metalness: 0,
      name: key || "default",
    });
  }
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const p of parts) {
    const pos = p.mesh.positions;
    for (let i = 0; i < pos.length; i += 3) {
      for (let c = 0; c < 3; c++) {
        min[c] = Math.min(min[c], pos[i + c]);
        max[c] = Math.max(max[c], pos[i + c]);
      }
    }
  }
  return { parts, bounds: { min, max } };
}

/**
 * GGX roughness from a Phong material: the exponent's equivalent, sqrt(2 / (Ns + 2)), where the
 * material has specular (Ks), tending to matte (0.9) as Ks goes to 0 (Ks 0.27, Ns 482, a
 * varnished oak table, gives 0.45).
 */
function roughnessOf(m: ObjMaterial): number {
  const phong = Math.sqrt(2 / (Math.max(0, m.shininess) + 2));
  const weight = Math.min(1, Math.max(0, 2 * m.specular));
  return Math.min(1, Math.max(0.05, 0.9 + (phong - 0.9) * weight));
}

const IDENTITY = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

/** "v", "v/vt", "v//vn" or "v/vt/vn", 1-based or negative (relative to the end). */
function corner(
  text: string,
  positions: number[],
  uvs: number[],
  normals: number[],
  name: string,
  line: number,
): Corner {
  const [v, vt, vn] = text.split("/");
  const index = (s: string | undefined, count: number) => {
    if (s === undefined || s === "") return -1;
    const n = Number(s);
    const i = n < 0 ? count + n : n - 1;
    if (!Number.isInteger(n) || i < 0 || i >= count) {
      throw new Error(`${name}:${line + 1}: face index "${text}" is out of range`);
    }
    return i;
  };
  return {
    v: index(v, positions.length / 3),
    vt: index(vt, uvs.length / 2),
    vn: index(vn, normals.length / 3),
  };
}

function parseMtl(text: string, into: Map<string, ObjMaterial>) {
  let m: ObjMaterial | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const parts = line.split(/\s+/);
    const rest = line.slice(parts[0].length).trim();
    switch (parts[0]) {
      case "newmtl":
        m = { name: rest, color: [0.8, 0.8, 0.8], opacity: 1, shininess: 10, specular: 0 };
        into.set(rest, m);
        break;
      case "Kd":
        if (m) m.color = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
        break;
      case "d":
        if (m) m.opacity = Number(parts[1]);
        break;
      case "Tr":
        if (m) m.opacity = 1 - Number(parts[1]);
        break;
      case "Ns":
        if (m) m.shininess = Number(parts[1]);
        break;
      case "Ks":
        if (m) m.specular = (Number(parts[1]) + Number(parts[2]) + Number(parts[3])) / 3;
        break;
      case "map_Kd":
        // options (-s, -o …) come before the file name, which is the last word
        if (m) m.texture = parts.at(-1);
        break;
      case "map_Bump":
      case "map_bump":
      case "bump":
      case "norm": {
        const bm = parts.indexOf("-bm");
        const scale = bm > 0 ? Number(parts[bm + 1]) : 1;
        if (m && parts.length > 1) {
          m.bump = {
            file: parts.at(-1)!,
            scale: Number.isFinite(scale) ? scale : 1,
            normal: parts[0] === "norm",
          };
        }
        break;
      }
      case "map_Pr":
        if (m && parts.length > 1) m.roughnessMap = parts.at(-1);
        break;
      case "map_Ns":
        if (m && parts.length > 1) m.shininessMap = parts.at(-1);
        break;
      case "Ke":
        if (m) m.emissive = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
        break;
      case "map_Ke":
        if (m && parts.length > 1) m.emissiveMap = parts.at(-1);
        break;
    }
  }
}

function decodeTexture(file: string, read: FileReader, name: string): ImportedPart["texture"] {
  const bytes = read(file);
  if (!bytes) return undefined;
  try {
    if (hasPngSignature(bytes)) {
      const png = decodePng(bytes);
      return {
        width: png.width,
        height: png.height,
        data: toRgba8(png.data, png.channels, png.depth),
      };
    }
    const image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxMemoryUsageInMB: 512,
    });
    return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
  } catch (error) {
    throw new Error(`${name}: texture ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Whether an image is a tangent-space normal map rather than a height map: bluish (z up),
 * red and green centred on mid grey, blue the largest channel almost everywhere.
 */
export function isNormalMap(t: NonNullable<ImportedPart["texture"]>): boolean {
  const n = t.width * t.height;
  let r = 0, g = 0, b = 0, blueMost = 0;
  for (let i = 0; i < n; i++) {
    const [x, y, z] = [t.data[i * 4], t.data[i * 4 + 1], t.data[i * 4 + 2]];
    r += x;
    g += y;
    b += z;
    if (z >= x && z >= y && z >= 128) blueMost++;
  }
  [r, g, b] = [r / n / 255, g / n / 255, b / n / 255];
  return Math.abs(r - 0.5) < 0.1 && Math.abs(g - 0.5) < 0.1 && b > 0.7 && blueMost > 0.9 * n;
}

/** Relief of a bump map of -bm 1: a height step of 1/8 (luminance) per texel tilts 45°. */
const BUMP_SLOPE = 8;

/**
 * A tangent-space normal map (linear, +y up the image) of a height map: luminance is height,
 * `scale` (-bm) multiplies it; central differences, wrapping (bump maps tile).
 */
export function heightToNormals(
  t: NonNullable<ImportedPart["texture"]>,
  scale: number,
): NonNullable<ImportedPart["texture"]> {
  const { width: w, height: h, data } = t;
  const height = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    height[i] = (0.2126 * data[i * 4] + 0.7152 * data[i * 4 + 1] + 0.0722 * data[i * 4 + 2]) /
      255;
  }
  const at = (x: number, y: number) => height[((y + h) % h) * w + ((x + w) % w)];
  const out = new Uint8Array(w * h * 4);
  const k = (BUMP_SLOPE * scale) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = (at(x + 1, y) - at(x - 1, y)) * k;
      const dy = (at(x, y + 1) - at(x, y - 1)) * k; // rows run down: +y up is -row
      const len = Math.hypot(dx, dy, 1);
      const o = (y * w + x) * 4;
      out[o] = Math.round((-dx / len * 0.5 + 0.5) * 255);
      out[o + 1] = Math.round((dy / len * 0.5 + 0.5) * 255);
      out[o + 2] = Math.round((1 / len * 0.5 + 0.5) * 255);
      out[o + 3] = 255;
    }
  }
  return { width: w, height: h, data: out };
}

/** A metallic-roughness map (G roughness, B 1) of a grey image through `roughness(value)`. */
function roughnessTexture(
  t: NonNullable<ImportedPart["texture"]>,
  roughness: (value: number) => number,
): NonNullable<ImportedPart["texture"]> {
  const out = new Uint8Array(t.width * t.height * 4);
  for (let i = 0; i < t.width * t.height; i++) {
    const v = t.data[i * 4] / 255;
    out.set([255, Math.round(Math.min(1, Math.max(0, roughness(v))) * 255), 255, 255], i * 4);
  }
  return { width: t.width, height: t.height, data: out };
}

function toRgba8(data: ArrayLike<number>, channels: number, depth: number): Uint8Array {
  const n = data.length / channels;
  const out = new Uint8Array(n * 4);
  const scale = depth === 16 ? 1 / 257 : 1;
  for (let i = 0; i < n; i++) {
    const at = i * channels;
    const grey = channels <= 2;
    out[i * 4] = data[at] * scale;
    out[i * 4 + 1] = data[at + (grey ? 0 : 1)] * scale;
    out[i * 4 + 2] = data[at + (grey ? 0 : 2)] * scale;
    out[i * 4 + 3] = channels === 2 || channels === 4 ? data[at + channels - 1] * scale : 255;
  }
  return out;
}

/** One triangle list for `faces`: a vertex per distinct (position, uv, normal) corner. */
function buildMesh(
  faces: Face[],
  positions: number[],
  uvs: number[],
  normals: number[],
): MeshData {
  // normals where the file has none: face normals summed per (position, smoothing group)
  const smoothNormals = new Map<string, number[]>();
  const faceNormals = faces.map((f) => {
    const [a, b, c] = [f.corners[0].v, f.corners[1].v, f.corners[2].v].map((i) => i * 3);
    const e1 = [0, 1, 2].map((k) => positions[b + k] - positions[a + k]);
    const e2 = [0, 1, 2].map((k) => positions[c + k] - positions[a + k]);
    // Newell's method over the whole polygon: robust for quads and n-gons
    const n = [0, 0, 0];
    const cs = f.corners;
    for (let i = 0; i < cs.length; i++) {
      const p = cs[i].v * 3, q = cs[(i + 1) % cs.length].v * 3;
      n[0] += (positions[p + 1] - positions[q + 1]) * (positions[p + 2] + positions[q + 2]);
      n[1] += (positions[p + 2] - positions[q + 2]) * (positions[p] + positions[q]);
      n[2] += (positions[p] - positions[q]) * (positions[p + 1] + positions[q + 1]);
    }
    if (Math.hypot(n[0], n[1], n[2]) === 0) {
      n[0] = e1[1] * e2[2] - e1[2] * e2[1];
      n[1] = e1[2] * e2[0] - e1[0] * e2[2];
      n[2] = e1[0] * e2[1] - e1[1] * e2[0];
    }
    if (f.smooth) {
      for (const c of f.corners) {
        const key = `${c.v}:${f.smooth}`;
        const sum = smoothNormals.get(key) ?? [0, 0, 0];
        for (let k = 0; k < 3; k++) sum[k] += n[k];
        smoothNormals.set(key, sum);
      }
    }
    return n;
  });
  const out = { positions: [] as number[], normals: [] as number[], uvs: [] as number[] };
  const indices: number[] = [];
  const vertexOf = new Map<string, number>();
  faces.forEach((f, fi) => {
    const ids = f.corners.map((c) => {
      const normal = c.vn >= 0
        ? normals.slice(c.vn * 3, c.vn * 3 + 3)
        : f.smooth
        ? smoothNormals.get(`${c.v}:${f.smooth}`)!
        : faceNormals[fi];
      const key = c.vn >= 0 || f.smooth
        ? `${c.v}/${c.vt}/${c.vn}/${f.smooth}`
        : `${c.v}/${c.vt}/f${fi}`;
      let id = vertexOf.get(key);
      if (id === undefined) {
        id = out.positions.length / 3;
        vertexOf.set(key, id);
        out.positions.push(positions[c.v * 3], positions[c.v * 3 + 1], positions[c.v * 3 + 2]);
        const length = Math.hypot(normal[0], normal[1], normal[2]) || 1;
        out.normals.push(normal[0] / length, normal[1] / length, normal[2] / length);
        // OBJ's v runs up the image; the renderer's runs down (glTF's convention)
        out.uvs.push(c.vt >= 0 ? uvs[c.vt * 2] : 0, c.vt >= 0 ? 1 - uvs[c.vt * 2 + 1] : 0);
      }
      return id;
    });
    for (let i = 1; i + 1 < ids.length; i++) indices.push(ids[0], ids[i], ids[i + 1]);
  });
  return {
    positions: new Float32Array(out.positions),
    normals: new Float32Array(out.normals),
    uvs: new Float32Array(out.uvs),
    indices: new Uint32Array(indices),
    convex: false,
  };
}
