/** `deno task merge DIR [--verify] [--clean]`: the command over mergeManifests (engine/dataset/merge.ts). */
import { parseCommandLine, UsageError } from "./args.ts";
import { mergeManifests, type MergeReport } from "../dataset/merge.ts";

/** A short list of clip indices for messages: "3, 7, 9 … (120 in all)". */
function shortList(clips: number[]): string {
  const head = clips.slice(0, 10).join(", ");
  return clips.length > 10 ? `${head} … (${clips.length} in all)` : head;
}

export const FLAGS = {
  verify: {
    type: "boolean",
    description: "check every clip's files, not only that its folder exists",
  },
  clean: {
    type: "boolean",
    description: "remove leftovers of killed runs (only once no shard is running)",
  },
  help: { type: "boolean", description: "show this help" },
} as const;

export async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, {
    name: "deno task merge DIR",
    summary: "Merge per-shard manifests (manifest.shard-i-of-N.jsonl) into DIR/manifest.jsonl.",
    flags: FLAGS,
    check(args) {
      if (args._.length !== 1) {
        throw new UsageError("expected one dataset folder: deno task merge DIR");
      }
    },
  });
  if (typeof args === "number") return args;
  const dir = args._[0];
  let report: MergeReport;
  try {
    report = await mergeManifests(dir, {
      verify: Boolean(args.verify),
      clean: Boolean(args.clean),
    });
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  console.error(`read ${report.shardFiles.length} shard manifest(s)`);
  for (const b of report.broken) {
    console.error(`clip ${b.clip} listed as ok but ${b.problems.join("; ")}`);
  }
  if (report.leftovers.length > 0) {
    console.error(
      `${
        args.clean ? "removed" : "left by killed runs (remove with --clean once no shard runs)"
      }: ` +
        report.leftovers.join(", "),
    );
  }
  console.error(`${dir}/manifest.jsonl: ${report.ok} of ${report.clips} clips ok`);
  if (report.failed.length > 0) console.error(`failed: ${shortList(report.failed)}`);
  if (report.missing.length > 0) {
    console.error(
      `missing: ${shortList(report.missing)} (rerun their shards; finished clips are kept)`,
    );
  }
  return report.ok === report.clips ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
