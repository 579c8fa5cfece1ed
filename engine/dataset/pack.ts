/**
 * Packs a finished dataset into
 * WebDataset-style tar shards for streaming training loaders (the command is
 * engine/cli/pack.ts: `deno task pack DIR --target-size 1GB`).
 *
 * - One sample per clip, its files next to each other under the key
 *   "clip_00000": clip_00000.rgb.mp4, clip_00000.depth.npy, clip_00000.labels.json,
 *   … Files in sub-folders are flattened with dots (audio/stems/rain.wav →
 *   clip_00000.audio.stems.rain.wav) because WebDataset splits key and extension
 *   at the first dot of the base name, so a "/" would change the key.
 * - Shards (shard-000000.tar, …) are closed before a sample would push them past
 *   the target size; a sample larger than the target gets a shard of its own.
 * - index.json lists every shard with its clips, and for each clip and file the
 *   byte offset and size, so a loader can also read one clip with a range request.
 * - The tar is written here (POSIX ustar, a PAX record for names over 100 bytes),
 *   deterministically: clips in order, files sorted, mode 0644, uid/gid 0, mtime 0.
 *   The same dataset packs to the same bytes.
 * Clips come from DIR/manifest.jsonl (status ok); after a sharded run, run
 * `deno task merge DIR` first.
 */
import { writeJsonAtomic } from "./atomic.ts";
import { listFiles } from "./resume.ts";
import { SHARD_MANIFEST } from "./shard.ts";

const BLOCK = 512;
/** The smallest shard size a pack accepts: a few tar blocks. */
export const MIN_TARGET_SIZE = 10 * BLOCK;
const MAX_USTAR_SIZE = 0o77777777777; // 11 octal digits

export class PackError extends Error {
  override name = "PackError";
}

export interface PackOptions {
  /** Close a shard before it would exceed this many bytes. */
  targetSize: number;
  /** Output folder (default DIR/wds). */
  out?: string;
}

export interface PackedFile {
  /** Name inside the clip folder, e.g. "rgb.mp4" or "audio/mix.wav". */
  file: string;
  /** Member name in the tar. */
  name: string;
  /** Offset of the file's data in the tar, and its size. */
  offset: number;
  size: number;
}

export interface PackedClip {
  key: string;
  clip: number;
  /** Offset of the sample's first header and the bytes the sample spans (headers, data, padding). */
  offset: number;
  bytes: number;
  files: PackedFile[];
}

export interface PackIndex {
  version: 1;
  dataset: Record<string, unknown>;
  target_size: number;
  /** WebDataset brace pattern naming all shards. */
  pattern: string;
  clips: number;
  shards: { file: string; bytes: number; clips: PackedClip[] }[];
}

const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

/** One 512-byte ustar header. */
function ustarHeader(name: Uint8Array, size: number, type: "0" | "x"): Uint8Array {
  if (size > MAX_USTAR_SIZE) {
    throw new PackError(`file of ${size} bytes is too large for a ustar member`);
  }
  const h = new Uint8Array(BLOCK);
  const put = (offset: number, text: string) => h.set(encoder.encode(text), offset);
  h.set(name.subarray(0, 100), 0);
  put(100, octal(0o644, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(size, 12));
  put(136, octal(0, 12));
  put(148, "        "); // checksum is computed with its own field as spaces
  put(156, type);
  put(257, "ustar\0");
  put(263, "00");
  let sum = 0;
  for (const b of h) sum += b;
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

/** A PAX extended header carrying a long path, then the member's own header. */
function memberHeaders(name: string, size: number): Uint8Array {
  const bytes = encoder.encode(name);
  if (bytes.length <= 100) return ustarHeader(bytes, size, "0");
  // A record is "<length> path=<name>\n" where <length> counts the whole record, itself included.
  const body = ` path=${name}\n`;
  let length = encoder.encode(body).length + 1;
  while (String(length).length + encoder.encode(body).length !== length) length++;
  const record = encoder.encode(`${length}${body}`);
  const short = encoder.encode(`PaxHeaders/${name}`.slice(0, 100));
  const out = new Uint8Array(BLOCK + padded(record.length) + BLOCK);
  out.set(ustarHeader(short, record.length, "x"), 0);
  out.set(record, BLOCK);
  out.set(ustarHeader(short, size, "0"), BLOCK + padded(record.length));
  return out;
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Finished clips listed in DIR/manifest.jsonl, in clip order. */
async function finishedClips(dir: string): Promise<{ clip: number; dir: string }[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/manifest.jsonl`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const shards = [];
    for await (const e of Deno.readDir(dir)) if (SHARD_MANIFEST.test(e.name)) shards.push(e.name);
    throw new PackError(
      shards.length > 0
        ? `${dir} has shard manifests but no manifest.jsonl: run \`deno task merge ${dir}\` first`
        : `${dir}/manifest.jsonl not found: is ${dir} a dataset folder?`,
    );
  }
  const clips = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l))
    .filter((e) => e.status === "ok")
    .map((e) => ({ clip: e.clip as number, dir: e.dir as string }));
  const seen = new Set<number>();
  for (const c of clips) {
    if (seen.has(c.clip)) throw new PackError(`manifest.jsonl lists clip ${c.clip} twice`);
    seen.add(c.clip);
  }
  return clips.sort((a, b) => a.clip - b.clip);
}

/** Packs `dir` into tar shards of about `targetSize` bytes; returns the index it wrote. */
export async function packDataset(dir: string, options: PackOptions): Promise<PackIndex> {
  dir = dir.replace(/\/+$/, "") || "/";
  const out = (options.out ?? `${dir}/wds`).replace(/\/+$/, "");
  const dataset = JSON.parse(await Deno.readTextFile(`${dir}/dataset.json`));
  const clips = await finishedClips(dir);
  await Deno.mkdir(out, { recursive: true });

  const shards: PackIndex["shards"] = [];
  let file: Deno.FsFile | undefined;
  let temp = "";
  let current: PackIndex["shards"][number] | undefined;
  const closeShard = async () => {
    if (!file || !current) return;
    await file.write(new Uint8Array(2 * BLOCK)); // end-of-archive marker
    current.bytes += 2 * BLOCK;
    file.close();
    await Deno.rename(temp, `${out}/${current.file}`);
    file = undefined;
  };
  try {
    for (const { clip, dir: clipDir } of clips) {
      const key = clipDir;
      const root = `${dir}/${clipDir}`;
      const paths = await listFiles(root);
      if (paths.length === 0) throw new PackError(`${root} is missing or empty but listed as ok`);
      const members = await Promise.all(paths.map(async (path) => {
        const rel = path.slice(root.length + 1);
        const name = `${key}.${rel.replaceAll("/", ".")}`;
        const size = (await Deno.stat(path)).size;
        return { path, rel, name, size, headers: memberHeaders(name, size) };
      }));
      const names = new Set(members.map((m) => m.name));
      if (names.size !== members.length) {
        throw new PackError(`${root}: two files flatten to one tar name`);
      }
      const sampleBytes = members.reduce((n, m) => n + m.headers.length + padded(m.size), 0);
      if (
        current && current.clips.length > 0 &&
        current.bytes + sampleBytes + 2 * BLOCK > options.targetSize
      ) {
        await closeShard();
        current = undefined;
      }
      if (!current) {
        current = {
          file: `shard-${String(shards.length).padStart(6, "0")}.tar`,
          bytes: 0,
          clips: [],
        };
        shards.push(current);
        temp = `${out}/${current.file}.tmp-${Deno.pid}`;
        file = await Deno.open(temp, { write: true, create: true, truncate: true });
      }
      const sample: PackedClip = {
        key,
        clip,
        offset: current.bytes,
        bytes: sampleBytes,
        files: [],
      };
      for (const m of members) {
        const data = await Deno.readFile(m.path);
        if (data.length !== m.size) throw new PackError(`${m.path} changed size while packing`);
        await writeAll(file!, m.headers);
        current.bytes += m.headers.length;
        sample.files.push({ file: m.rel, name: m.name, offset: current.bytes, size: m.size });
        await writeAll(file!, data);
        await writeAll(file!, new Uint8Array(padded(m.size) - m.size));
        current.bytes += padded(m.size);
      }
      current.clips.push(sample);
    }
    await closeShard();
  } finally {
    if (file) {
      file.close();
      await Deno.remove(temp).catch(() => {});
    }
  }
  // Shards of an earlier, larger pack into the same folder would otherwise look like part of this one.
  const ours = new Set(shards.map((s) => s.file));
  for await (const e of Deno.readDir(out)) {
    if (/^shard-\d+\.tar$/.test(e.name) && !ours.has(e.name)) await Deno.remove(`${out}/${e.name}`);
  }
  const last = String(Math.max(0, shards.length - 1)).padStart(6, "0");
  const index: PackIndex = {
    version: 1,
    dataset,
    target_size: options.targetSize,
    pattern: shards.length > 1 ? `shard-{000000..${last}}.tar` : "shard-000000.tar",
    clips: clips.length,
    shards,
  };
  await writeJsonAtomic(`${out}/index.json`, index);
  // The credits travel with the shards: whoever gets only the pack must still credit the assets.
  const credits = await Deno.readTextFile(`${dir}/credits.json`).catch(() => undefined);
  if (credits !== undefined) await writeJsonAtomic(`${out}/credits.json`, JSON.parse(credits));
  return index;
}

async function writeAll(file: Deno.FsFile, data: Uint8Array) {
  let written = 0;
  while (written < data.length) written += await file.write(data.subarray(written));
}
