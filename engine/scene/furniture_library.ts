/**
 * Real household objects and furniture: Sweet Home 3D's furniture libraries (Debian package
 * `sweethome3d-furniture`), textured OBJ models in .sh3f zips with a catalogue that gives each
 * one a name, category, creator and real size. Only the libraries whose licence allows use in a
 * published dataset are read: Blend Swap CC-0 (public domain) and the CC BY 3.0 ones (credit the
 * creator; every dataset that uses one lists it in credits.json). A scene names a model as
 * `library:<id>`, e.g. `assets: { mug: "library:caffe_final" }`; `deno task assets` lists them.
 *
 * Where the package comes from (first found): $SYNTHVID_FURNITURE (a folder of .sh3f files),
 * /usr/share/sweethome3d/furniture (apt-get install sweethome3d-furniture), or the project's
 * .cache/furniture, which `deno task assets --fetch` (and the render launcher, when a scene needs
 * it) fills without root: apt-get download + dpkg-deb -x.
 */
import { unzipSync } from "fflate";
import type { ImportedAsset } from "./gltf.ts";
import { parseObj } from "./obj.ts";

/** The id of a scene asset that names a library model (`library:<id>`), else undefined. */
export function libraryId(asset: string): string | undefined {
  return asset.startsWith("library:") ? asset.slice("library:".length) : undefined;
}

/** The libraries read, with the licence each is under (from its LICENSE.TXT). */
export const FURNITURE_LIBRARIES = {
  "BlendSwap-CC-0": {
    licence: "CC0-1.0",
    url: "https://creativecommons.org/publicdomain/zero/1.0/",
  },
  "BlendSwap-CC-BY": { licence: "CC-BY-3.0", url: "https://creativecommons.org/licenses/by/3.0/" },
  "KatorLegaz": { licence: "CC-BY-3.0-US", url: "https://creativecommons.org/licenses/by/3.0/us/" },
  "Scopia": { licence: "CC-BY-3.0", url: "https://creativecommons.org/licenses/by/3.0/" },
} as const;

export type FurnitureLibraryName = keyof typeof FURNITURE_LIBRARIES;

/** The Debian package and the folder it installs the .sh3f files into. */
export const FURNITURE_PACKAGE = "sweethome3d-furniture";
const INSTALLED = "/usr/share/sweethome3d/furniture";

/** One model of the catalogue. */
export interface FurnitureEntry {
  /** `library:<id>` in a scene: the model file's name, e.g. "caffe_final". */
  id: string;
  library: FurnitureLibraryName;
  name: string;
  category: string;
  tags: string[];
  creator: string;
  licence: string;
  licenceUrl: string;
  /** Width (x), height (y), depth (z) in metres, as the catalogue gives them. */
  size: [number, number, number];
  /** Path of the OBJ inside the .sh3f zip. */
  model: string;
  /** Row-major 3x3 turning the model's axes into Y-up (catalogue `modelRotation`). */
  rotation?: number[];
}

/** The project's root (its .cache holds a fetched library). */
const PROJECT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** Folder of the .sh3f files: the first of the places above that has them. */
export function furnitureFolder(projectRoot = PROJECT): string | undefined {
  const candidates = [
    Deno.env.get("SYNTHVID_FURNITURE"),
    INSTALLED,
    `${projectRoot}/.cache/furniture/usr/share/sweethome3d/furniture`,
  ].filter((p): p is string => Boolean(p));
  for (const dir of candidates) {
    try {
      if (Deno.statSync(`${dir}/BlendSwap-CC-0.sh3f`).isFile) return dir;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** How to get the library, for error messages. */
export function furnitureHint(projectRoot = PROJECT): string {
  return `the furniture library (Debian package ${FURNITURE_PACKAGE}) is not installed: run ` +
    `\`deno task assets --fetch\` (no root needed; it fills ${projectRoot}/.cache/furniture), or ` +
    `apt-get install ${FURNITURE_PACKAGE}`;
}

const zips = new Map<string, Uint8Array>();
function zipBytes(folder: string, library: FurnitureLibraryName): Uint8Array {
  const path = `${folder}/${library}.sh3f`;
  let bytes = zips.get(path);
  if (!bytes) {
    bytes = Deno.readFileSync(path);
    zips.set(path, bytes);
  }
  return bytes;
}

/** Files of a zip whose names pass `keep`, inflated. */
function unzip(bytes: Uint8Array, keep: (name: string) => boolean): Record<string, Uint8Array> {
  return unzipSync(bytes, { filter: (file) => keep(file.name) });
}

const catalogues = new Map<string, FurnitureEntry[]>();

/** Every model of the readable libraries in `folder`, in catalogue order. */
export function furnitureCatalogue(folder: string): FurnitureEntry[] {
  let entries = catalogues.get(folder);
  if (entries) return entries;
  entries = [];
  for (const library of Object.keys(FURNITURE_LIBRARIES) as FurnitureLibraryName[]) {
    let bytes: Uint8Array;
    try {
      bytes = zipBytes(folder, library);
    } catch {
      continue; // a library missing from a partial copy
    }
    const files = unzip(bytes, (name) => name === "PluginFurnitureCatalog.properties");
    const text = files["PluginFurnitureCatalog.properties"];
    if (text) entries.push(...catalogueEntries(parseProperties(latin1(text)), library));
  }
  catalogues.set(folder, entries);
  return entries;
}

/** The entry for `library:<id>`; throws naming close ids when there is none. */
export function furnitureEntry(folder: string, id: string): FurnitureEntry {
  const all = furnitureCatalogue(folder);
  // "Scopia/chair" picks one library's model where ids repeat; plain ids prefer CC0
  const slash = id.indexOf("/");
  const entry = slash < 0
    ? all.find((e) => e.id === id)
    : all.find((e) => e.library === id.slice(0, slash) && e.id === id.slice(slash + 1));
  if (entry) return entry;
  const want = id.toLowerCase().replace(/^.*\//, "");
  const close = all.filter((e) => {
    const have = e.id.toLowerCase();
    return have.includes(want) || want.includes(have) || e.name.toLowerCase().includes(want) ||
      editDistance(have, want) <= 2;
  }).slice(0, 5).map((e) => `${e.id} (${e.name})`);
  throw new Error(
    `no furniture model "${id}"` + (close.length ? `; did you mean ${close.join(", ")}?` : "") +
      " (deno task assets lists them)",
  );
}

/**
 * The model as an ImportedAsset in metres, Y up, standing on y = 0 and centred on x and z, scaled
 * per axis to the catalogue's size (what Sweet Home 3D does with the same files).
 */
export function loadFurniture(folder: string, entry: FurnitureEntry): ImportedAsset {
  const bytes = zipBytes(folder, entry.library);
  const dir = entry.model.slice(0, entry.model.lastIndexOf("/") + 1);
  const files = unzip(bytes, (name) => name.startsWith(dir));
  const obj = files[entry.model];
  if (!obj) throw new Error(`${entry.library}.sh3f has no ${entry.model}`);
  const asset = parseObj(new TextDecoder().decode(obj), `${entry.library}.sh3f:${entry.model}`, (
    path,
  ) => files[dir + path.replace(/^\.\//, "")]);
  const r = entry.rotation;
  if (r) {
    for (const part of asset.parts) {
      for (const array of [part.mesh.positions, part.mesh.normals]) {
        for (let i = 0; i < array.length; i += 3) {
          const [x, y, z] = [array[i], array[i + 1], array[i + 2]];
          array[i] = r[0] * x + r[1] * y + r[2] * z;
          array[i + 1] = r[3] * x + r[4] * y + r[5] * z;
          array[i + 2] = r[6] * x + r[7] * y + r[8] * z;
        }
      }
    }
  }
  const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
  for (const part of asset.parts) {
    const p = part.mesh.positions;
    for (let i = 0; i < p.length; i += 3) {
      for (let c = 0; c < 3; c++) {
        min[c] = Math.min(min[c], p[i + c]);
        max[c] = Math.max(max[c], p[i + c]);
      }
    }
  }
  const scale = [0, 1, 2].map((c) => max[c] > min[c] ? entry.size[c] / (max[c] - min[c]) : 1);
  const offset = [-(min[0] + max[0]) / 2, -min[1], -(min[2] + max[2]) / 2];
  for (const part of asset.parts) {
    const p = part.mesh.positions, n = part.mesh.normals;
    for (let i = 0; i < p.length; i += 3) {
      for (let c = 0; c < 3; c++) p[i + c] = (p[i + c] + offset[c]) * scale[c];
      // normals of a non-uniformly scaled mesh scale by the inverse
      const nx = n[i] / scale[0], ny = n[i + 1] / scale[1], nz = n[i + 2] / scale[2];
      const length = Math.hypot(nx, ny, nz);
      // a zero normal (some files have them) shades as +Y, as glTF import makes it
      if (length === 0) n.set([0, 1, 0], i);
      else {
        n[i] = nx / length;
        n[i + 1] = ny / length;
        n[i + 2] = nz / length;
      }
    }
  }
  return { parts: asset.parts, bounds: catalogueBounds(entry) };
}

/** A model's box at its catalogue size: standing on y = 0, centred on x and z. */
export function catalogueBounds(entry: FurnitureEntry): ImportedAsset["bounds"] {
  const [w, h, d] = entry.size;
  return { min: [-w / 2, 0, -d / 2], max: [w / 2, h, d / 2] };
}

/** What a dataset's credits.json says about one model. */
export function furnitureCredit(entry: FurnitureEntry) {
  return {
    asset: `library:${entry.id}`,
    model: `${entry.library}/${entry.id}`,
    name: entry.name,
    creator: entry.creator,
    licence: entry.licence,
    licence_url: entry.licenceUrl,
    source: `${entry.library}.sh3f (Sweet Home 3D furniture library, Debian package ` +
      `${FURNITURE_PACKAGE}; models from blendswap.com and their authors)`,
  };
}

/** Levenshtein distance (for "did you mean"). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Java .properties: key=value lines, `\` continuations, `\uXXXX` and `\:`-style escapes. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^\s+/, "");
    if (line === "" || line[0] === "#" || line[0] === "!") continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^\s+/, "");
    }
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m) continue;
    out.set(unescape(m[1]), unescape(m[2]));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(
    /\\(u[0-9a-fA-F]{4}|.)/g,
    (_, e: string) =>
      e.length === 5
        ? String.fromCharCode(parseInt(e.slice(1), 16))
        : ({ t: "\t", n: "\n", r: "\r", f: "\f" } as Record<string, string>)[e] ?? e,
  );
}

function catalogueEntries(props: Map<string, string>, library: FurnitureLibraryName) {
  const entries: FurnitureEntry[] = [];
  const { licence, url } = FURNITURE_LIBRARIES[library];
  for (let n = 1; props.has(`id#${n}`); n++) {
    const get = (key: string) => props.get(`${key}#${n}`);
    const model = get("model")?.replace(/^\//, "");
    if (!model || !model.endsWith(".obj")) continue;
    const cm = (key: string) => Number(get(key) ?? 0) / 100;
    const rotation = get("modelRotation")?.trim().split(/\s+/).map(Number);
    entries.push({
      id: model.slice(model.lastIndexOf("/") + 1, -4),
      library,
      name: get("name") ?? model,
      category: get("category") ?? "",
      tags: (get("tags") ?? "").split(",").map((t) => t.trim()).filter(Boolean),
      creator: get("creator") ?? "unknown",
      licence,
      licenceUrl: url,
      size: [cm("width"), cm("height"), cm("depth")],
      model,
      rotation: rotation?.length === 9 ? rotation : undefined,
    });
  }
  return entries;
}
