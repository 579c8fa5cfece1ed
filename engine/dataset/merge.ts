/**
 * Joins the per-shard manifests of a sharded run into
 * DIR/manifest.jsonl (the command is engine/cli/merge.ts: `deno task merge DIR`).
 *
 * Why per-shard files: shards may run on different machines writing one shared
 * folder (NFS, a ReadWriteMany volume), where appends from several writers are
 * not atomic. Each shard rewrites only its own manifest.shard-i-of-N.jsonl
 * (atomically, by rename), so no two processes ever write the same file; merge
 * runs once they are done and is idempotent (run it again after a retry).
 *
 * Merge reads manifest.jsonl (an earlier merge or an unsharded run) and every
 * shard manifest, whatever N they were run with (clips are identical across
 * shardings). Per clip an "ok" line wins over "failed", and an "ok" line counts
 * only if its folder exists (with --verify: passes the resume checks). The
 * result is manifest.jsonl in clip order, byte-identical to what one process
 * rendering every clip writes. Shard manifests are left in place.
 */
import type { GtFormat } from "../config/gt_format.ts";
import { writeFileAtomic } from "./atomic.ts";
import { checkClip } from "./resume.ts";
import { SHARD_MANIFEST } from "./shard.ts";

export interface MergeOptions {
  /** Check every ok clip's files (headers, JSON) instead of only that its folder exists. */
  verify?: boolean;
  /** Remove leftovers of killed runs (.partial* folders, *.tmp-* files). Only when no shard is running. */
  clean?: boolean;
}

export interface MergeReport {
  /** Clips the dataset should have (dataset.json). */
  clips: number;
  ok: number;
  failed: number[];
  missing: number[];
  /** Shard manifest files read, in the order read. */
  shardFiles: string[];
  /** Listed as ok, but the folder is missing or damaged (counted as missing). */
  broken: { clip: number; problems: string[] }[];
  /** Leftovers of killed runs (removed when `clean`). */
  leftovers: string[];
}

interface Entry {
  clip: number;
  status: string;
  dir: string;
  line: string;
}

export async function mergeManifests(
  dir: string,
  options: MergeOptions = {},
): Promise<MergeReport> {
  dir = dir.replace(/\/+$/, "") || "/";
  let dataset: Record<string, unknown>;
  try {
    dataset = JSON.parse(await Deno.readTextFile(`${dir}/dataset.json`));
  } catch (error) {
    throw new Error(`${dir} is not a dataset folder (dataset.json: ${(error as Error).message})`);
  }
  const clips = dataset.clips as number;
  const shardFiles: { name: string; index: number; count: number }[] = [];
  const leftovers: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const m = SHARD_MANIFEST.exec(entry.name);
    if (m && entry.isFile) {
      shardFiles.push({ name: entry.name, index: Number(m[1]), count: Number(m[2]) });
    }
    if (
      (entry.isDirectory && entry.name.startsWith(".partial")) ||
      (entry.isFile && entry.name.includes(".tmp-"))
    ) {
      leftovers.push(entry.name);
    }
  }
  shardFiles.sort((a, b) => a.count - b.count || a.index - b.index);
  leftovers.sort();

  const best = new Map<number, Entry>();
  const take = (entry: Entry) => {
    const current = best.get(entry.clip);
    if (!current || current.status !== "ok" || entry.status === "ok") best.set(entry.clip, entry);
  };
  for (const name of ["manifest.jsonl", ...shardFiles.map((s) => s.name)]) {
    for (const entry of await readManifest(`${dir}/${name}`, clips)) take(entry);
  }

  const [W, H] = dataset.size as [number, number];
  const expect = {
    seed: dataset.seed as number,
    frames: dataset.frames as number,
    width: W,
    height: H,
    // deno-lint-ignore no-explicit-any
    outputs: dataset.outputs as any[],
    gtFormat: (dataset.gt_format as GtFormat | undefined) ?? "npy",
  };
  const broken: MergeReport["broken"] = [];
  for (const entry of [...best.values()]) {
    if (entry.status !== "ok") continue;
    const path = `${dir}/${entry.dir}`;
    let problems: string[] = [];
    if (options.verify) {
      const result = await checkClip(path, entry.clip, expect);
      if (!result.ok) problems = result.problems;
    } else if (!(await isDirectory(path))) {
      problems = ["folder is missing"];
    }
    if (problems.length > 0) {
      broken.push({ clip: entry.clip, problems });
      best.delete(entry.clip);
    }
  }

  const sorted = [...best.values()].sort((a, b) => a.clip - b.clip);
  await writeFileAtomic(`${dir}/manifest.jsonl`, sorted.map((e) => e.line + "\n").join(""));
  if (options.clean) {
    for (const name of leftovers) {
      await Deno.remove(`${dir}/${name}`, { recursive: true }).catch(() => {});
    }
  }
  const missing = [];
  for (let c = 0; c < clips; c++) if (!best.has(c)) missing.push(c);
  return {
    clips,
    ok: sorted.filter((e) => e.status === "ok").length,
    failed: sorted.filter((e) => e.status !== "ok").map((e) => e.clip),
    missing,
    shardFiles: shardFiles.map((s) => s.name),
    broken,
    leftovers,
  };
}

async function readManifest(path: string, clips: number): Promise<Entry[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const out: Entry[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1}: not a JSON line`);
    }
    const clip = value?.clip;
    if (!Number.isInteger(clip) || clip < 0 || clip >= clips || typeof value.dir !== "string") {
      throw new Error(
        `${path}:${i + 1}: clip ${JSON.stringify(clip)} is not one of this dataset's 0..${
          clips - 1
        }`,
      );
    }
    out.push({ clip, status: String(value.status), dir: value.dir, line });
  });
  return out;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
