// One small summary per clip for the index page: what the grid, the filters and the charts need,
// so the browser does not have to download every labels.json (they carry per-frame poses).
// Clips come from manifest.jsonl when there is one, otherwise from the clip folders on disk.
// Summaries are cached by labels.json modification time, so a dataset still being rendered can
// be reloaded cheaply.

import { resolveInside } from "./safe_path.ts";

export interface ClipSummary {
  clip: number | string;
  /** Folder of the clip, relative to the dataset root. */
  dir: string;
  status: string;
  frames: number | null;
  fps: number | null;
  size: [number, number] | null;
  shard: string | null;
  error: string | null;
  captions: string[];
  events: { verb: string; label: string | null; start: number; end: number }[];
  /** Object counts per class. */
  classes: Record<string, number>;
  /** Object counts per material colour name, where the engine recorded one. */
  colors: Record<string, number>;
  /** Scalar values from `sampled` ("sampled.<key>.<option>") and `plugins` ("recorded.<key>.<name>"). */
  values: Record<string, (string | number | boolean)[]>;
  files: { preview: boolean; video: boolean; labels: boolean; audio: boolean };
}

export interface DatasetIndex {
  root: string;
  dataset: unknown;
  clips: ClipSummary[];
  /** Lines of manifest.jsonl that were not valid JSON (a run writing while we read, say). */
  skippedLines: number;
}

type Json = Record<string, unknown>;

const cache = new Map<string, { mtime: number; summary: Partial<ClipSummary> }>();

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function readJson(root: string, relative: string): Promise<unknown> {
  const resolved = await resolveInside(root, relative);
  if (!resolved.ok || !resolved.isFile) return undefined;
  try {
    return JSON.parse(await Deno.readTextFile(resolved.path));
  } catch {
    return undefined;
  }
}

async function fileExists(root: string, relative: string): Promise<boolean> {
  const resolved = await resolveInside(root, relative);
  return resolved.ok && resolved.isFile;
}

/** Captions may be strings or {style, text} records, bare or under a `captions` key. */
export function captionTexts(value: unknown): string[] {
  const list = isRecord(value) ? value.captions : value;
  if (!Array.isArray(list)) return [];
  return list.flatMap((c) => {
    if (typeof c === "string") return [c];
    if (isRecord(c) && typeof c.text === "string") return [c.text];
    return [];
  });
}

type Scalar = string | number | boolean;

/** sRGB 0..1 triple → "#rrggbb". */
function hexColor(rgb: number[]): string {
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  return "#" + rgb.slice(0, 3).map((v) => byte(v).toString(16).padStart(2, "0")).join("");
}

function isColorTriple(key: string, value: unknown): value is number[] {
  return /colou?r$/i.test(key) && Array.isArray(value) && value.length >= 3 && value.length <= 4 &&
    value.every((v) => typeof v === "number");
}

/**
 * Flattens nested option records into "prefix.a.b" → values. Lists of records (lights, say)
 * become "prefix.lights[].type" with one value per element; colour triples become "#rrggbb";
 * other arrays (positions, matrices) and long strings are left out. `objects` lists are
 * skipped: the per-object class and colour charts cover them.
 */
function flattenScalars(
  value: unknown,
  prefix: string,
  out: Record<string, Scalar[]>,
  depth = 0,
): void {
  const add = (key: string, v: Scalar) => {
    (out[key] ??= []).push(v);
  };
  const key = prefix.slice(prefix.lastIndexOf(".") + 1);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    if (typeof value !== "string" || value.length <= 80) add(prefix, value);
    return;
  }
  if (isColorTriple(key, value)) {
    add(prefix, hexColor(value));
    return;
  }
  if (depth > 4) return;
  if (Array.isArray(value)) {
    if (key === "objects" || key.endsWith("[]")) return;
    for (const item of value) {
      if (isRecord(item)) flattenScalars(item, `${prefix}[]`, out, depth + 1);
    }
    return;
  }
  if (!isRecord(value)) return;
  for (const [child, v] of Object.entries(value)) {
    flattenScalars(v, `${prefix}.${child}`, out, depth + 1);
  }
}

/** sRGB of a linear channel (the engine stores material colours linear). */
function linearToSrgb(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
}

/** An object's colour for the colour chart: its name when a plugin gave one, else its hex. */
function objectColor(object: Json, sampledObjects: Json[]): string | null {
  const material = isRecord(object.material) ? object.material : {};
  if (typeof material.colorName === "string") return material.colorName;
  const sampled = sampledObjects.find((o) => o.id === object.id);
  if (sampled && isColorTriple("color", sampled.color)) return hexColor(sampled.color);
  if (isColorTriple("color", material.color)) return hexColor(material.color.map(linearToSrgb));
  return null;
}

function countInto(counts: Record<string, number>, key: unknown): void {
  if (typeof key !== "string" || key === "") return;
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The parts of a summary that come from labels.json. */
export function summarizeLabels(labels: unknown): Partial<ClipSummary> {
  if (!isRecord(labels)) return {};
  const classes: Record<string, number> = {};
  const colors: Record<string, number> = {};
  const sampledScene = isRecord(labels.sampled) && isRecord(labels.sampled.scene)
    ? labels.sampled.scene
    : {};
  const sampledObjects = Array.isArray(sampledScene.objects)
    ? sampledScene.objects.filter(isRecord)
    : [];
  for (const object of Array.isArray(labels.objects) ? labels.objects : []) {
    if (!isRecord(object)) continue;
    countInto(classes, object.class);
    // The floor, walls and sky are scenery, not subjects: their colour would swamp the chart.
    if (!/^(floor|ground|wall|sky|background)$/.test(String(object.class))) {
      countInto(colors, objectColor(object, sampledObjects));
    }
  }
  const events = (Array.isArray(labels.events) ? labels.events : []).filter(isRecord).map((e) => ({
    verb: String(e.verb ?? "?"),
    label: typeof e.label === "string" ? e.label : null,
    start: Number(e.start ?? 0),
    end: Number(e.end ?? 0),
  }));
  const values: Record<string, Scalar[]> = {};
  if (isRecord(labels.sampled)) flattenScalars(labels.sampled, "sampled", values);
  if (isRecord(labels.plugins)) flattenScalars(labels.plugins, "recorded", values);
  const size = Array.isArray(labels.size) && labels.size.length === 2
    ? [Number(labels.size[0]), Number(labels.size[1])] as [number, number]
    : null;
  return {
    frames: typeof labels.frames === "number" ? labels.frames : null,
    fps: typeof labels.fps === "number" ? labels.fps : null,
    size,
    classes,
    colors,
    events,
    values,
  };
}

async function labelsSummary(root: string, dir: string): Promise<Partial<ClipSummary> | null> {
  const resolved = await resolveInside(root, `${dir}/labels.json`);
  if (!resolved.ok || !resolved.isFile) return null;
  const mtime = (await Deno.stat(resolved.path)).mtime?.getTime() ?? 0;
  const cached = cache.get(resolved.path);
  if (cached && cached.mtime === mtime) return cached.summary;
  const summary = summarizeLabels(await readJson(root, `${dir}/labels.json`));
  cache.set(resolved.path, { mtime, summary });
  return summary;
}

/** Per-shard manifests of a sharded run (engine/dataset/shard.ts), until `deno task merge` joins them. */
const SHARD_MANIFEST = /^manifest\.shard-(\d+)-of-(\d+)\.jsonl$/;

async function readManifest(path: string, into: Map<string, Json>, shard: string | null) {
  let skipped = 0;
  for (const line of (await Deno.readTextFile(path)).split("\n")) {
    if (line.trim() === "") continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (!isRecord(entry) || typeof entry.dir !== "string") {
      skipped++;
      continue;
    }
    const key = cleanDir(entry.dir);
    // A clip that failed in one manifest and finished in another counts as finished.
    const earlier = into.get(key);
    if (earlier && earlier.status === "ok" && entry.status !== "ok") continue;
    into.set(key, shard !== null && entry.shard === undefined ? { ...entry, shard } : entry);
  }
  return skipped;
}

/**
 * Manifest lines (manifest.jsonl, then any per-shard manifests, whose clips are tagged with
 * their shard "i/N"), or one line per clip folder when there is no manifest at all.
 */
async function clipEntries(root: string): Promise<{ entries: Json[]; skipped: number }> {
  const byDir = new Map<string, Json>();
  let skipped = 0;
  let manifests = 0;
  const main = await resolveInside(root, "manifest.jsonl");
  if (main.ok && main.isFile) {
    skipped += await readManifest(main.path, byDir, null);
    manifests++;
  }
  const shardFiles: { name: string; shard: string }[] = [];
  for await (const entry of Deno.readDir(root)) {
    const match = SHARD_MANIFEST.exec(entry.name);
    if (match) shardFiles.push({ name: entry.name, shard: `${match[1]}/${match[2]}` });
  }
  shardFiles.sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  for (const { name, shard } of shardFiles) {
    const resolved = await resolveInside(root, name);
    if (!resolved.ok || !resolved.isFile) continue;
    skipped += await readManifest(resolved.path, byDir, shard);
    manifests++;
  }
  if (manifests > 0) {
    const entries = [...byDir.values()];
    entries.sort((a, b) =>
      typeof a.clip === "number" && typeof b.clip === "number"
        ? a.clip - b.clip
        : String(a.dir).localeCompare(String(b.dir))
    );
    return { entries, skipped };
  }
  const entries: Json[] = [];
  for await (const entry of Deno.readDir(root)) {
    if (!entry.isDirectory) continue;
    const hasClip = await fileExists(root, `${entry.name}/labels.json`) ||
      await fileExists(root, `${entry.name}/rgb.mp4`);
    if (hasClip) entries.push({ clip: entry.name, dir: entry.name, status: "ok" });
  }
  entries.sort((a, b) => String(a.dir).localeCompare(String(b.dir)));
  return { entries, skipped: 0 };
}

/** Strips the leading "./" and trailing "/" a writer may put on a manifest `dir`. */
function cleanDir(dir: string): string {
  return dir.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
}

export async function buildIndex(root: string): Promise<DatasetIndex> {
  const { entries, skipped } = await clipEntries(root);
  const clips: ClipSummary[] = [];
  for (const entry of entries) {
    const dir = cleanDir(String(entry.dir));
    const fromLabels = await labelsSummary(root, dir);
    const captions = captionTexts(entry.captions);
    if (captions.length === 0) {
      captions.push(...captionTexts(await readJson(root, `${dir}/captions.json`)));
    }
    clips.push({
      clip: typeof entry.clip === "number" || typeof entry.clip === "string" ? entry.clip : dir,
      dir,
      status: typeof entry.status === "string" ? entry.status : "ok",
      frames: typeof entry.frames === "number" ? entry.frames : fromLabels?.frames ?? null,
      fps: fromLabels?.fps ?? null,
      size: fromLabels?.size ?? null,
      shard: entry.shard === undefined || entry.shard === null ? null : String(entry.shard),
      error: typeof entry.error === "string" ? entry.error : null,
      captions,
      events: fromLabels?.events ?? [],
      classes: fromLabels?.classes ?? {},
      colors: fromLabels?.colors ?? {},
      values: fromLabels?.values ?? {},
      files: {
        preview: await fileExists(root, `${dir}/preview.png`),
        video: await fileExists(root, `${dir}/rgb.mp4`),
        labels: fromLabels !== null,
        audio: await fileExists(root, `${dir}/audio/mix.wav`),
      },
    });
  }
  return {
    root,
    dataset: await readJson(root, "dataset.json") ?? null,
    clips,
    skippedLines: skipped,
  };
}

/** Files of one clip folder (relative to the dataset root), recursively, for the clip page. */
export async function listClipFiles(root: string, dir: string): Promise<string[] | null> {
  const resolved = await resolveInside(root, cleanDir(dir));
  if (!resolved.ok || !resolved.isDirectory) return null;
  const files: string[] = [];
  const walk = async (relative: string, depth: number) => {
    if (depth > 3) return;
    for await (const entry of Deno.readDir(`${root}/${relative}`)) {
      const child = `${relative}/${entry.name}`;
      // Only what resolveInside accepts is listed, so a listed file is always servable.
      const inside = await resolveInside(root, child);
      if (!inside.ok) continue;
      if (inside.isDirectory && !entry.isSymlink) await walk(child, depth + 1);
      else if (inside.isFile) files.push(child);
    }
  };
  await walk(cleanDir(dir), 0);
  return files.sort();
}
