/** `deno task pack DIR [--target-size 1GB] [--out DIR]`: the command over packDataset (engine/dataset/pack.ts). */
import { parseCommandLine, UsageError } from "./args.ts";
import { MIN_TARGET_SIZE, packDataset, PackError } from "../dataset/pack.ts";

/** "1GB" → 1e9, "512MiB" → 512·2^20, "1000" → 1000. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?$/i.exec(text.trim());
  if (!m) {
    throw new UsageError(`--target-size expects a size such as 1GB, 500MB or 2GiB, got "${text}"`);
  }
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40,
  };
  const bytes = Math.floor(Number(m[1]) * units[(m[2] ?? "b").toLowerCase()]);
  if (bytes < MIN_TARGET_SIZE) {
    throw new UsageError(`--target-size must be at least ${MIN_TARGET_SIZE} bytes, got "${text}"`);
  }
  return bytes;
}

export const FLAGS = {
  "target-size": { type: "string", description: "shard size, e.g. 1GB (default), 500MB, 2GiB" },
  out: { type: "string", description: "output folder (default DIR/wds)" },
  help: { type: "boolean", description: "show this help" },
} as const;

export async function main(argv: string[]): Promise<number> {
  let targetSize = 1e9;
  const args = parseCommandLine(argv, {
    name: "deno task pack DIR",
    summary: "Pack a dataset folder into WebDataset tar shards with an index.json.",
    flags: FLAGS,
    check(args) {
      if (args._.length !== 1) {
        throw new UsageError("expected one dataset folder: deno task pack DIR");
      }
      if (args["target-size"] !== undefined) targetSize = parseSize(args["target-size"] as string);
    },
  });
  if (typeof args === "number") return args;
  const dir = args._[0];
  const started = performance.now();
  try {
    const index = await packDataset(dir, { targetSize, out: args.out as string | undefined });
    const bytes = index.shards.reduce((n, s) => n + s.bytes, 0);
    const out = (args.out as string | undefined) ?? `${dir.replace(/\/+$/, "")}/wds`;
    console.error(
      `packed ${index.clips} clip(s) into ${index.shards.length} shard(s), ${
        (bytes / 1e6).toFixed(1)
      } MB, ` +
        `in ${
          ((performance.now() - started) / 1000).toFixed(1)
        } s: ${out}/${index.pattern} + index.json`,
    );
    if (index.clips < (index.dataset.clips as number)) {
      console.error(
        `note: the dataset has ${index.dataset.clips} clips; only ${index.clips} are finished`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof PackError || error instanceof Deno.errors.NotFound) {
      console.error(`error: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
