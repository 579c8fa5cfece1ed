/**
 * Resume: picking up a dataset folder that a killed (or finished) run left.
 *
 * - dataset.json says which run a folder holds. A run of another scene, seed,
 *   size, … in the same folder is an error, never a silent mix.
 * - A clip folder exists only once the runner renamed it into place whole, but
 *   disks and people can still damage it, so each finished clip is checked:
 *   labels.json and captions.json parse and name the clip, every .npy header
 *   parses with the expected dtype and shape and the file has exactly that many
 *   bytes, rgb.mp4 starts with an ftyp box, preview.png with the PNG signature,
 *   audio .wav files hold their RIFF length. Clips that fail are removed and redone.
 * - Checks read headers only (a few KB per clip), so resuming 1000 clips is quick.
 */
import type { GtFormat } from "../config/gt_format.ts";
import { frameFile } from "./gt_png16.ts";
import { writeJsonAtomic } from "./atomic.ts";
import type { OutputName } from "../config/scene_file.ts";

export class ResumeError extends Error {
  override name = "ResumeError";
}

/** dataset.json fields that must agree for two runs to share a folder. */
export const IDENTITY_FIELDS = [
  "generator",
  "name",
  "scene_sha256",
  "seed",
  "clips",
  "frames",
  "fps",
  "size",
  "outputs",
  "plugins",
  "quality",
] as const;

/** SHA-256 of the scene file's bytes, hex: tells two scenes with one name apart. */
export async function sceneDigest(file: string): Promise<string> {
  const bytes = await Deno.readFile(file);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Makes sure `out/dataset.json` describes this run: writes it when absent (and
 * reads it back, so two different runs starting together cannot both win),
 * accepts it when the identity fields agree, throws otherwise. With `require`,
 * a folder without dataset.json is an error (`--resume` means "continue a run").
 */
export async function claimDataset(
  out: string,
  dataset: Record<string, unknown>,
  require = false,
): Promise<"new" | "resumed"> {
  const path = `${out}/dataset.json`;
  const existing = await readJsonIfExists(path);
  if (existing === undefined) {
    if (require) {
      throw new ResumeError(`--resume: ${out} holds no run to resume (no dataset.json)`);
    }
    await writeJsonAtomic(path, dataset);
    const back = await readJsonIfExists(path);
    const clash = back === undefined ? ["dataset.json vanished"] : differences(back, dataset);
    if (clash.length > 0) throw mismatch(out, clash);
    return "new";
  }
  const clash = differences(existing, dataset);
  if (clash.length > 0) throw mismatch(out, clash);
  return "resumed";
}

function mismatch(out: string, clash: string[]) {
  return new ResumeError(
    `${out} already holds a different run (${clash.join("; ")}). ` +
      "Use another --out folder, or delete this one to start over.",
  );
}

function differences(existing: Record<string, unknown>, wanted: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of IDENTITY_FIELDS) {
    const a = JSON.stringify(existing[key]);
    const b = JSON.stringify(wanted[key]);
    if (a !== b) out.push(`${key}: folder has ${a ?? "nothing"}, this run has ${b ?? "nothing"}`);
  }
  return out;
}

async function readJsonIfExists(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ResumeError(`${path} is not valid JSON; it was not written by synthvid`);
  }
}

/** What a finished clip must look like. */
export interface ClipExpectation {
  seed: number;
  frames: number;
  width: number;
  height: number;
  outputs: readonly OutputName[];
  /** How the arrays are stored (npy when not given: datasets written before gt_format). */
  gtFormat?: GtFormat;
}

/** What resume recovers from a finished clip's files (for its manifest line). */
export interface FinishedClip {
  clip: number;
  events: { verb: string }[];
  captions: unknown[];
  assets?: string[];
}

const NPY_SHAPES: Partial<
  Record<OutputName, { file: string; channels: number[]; dtypes: string[] }>
> = {
  depth: { file: "depth.npy", channels: [], dtypes: ["<f4"] },
  normals: { file: "normals.npy", channels: [3], dtypes: ["<f2"] },
  instance: { file: "instance.npy", channels: [], dtypes: ["<u2", "<u4"] },
  flow: { file: "flow.npy", channels: [2], dtypes: ["<f4"] },
};

const ITEM_SIZE: Record<string, number> = { "<f4": 4, "<f2": 2, "<u2": 2, "<u4": 4 };

/**
 * Checks one finished clip folder. Returns the clip's events and captions when
 * it is whole, or a list of problems.
 */
export async function checkClip(
  dir: string,
  clip: number,
  expect: ClipExpectation,
): Promise<{ ok: true; clip: FinishedClip } | { ok: false; problems: string[] }> {
  const problems: string[] = [];
  const { frames: T, width: W, height: H } = expect;
  const labels = await readJsonFile(`${dir}/labels.json`, problems);
  if (labels) {
    const size = JSON.stringify(labels.size);
    if (labels.clip !== clip) problems.push(`labels.json: clip ${labels.clip}, expected ${clip}`);
    if (labels.seed !== expect.seed) {
      problems.push(`labels.json: seed ${labels.seed}, expected ${expect.seed}`);
    }
    if (labels.frames !== T) problems.push(`labels.json: ${labels.frames} frames, expected ${T}`);
    if (size !== JSON.stringify([W, H])) {
      problems.push(`labels.json: size ${size}, expected [${W},${H}]`);
    }
    if (!Array.isArray(labels.events)) problems.push("labels.json: events is not a list");
  }
  const captions = await readJsonFile(`${dir}/captions.json`, problems);
  if (captions && (captions.clip !== clip || !Array.isArray(captions.captions))) {
    problems.push("captions.json: wrong clip or no captions list");
  }
  const format = expect.gtFormat ?? "npy";
  for (const output of expect.outputs) {
    const npy = NPY_SHAPES[output];
    if (!npy) continue;
    if (format === "npy") {
      problems.push(
        ...await checkNpy(`${dir}/${npy.file}`, [T, H, W, ...npy.channels], npy.dtypes),
      );
    } else if (format === "npz") problems.push(...await checkNpz(`${dir}/${output}.npz`));
    else {
      for (let t = 0; t < T; t++) {
        problems.push(...await checkPng(`${dir}/${frameFile(output, t)}`));
      }
    }
  }
  if (expect.outputs.includes("rgb_frames")) {
    for (let t = 0; t < T; t++) problems.push(...await checkPng(`${dir}/${frameFile("rgb", t)}`));
  }
  if (expect.outputs.includes("rgb")) {
    problems.push(...await checkMagic(`${dir}/rgb.mp4`, 4, "ftyp"));
  }
  if (expect.outputs.includes("preview")) {
    problems.push(...await checkMagic(`${dir}/preview.png`, 0, "\x89PNG\r\n\x1a\n"));
  }
  problems.push(...await checkAudio(dir));
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    clip: {
      clip,
      events: labels!.events as { verb: string }[],
      captions: captions!.captions as unknown[],
      assets: labels!.assets as string[] | undefined,
    },
  };
}

async function readJsonFile(
  path: string,
  problems: string[],
): Promise<Record<string, unknown> | undefined> {
  const name = path.replace(/^.*\//, "");
  try {
    const value = JSON.parse(await Deno.readTextFile(path));
    if (value && typeof value === "object") return value;
    problems.push(`${name}: not a JSON object`);
  } catch (error) {
    problems.push(
      `${name}: ${error instanceof Deno.errors.NotFound ? "missing" : "does not parse"}`,
    );
  }
  return undefined;
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

async function openOrProblem(path: string, problems: string[]): Promise<Deno.FsFile | undefined> {
  try {
    return await Deno.open(path, { read: true });
  } catch (error) {
    const name = path.replace(/^.*\//, "");
    problems.push(
      `${name}: ${error instanceof Deno.errors.NotFound ? "missing" : (error as Error).message}`,
    );
    return undefined;
  }
}

/** An .npy file whose header parses with one of `dtypes`, shape `shape`, and exactly that much data. */
export async function checkNpy(path: string, shape: number[], dtypes: string[]): Promise<string[]> {
  const problems: string[] = [];
  const name = path.replace(/^.*\//, "");
  const file = await openOrProblem(path, problems);
  if (!file) return problems;
  try {
    const size = (await file.stat()).size;
    const head = await readAt(file, 0, 12);
    const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
    if (head.length < 10 || magic.some((b, i) => head[i] !== b) || head[6] < 1 || head[6] > 3) {
      return [`${name}: not an .npy file`];
    }
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const wide = head[6] > 1;
    if (wide && head.length < 12) return [`${name}: truncated header`];
    const headerLength = wide ? view.getUint32(8, true) : view.getUint16(8, true);
    const start = wide ? 12 : 10;
    const header = new TextDecoder().decode(await readAt(file, start, headerLength));
    const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
    const dims = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
    if (
      header.length < headerLength || !descr || dims === undefined ||
      /'fortran_order'\s*:\s*True/.test(header)
    ) {
      return [`${name}: header does not parse`];
    }
    const found = dims.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
    if (!dtypes.includes(descr)) {
      problems.push(`${name}: dtype ${descr}, expected ${dtypes.join(" or ")}`);
    }
    if (JSON.stringify(found) !== JSON.stringify(shape)) {
      problems.push(`${name}: shape [${found}], expected [${shape}]`);
    }
    const expected = start + headerLength +
      shape.reduce((a, b) => a * b, 1) * (ITEM_SIZE[descr] ?? 0);
    if (problems.length === 0 && size !== expected) {
      problems.push(`${name}: ${size} bytes, expected ${expected}`);
    }
  } finally {
    file.close();
  }
  return problems;
}

/** A zip that starts with a local header and ends with its end-of-directory record. */
async function checkNpz(path: string): Promise<string[]> {
  const problems = await checkMagic(path, 0, "PK\x03\x04");
  if (problems.length > 0) return problems;
  const size = (await Deno.stat(path)).size;
  return checkMagic(path, size - 22, "PK\x05\x06", "truncated (no end of central directory)");
}

/** A PNG from its signature to its IEND chunk. */
async function checkPng(path: string): Promise<string[]> {
  const problems = await checkMagic(path, 0, "\x89PNG\r\n\x1a\n");
  if (problems.length > 0) return problems;
  const size = (await Deno.stat(path)).size;
  return checkMagic(path, size - 8, "IEND\xaeB`\x82", "truncated (no IEND)");
}

/** A non-empty file starting with `magic` at `offset`. */
async function checkMagic(
  path: string,
  offset: number,
  magic: string,
  problem = "empty or not the expected format",
): Promise<string[]> {
  const problems: string[] = [];
  const file = await openOrProblem(path, problems);
  if (!file) return problems;
  try {
    const bytes = await readAt(file, offset, magic.length);
    const text = String.fromCharCode(...bytes);
    if (text !== magic) {
      // a png16 frame is named with its output's folder: depth/00003.png
      const parts = path.split("/");
      const inFolder = ["rgb", "depth", "normals", "instance", "flow", "alpha"].includes(
        parts.at(-2)!,
      );
      const name = parts.slice(inFolder ? -2 : -1).join("/");
      problems.push(`${name}: ${problem}`);
    }
  } finally {
    file.close();
  }
  return problems;
}

/** audio.json parses and every .wav under audio/ holds as many bytes as its RIFF header says. */
async function checkAudio(dir: string): Promise<string[]> {
  const problems: string[] = [];
  let exists = false;
  try {
    exists = (await Deno.stat(`${dir}/audio.json`)).isFile;
  } catch {
    // No audio.json: the clip has no audio.
  }
  const audio = exists ? await readJsonFile(`${dir}/audio.json`, problems) : undefined;
  // The files audio.json names (the mix and each source's stem) must be there.
  const sources = Array.isArray(audio?.sources) ? audio.sources as { stem?: unknown }[] : [];
  for (const file of [audio?.mix, ...sources.map((s) => s.stem)]) {
    if (typeof file !== "string") continue;
    try {
      await Deno.stat(`${dir}/${file}`);
    } catch {
      problems.push(`audio.json names ${file}, which is missing`);
    }
  }
  for (const wav of await listFiles(`${dir}/audio`)) {
    const file = await openOrProblem(wav, problems);
    if (!file) continue;
    try {
      const head = await readAt(file, 0, 12);
      const size = (await file.stat()).size;
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      const riff = head.length === 12 && String.fromCharCode(...head.subarray(0, 4)) === "RIFF";
      if (!riff || view.getUint32(4, true) + 8 !== size) {
        problems.push(`${wav.slice(dir.length + 1)}: bad RIFF length`);
      }
    } finally {
      file.close();
    }
  }
  return problems;
}

/** Every file under `dir` (recursively), sorted; [] when `dir` does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) out.push(...await listFiles(path));
      else if (entry.isFile) out.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

export interface ResumePlan {
  /** Clips to render (missing, failed, or damaged), in order. */
  todo: number[];
  /** Finished clips kept as they are. */
  kept: number[];
  /** Kept clips whose manifest line was lost (killed between rename and manifest write). */
  recovered: FinishedClip[];
  /** Damaged clip folders that were removed, with why. */
  removed: { clip: number; problems: string[] }[];
}

/**
 * Sorts `clips` into kept and to-do. `dirOf` names a clip's folder; `listed`
 * says whether the manifest already has an ok line for a clip.
 */
export async function planResume(
  out: string,
  clips: readonly number[],
  dirOf: (clip: number) => string,
  expect: ClipExpectation,
  listed: (clip: number) => boolean,
): Promise<ResumePlan> {
  const plan: ResumePlan = { todo: [], kept: [], recovered: [], removed: [] };
  for (const clip of clips) {
    const dir = `${out}/${dirOf(clip)}`;
    let exists = false;
    try {
      exists = (await Deno.stat(dir)).isDirectory;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    if (!exists) {
      plan.todo.push(clip);
      continue;
    }
    const result = await checkClip(dir, clip, expect);
    if (result.ok) {
      plan.kept.push(clip);
      if (!listed(clip)) plan.recovered.push(result.clip);
    } else {
      await Deno.remove(dir, { recursive: true });
      plan.removed.push({ clip, problems: result.problems });
      plan.todo.push(clip);
    }
  }
  return plan;
}

/**
 * Removes what a killed run of this shard left behind: its partial folder and
 * temp copies of its manifest (and, for an unsharded run, which owns the folder,
 * of dataset.json). Other shards' leftovers are theirs (they may be running);
 * `deno task merge --clean` removes them once all are done.
 */
export async function removeLeftovers(
  out: string,
  partial: string,
  manifest: string,
  sharded: boolean,
): Promise<void> {
  await Deno.remove(`${out}/${partial}`, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  const prefixes = sharded ? [`${manifest}.tmp-`] : [`${manifest}.tmp-`, "dataset.json.tmp-"];
  for await (const entry of Deno.readDir(out)) {
    if (entry.isFile && prefixes.some((p) => entry.name.startsWith(p))) {
      await Deno.remove(`${out}/${entry.name}`).catch(() => {});
    }
  }
}
