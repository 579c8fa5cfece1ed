/** `deno task render`: renders a scene into a dataset folder. */
import { type Quality, QUALITY_PRESETS } from "../scene/render_settings.ts";
import { parseCommandLine, UsageError } from "./args.ts";
import { formatFraming, summarizeFraming } from "../dataset/clip_quality.ts";
import { ResumeError } from "../dataset/resume.ts";
import { FolderLockedError } from "../dataset/run_lock.ts";
import { DiskFullError, renderDataset } from "../run/dataset_run.ts";
import { SceneError } from "../config/scene_file.ts";
import { GT_FORMATS, type GtFormat } from "../config/gt_format.ts";
import { manifestName, parseShard, type Shard, ShardError } from "../dataset/shard.ts";

export const FLAGS = {
  scene: { type: "string", description: "scene YAML file (default scenes/default.yaml)" },
  out: { type: "string", description: "output folder (default ./out)" },
  clips: { type: "integer", description: "number of clips (overrides the scene)" },
  seed: { type: "integer", description: "run seed (overrides the scene)" },
  frames: { type: "integer", description: "frames per clip (overrides the scene)" },
  fps: { type: "integer", description: "frames per second (overrides the scene)" },
  size: { type: "size", description: "frame size, e.g. 256x256 (overrides the scene)" },
  quality: {
    type: "string",
    description: "force a quality preset over the scene's: low | high | ultra (a quick preview)",
  },
  "gt-format": {
    type: "string",
    description:
      "how depth, normals, instance and flow are stored: npy | npz | png16 (overrides the scene)",
  },
  only: { type: "list", description: "render only these clip indices, e.g. 0,3" },
  "in-flight": { type: "integer", description: "frames in flight on the GPU (default 8)" },
  shard: {
    type: "string",
    description: 'render only shard I of N ("I/N"), or "auto" from Kubernetes/Slurm env',
  },
  shards: {
    type: "integer",
    description: "shard count for --shard auto (Kubernetes: the Job's completions)",
  },
  resume: { type: "boolean", description: "continue the run in --out (an error if there is none)" },
  quiet: { type: "boolean", description: "no progress output, only the final summary" },
  help: { type: "boolean", description: "show this help" },
} as const;

export async function main(argv: string[]): Promise<number> {
  let shard: Shard | undefined;
  const args = parseCommandLine(argv, {
    name: "deno task render",
    summary: "Render a labeled synthetic video dataset.",
    flags: FLAGS,
    check(args) {
      const quality = args.quality as string | undefined;
      if (quality !== undefined && !(quality in QUALITY_PRESETS)) {
        throw new UsageError(
          `--quality is one of ${Object.keys(QUALITY_PRESETS).join(", ")}, not "${quality}"`,
        );
      }
      const format = args["gt-format"] as string | undefined;
      if (format !== undefined && !(GT_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--gt-format is one of ${GT_FORMATS.join(", ")}, not "${format}"`);
      }
      if (args.shards !== undefined && args.shard === undefined) {
        throw new UsageError("--shards goes with --shard auto");
      }
      if (args.shard !== undefined) {
        if (args.only !== undefined) throw new UsageError("--only and --shard cannot be combined");
        try {
          shard = parseShard(args.shard as string, args.shards as number | undefined);
        } catch (error) {
          if (error instanceof ShardError) throw new UsageError(error.message);
          throw error;
        }
      }
      if (args._.length > 0) {
        throw new UsageError(`Unexpected argument "${args._[0]}" (use --scene FILE)`);
      }
      for (const k of ["clips", "frames", "fps"] as const) {
        if (args[k] === 0) throw new UsageError(`--${k} must be at least 1`);
      }
    },
  });
  if (typeof args === "number") return args;
  const size = args.size as [number, number] | undefined;
  const denied = await deniedPaths(
    (args.scene as string) ?? "scenes/default.yaml",
    (args.out as string) ?? "out",
  );
  if (denied) {
    console.error(`error: ${denied}`);
    return 2;
  }
  const quiet = Boolean(args.quiet);
  // Without a terminal (logs, batch jobs) a line per clip instead of a redrawn bar.
  const terminal = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  try {
    const summary = await renderDataset({
      scene: (args.scene as string) ?? "scenes/default.yaml",
      out: (args.out as string) ?? "out",
      overrides: {
        clips: args.clips as number | undefined,
        seed: args.seed as number | undefined,
        frames: args.frames as number | undefined,
        fps: args.fps as number | undefined,
        width: size?.[0],
        height: size?.[1],
        gtFormat: args["gt-format"] as GtFormat | undefined,
        quality: args.quality as Quality | undefined,
      },
      only: args.only as number[] | undefined,
      inFlight: args["in-flight"] as number | undefined,
      shard,
      resume: Boolean(args.resume),
      onClip(done, total, fps) {
        const width = 30;
        const filled = Math.round((done / total) * width);
        const bar = `[${"#".repeat(filled)}${
          " ".repeat(width - filled)
        }] ${done}/${total} clips · ${fps.toFixed(0)} fps`;
        if (quiet) return;
        if (!terminal) console.error(bar);
        else Deno.stderr.writeSync(encoder.encode(`\r${bar}${done === total ? "\n" : ""}`));
      },
    });
    const out = (args.out as string) ?? "out";
    console.error(
      (summary.kept ? `kept ${summary.kept} finished clip(s); ` : "") +
        `wrote ${
          summary.clips.length - summary.failed
        } clip(s), ${summary.frames} frames to ${out}/ in ${summary.seconds.toFixed(1)} s` +
        (summary.failed
          ? ` · ${summary.failed} FAILED (${
            summary.removed
              ? `nothing finished, ${out}/ removed`
              : `see ${out}/${manifestName(shard)}`
          })`
          : ""),
    );
    const framing = summarizeFraming(summary.clips, summary.config.framing.minFramed);
    if (framing) console.error(formatFraming(framing));
    return summary.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof DiskFullError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    if (
      error instanceof SceneError || error instanceof RangeError || error instanceof ResumeError ||
      error instanceof FolderLockedError
    ) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    if (
      error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotADirectory ||
      error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotFound ||
      (error as { code?: string }).code === "EROFS"
    ) {
      // A file system refusal (an --out that is a file, a read-only disk): no stack trace.
      console.error(`error: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

/**
 * `deno task render` (engine/cli/launch.ts) grants exactly the scene's folder and --out. Run
 * directly with narrower flags, say what is missing instead of failing mid-run.
 */
async function deniedPaths(scene: string, out: string): Promise<string | undefined> {
  const read = await Deno.permissions.query({ name: "read", path: scene });
  const write = await Deno.permissions.query({ name: "write", path: out });
  // Resume reads the output folder (dataset.json, manifests, finished clips' headers).
  const readOut = await Deno.permissions.query({ name: "read", path: out });
  if (read.state === "granted" && write.state === "granted" && readOut.state === "granted") {
    return undefined;
  }
  const what = read.state !== "granted"
    ? `read the scene "${scene}"`
    : write.state !== "granted"
    ? `write to "${out}"`
    : `read "${out}" (resuming reads the dataset folder)`;
  return `this run may not ${what}; \`npx deno task render --scene ${scene} --out ${out}\` ` +
    `grants exactly the scene's folder and the output folder`;
}

/**
 * Under the launcher, stdin is a pipe from it that is never written: when it closes, the
 * launcher is gone (even by SIGKILL) and the render stops (finished clips are kept; a rerun
 * resumes).
 */
function stopWithLauncher(): void {
  // `render --help` runs without env access: nothing launched it then
  const env = Deno.permissions.querySync({ name: "env", variable: "SYNTHVID_LAUNCHED" });
  if (env.state !== "granted" || Deno.env.get("SYNTHVID_LAUNCHED") !== "1") return;
  (async () => {
    const buffer = new Uint8Array(64);
    while ((await Deno.stdin.read(buffer)) !== null) { /* nothing is sent */ }
    console.error("error: the launcher is gone; stopping (a rerun resumes)");
    Deno.exit(143);
  })();
}

if (import.meta.main) {
  stopWithLauncher();
  Deno.exit(await main(Deno.args));
}
