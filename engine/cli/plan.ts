/**
 * `deno task plan --scene FILE --clips N`: samples clips (scene values,
 * plugin options, actions, captions) without rendering and prints how they
 * are distributed, so a 100 000-clip dataset can be checked before paying for
 * rendering. Planned captions equal rendered ones for the same seed.
 */
import { parseCommandLine, UsageError } from "./args.ts";
import { formatFraming, type FramingSummary, summarizeFraming } from "../dataset/clip_quality.ts";
import { nameSrgbColor } from "../caption/color_names.ts";
import { type CaptionStats, captionStats } from "../caption/stats.ts";
import { type ClipResult, planDataset, type RunSummary } from "../run/dataset_run.ts";
import { SceneError } from "../config/scene_file.ts";

const FLAGS = {
  scene: { type: "string", description: "scene YAML file (default scenes/default.yaml)" },
  clips: { type: "integer", description: "number of clips to plan (overrides the scene)" },
  seed: { type: "integer", description: "run seed (overrides the scene)" },
  frames: { type: "integer", description: "frames per clip (overrides the scene)" },
  json: { type: "boolean", description: "print the distribution as JSON" },
  examples: { type: "integer", description: "print this many example captions (default 3)" },
  help: { type: "boolean", description: "show this help" },
} as const;

/** Counts of each value, most common first. */
export type Histogram = [string, number][];

export interface PlanReport {
  clips: number;
  failed: number;
  secondsPerClip: number;
  actions: Histogram;
  classes: Histogram;
  colors: Histogram;
  materials: Histogram;
  cameraMoves: Histogram;
  lights: Histogram;
  settings: Histogram;
  /** Caption style → word-count statistics. */
  captionWords: Record<string, { min: number; mean: number; max: number }>;
  /** Caption style → vocabulary size and distinct-bigram ratio. */
  captionStats: Record<string, CaptionStats>;
  examples: { clip: number; style: string; text: string }[];
  /** How well the planned cameras frame the acting objects (frame edges only: nothing is rendered). */
  framing?: FramingSummary;
}

class Counter {
  readonly #counts = new Map<string, number>();
  add(key: string | undefined) {
    if (key === undefined) return;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }
  sorted(): Histogram {
    return [...this.#counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
}

interface FactsRecord {
  objects?: { class: string; color?: string; material?: string }[];
  camera?: { move: string; direction?: string; speed?: string };
  light?: { warmth?: string; brightness?: string; from?: string };
  setting?: { type?: string; walls?: string[]; sky?: string; background?: string };
}

/** The captioner facts of a clip (any plugin's `facts` record), if a fine captioner ran. */
function factsOf(clip: ClipResult): FactsRecord | undefined {
  for (const byName of Object.values(clip.records)) {
    if (byName.facts && typeof byName.facts === "object") return byName.facts as FactsRecord;
  }
  return undefined;
}

/** Summarises planned clips. */
export function planReport(summary: RunSummary, examples = 3): PlanReport {
  const c = {
    actions: new Counter(),
    classes: new Counter(),
    colors: new Counter(),
    materials: new Counter(),
    cameraMoves: new Counter(),
    lights: new Counter(),
    settings: new Counter(),
  };
  const words = new Map<string, number[]>();
  const texts = new Map<string, string[]>();
  const shown: PlanReport["examples"] = [];
  const ok = summary.clips.filter((r) => r.status === "ok");
  for (const clip of ok) {
    for (const e of clip.events) c.actions.add(e.verb);
    const facts = factsOf(clip);
    if (facts) {
      for (const o of facts.objects ?? []) {
        c.classes.add(o.class);
        c.colors.add(o.color);
        c.materials.add(o.material ?? "unnamed");
      }
      const cam = facts.camera;
      c.cameraMoves.add(
        cam ? [cam.move, cam.direction, cam.speed].filter(Boolean).join(" ") : "not recorded",
      );
      const l = facts.light;
      c.lights.add(
        l
          ? [l.warmth, l.brightness, l.from && `from ${l.from}`].filter(Boolean).join(" ")
          : "neutral",
      );
      const s = facts.setting;
      c.settings.add(
        s?.type === "room"
          ? `room, ${s.walls?.join(" and ") ?? ""} walls`
          : s?.type === "sky"
          ? `sky ${s.sky ?? "(image)"}`
          : s?.background
          ? `${s.background} background`
          : "unknown",
      );
    } else {
      // No fine captioner: fall back to what the scene sampled.
      const scene = clip.sampled.scene as {
        objects?: { mesh: string; color: number[] }[];
        lights?: { type: string; temperature?: number; intensity: number }[];
      };
      for (const o of scene?.objects ?? []) {
        c.classes.add(o.mesh);
        c.colors.add(nameSrgbColor(o.color));
      }
      for (const l of scene?.lights ?? []) {
        // Coarse bins so sampled ranges read as a distribution.
        const t = l.temperature;
        const warmth = t === undefined
          ? ""
          : t <= 4500
          ? ", warm"
          : t >= 6500
          ? ", cool"
          : ", neutral";
        const i = l.intensity;
        const brightness = i < 2 ? "dim" : i > 3.5 ? "bright" : "medium"; // as the captions say
        c.lights.add(`${l.type}${warmth}, ${brightness}`);
      }
    }
    for (const cap of clip.captions) {
      const n = cap.text.split(/\s+/).filter(Boolean).length;
      const list = words.get(cap.style) ?? [];
      list.push(n);
      words.set(cap.style, list);
      const sameStyle = texts.get(cap.style) ?? [];
      sameStyle.push(cap.text);
      texts.set(cap.style, sameStyle);
      if (
        shown.length < examples * Math.max(1, new Set(clip.captions.map((x) => x.style)).size) &&
        clip.clip < examples
      ) {
        shown.push({ clip: clip.clip, style: cap.style, text: cap.text });
      }
    }
  }
  const captionWords: PlanReport["captionWords"] = {};
  for (const [style, list] of words) {
    captionWords[style] = {
      min: Math.min(...list),
      mean: list.reduce((a, b) => a + b, 0) / list.length,
      max: Math.max(...list),
    };
  }
  return {
    clips: summary.clips.length,
    failed: summary.failed,
    secondsPerClip: summary.seconds / Math.max(1, summary.clips.length),
    actions: c.actions.sorted(),
    classes: c.classes.sorted(),
    colors: c.colors.sorted(),
    materials: c.materials.sorted(),
    cameraMoves: c.cameraMoves.sorted(),
    lights: c.lights.sorted(),
    settings: c.settings.sorted(),
    captionWords,
    captionStats: Object.fromEntries([...texts].map(([style, t]) => [style, captionStats(t)])),
    examples: shown,
    framing: summarizeFraming(summary.clips, summary.config.framing.minFramed),
  };
}

/** The report as text: one block per distribution, with counts and percentages. */
export function formatPlanReport(r: PlanReport): string {
  const lines = [
    `planned ${r.clips} clip(s) in ${(r.secondsPerClip * r.clips).toFixed(2)} s (${
      (r.secondsPerClip * 1000).toFixed(1)
    } ms/clip)` +
    (r.failed ? ` · ${r.failed} FAILED` : ""),
  ];
  const block = (title: string, h: Histogram) => {
    lines.push("", `${title}:`);
    if (h.length === 0) lines.push("  (none)");
    const total = h.reduce((a, [, n]) => a + n, 0);
    for (const [key, n] of h.slice(0, 20)) {
      lines.push(
        `  ${key.padEnd(32)} ${String(n).padStart(7)}  ${
          ((100 * n) / total).toFixed(1).padStart(5)
        } %`,
      );
    }
    if (h.length > 20) lines.push(`  … ${h.length - 20} more`);
  };
  block("actions", r.actions);
  block("object classes", r.classes);
  block("colours", r.colors);
  block("materials", r.materials);
  block("camera moves", r.cameraMoves);
  block("lights", r.lights);
  block("settings", r.settings);
  lines.push("", "caption lengths (words):");
  for (const [style, s] of Object.entries(r.captionWords)) {
    lines.push(`  ${style.padEnd(10)} min ${s.min}  mean ${s.mean.toFixed(1)}  max ${s.max}`);
  }
  lines.push("", "caption variety (vocabulary size, distinct-bigram ratio):");
  for (const [style, s] of Object.entries(r.captionStats)) {
    lines.push(
      `  ${
        style.padEnd(10)
      } ${s.captions} captions  vocabulary ${s.vocabulary}  distinct bigrams ${s.distinctBigrams} of ${s.bigrams} (${
        (100 * s.distinctBigramRatio).toFixed(2)
      } %)`,
    );
  }
  if (r.framing) lines.push("", formatFraming(r.framing));
  if (r.examples.length) {
    lines.push("", "examples:");
    for (const e of r.examples) lines.push(`  clip ${e.clip} ${e.style}: ${e.text}`);
  }
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, {
    name: "deno task plan",
    summary: "Sample clips without rendering and print their distribution.",
    flags: FLAGS,
    check(args) {
      if (args._.length > 0) {
        throw new UsageError(`Unexpected argument "${args._[0]}" (use --scene FILE)`);
      }
      if (args.clips === 0 || args.frames === 0) {
        throw new UsageError("--clips and --frames must be at least 1");
      }
    },
  });
  if (typeof args === "number") return args;
  try {
    const summary = await planDataset({
      scene: (args.scene as string) ?? "scenes/default.yaml",
      overrides: {
        clips: args.clips as number | undefined,
        seed: args.seed as number | undefined,
        frames: args.frames as number | undefined,
      },
      log: () => {},
    });
    const report = planReport(summary, (args.examples as number | undefined) ?? 3);
    console.log(args.json ? JSON.stringify(report, null, 2) : formatPlanReport(report));
    for (const clip of summary.clips.filter((c) => c.status === "failed").slice(0, 5)) {
      console.error(`clip ${clip.clip} failed: ${clip.error}`);
    }
    return summary.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof SceneError || error instanceof RangeError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
