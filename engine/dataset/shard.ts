/**
 * Shards: which clips one process of a multi-process run renders.
 *
 * `--shard i/N` is explicit; `--shard auto` reads the index (and count) that
 * the batch system gives each task:
 * - Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX (0..completions-1) but not
 *   the count, so the count comes from `--shards N` or SYNTHVID_SHARD_COUNT.
 * - Slurm job arrays set SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT and
 *   SLURM_ARRAY_TASK_MIN (and _STEP for `--array=0-98:2`); the index is
 *   (ID - MIN) / STEP, so `--array=1-100` works as well as `--array=0-99`.
 *
 * Shard i renders a contiguous block of clips, sizes differing by at most one.
 * A clip's content depends only on the seed and its index, never on the shard.
 */

export interface Shard {
  /** 0-based shard index. */
  index: number;
  /** Number of shards. */
  count: number;
}

export class ShardError extends Error {
  override name = "ShardError";
}

type Env = (name: string) => string | undefined;

const denoEnv: Env = (name) => Deno.env.get(name);

/**
 * Parses `--shard` ("i/N" or "auto"). `shards` is `--shards N` (only with auto);
 * `env` reads environment variables (injectable for tests).
 */
export function parseShard(spec: string, shards?: number, env: Env = denoEnv): Shard {
  if (spec === "auto") return autoShard(shards, env);
  if (shards !== undefined) {
    throw new ShardError(
      `--shards only goes with --shard auto (--shard ${spec} already names the count)`,
    );
  }
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new ShardError(`--shard expects INDEX/COUNT (e.g. 0/8) or "auto", got "${spec}"`);
  return checked(Number(m[1]), Number(m[2]), `--shard ${spec}`);
}

function autoShard(shards: number | undefined, env: Env): Shard {
  const k8sIndex = env("JOB_COMPLETION_INDEX");
  const slurmId = env("SLURM_ARRAY_TASK_ID");
  const countFrom = (fallback?: string): [number, string] | undefined => {
    if (shards !== undefined) return [shards, "--shards"];
    const fromEnv = env("SYNTHVID_SHARD_COUNT");
    if (fromEnv !== undefined) {
      return [integer(fromEnv, "SYNTHVID_SHARD_COUNT"), "SYNTHVID_SHARD_COUNT"];
    }
    if (fallback !== undefined) return [integer(env(fallback)!, fallback), fallback];
    return undefined;
  };
  if (k8sIndex !== undefined) {
    const index = integer(k8sIndex, "JOB_COMPLETION_INDEX");
    const count = countFrom();
    if (!count) {
      throw new ShardError(
        "--shard auto found JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) but no shard count: " +
          "pass --shards N or set SYNTHVID_SHARD_COUNT to the Job's completions",
      );
    }
    return checked(
      index,
      count[0],
      `JOB_COMPLETION_INDEX=${k8sIndex} with ${count[1]}=${count[0]}`,
    );
  }
  if (slurmId !== undefined) {
    const id = integer(slurmId, "SLURM_ARRAY_TASK_ID");
    const min = integer(env("SLURM_ARRAY_TASK_MIN") ?? "0", "SLURM_ARRAY_TASK_MIN");
    const step = integer(env("SLURM_ARRAY_TASK_STEP") ?? "1", "SLURM_ARRAY_TASK_STEP");
    const hasCount = env("SLURM_ARRAY_TASK_COUNT") !== undefined;
    const count = countFrom(hasCount ? "SLURM_ARRAY_TASK_COUNT" : undefined);
    if (!count) {
      throw new ShardError(
        "--shard auto found SLURM_ARRAY_TASK_ID but no SLURM_ARRAY_TASK_COUNT (or --shards N)",
      );
    }
    if (step < 1 || (id - min) % step !== 0) {
      throw new ShardError(
        `SLURM_ARRAY_TASK_ID=${id} is not on the array's grid (min ${min}, step ${step}); ` +
          "use a contiguous --array=0-(N-1) (a %K throttle is fine)",
      );
    }
    const index = (id - min) / step;
    return checked(
      index,
      count[0],
      `SLURM_ARRAY_TASK_ID=${id} (min ${min}, step ${step}) with ${count[1]}=${count[0]}; ` +
        "arrays must be contiguous ranges such as --array=0-(N-1)",
    );
  }
  throw new ShardError(
    "--shard auto needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID " +
      "(Slurm job array) in the environment; neither is set",
  );
}

function integer(raw: string, name: string): number {
  if (!/^\d+$/.test(raw.trim())) {
    throw new ShardError(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return Number(raw.trim());
}

function checked(index: number, count: number, source: string): Shard {
  if (count < 1) throw new ShardError(`${source}: the shard count must be at least 1`);
  if (index < 0 || index >= count) {
    throw new ShardError(`${source}: shard index ${index} is outside 0..${count - 1}`);
  }
  return { index, count };
}

/** The clips of shard `shard` among `clips` clips: a contiguous block, in order. */
export function shardClips(clips: number, shard: Shard): number[] {
  const start = Math.floor((shard.index * clips) / shard.count);
  const end = Math.floor(((shard.index + 1) * clips) / shard.count);
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** "shard-2-of-8": names this shard's manifest and partial folder. */
export function shardTag(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}`;
}

/** The manifest a run writes: manifest.jsonl alone, manifest.shard-i-of-N.jsonl per shard. */
export function manifestName(shard?: Shard): string {
  return shard ? `manifest.${shardTag(shard)}.jsonl` : "manifest.jsonl";
}

/** Where a run builds clips before renaming them into place; one per shard so shards never meet. */
export function partialName(shard?: Shard): string {
  return shard ? `.partial-${shardTag(shard)}` : ".partial";
}

/** The lock that keeps a second run of the same shard out of the folder (run_lock.ts). */
export function lockName(shard?: Shard): string {
  return shard ? `.lock-${shardTag(shard)}` : ".lock";
}

/** Matches a shard manifest's file name; groups: index, count. */
export const SHARD_MANIFEST = /^manifest\.shard-(\d+)-of-(\d+)\.jsonl$/;
