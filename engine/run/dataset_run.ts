/**
 * Runs a scene: for each clip, builds the scene, drives the plugins' hooks
 * frame by frame, renders (or, in plan mode, only simulates) and writes the
 * clip folder atomically, then records it in the manifest.
 */
import { writeFileAtomic } from "../dataset/atomic.ts";
import { trackFromStates, writeClipAudio } from "../audio/mix.ts";
import { CONVENTIONS } from "../dataset/clip_documents.ts";
import { type FrameState, snapshot } from "../scene/frame_state.ts";
import { acquireGpu, describeGpu, type Gpu } from "../gpu/gpu.ts";
import { applyKeyframes } from "../scene/keyframes.ts";
import type {
  ActionEvent,
  AudioSource,
  Caption,
  FrameContext,
  Options,
  PluginDefinition,
  PluginHooks,
} from "../plugin/contract.ts";
import { type ClipRecording, RecorderThread } from "../dataset/recorder_thread.ts";
import { type RenderedFrame, Renderer } from "../gpu/renderer.ts";
import { Rng } from "../scene/rng.ts";
import { buildScene, MeshLibrary } from "../config/scene_build.ts";
import {
  loadScene,
  type PluginEntry,
  type SceneConfig,
  type SceneOverrides,
} from "../config/scene_file.ts";
import type { SceneObject } from "../scene/scene.ts";
import { claimDataset, planResume, removeLeftovers, sceneDigest } from "../dataset/resume.ts";
import { sample } from "../plugin/schema.ts";
import { manifestName, partialName, type Shard, shardClips } from "../dataset/shard.ts";

export const VERSION = "0.1.0";

export interface RunOptions {
  /** Scene YAML file. */
  scene: string;
  /** Output folder (created). */
  out: string;
  overrides?: SceneOverrides;
  /** Render only these clip indices. */
  only?: number[];
  /** Frames in flight (default 8). */
  inFlight?: number;
  /** Plugins available to the scene (default: the built-ins). */
  // deno-lint-ignore no-explicit-any
  registry?: readonly PluginDefinition<any>[];
  /** Progress and status lines (default: stderr). */
  log?: (line: string) => void;
  /** Called after each clip (for progress bars). */
  onClip?: (done: number, total: number, framesPerSecond: number) => void;
  /** Reuse a GPU (tests); acquired otherwise. */
  gpu?: Gpu;
  /** Render only this shard's clips; its manifest is manifest.shard-i-of-N.jsonl (see engine/dataset/shard.ts). */
  shard?: Shard;
  /** Require a previous run in `out` to continue (resuming a run of the same scene happens anyway). */
  resume?: boolean;
}

export interface ClipResult {
  clip: number;
  status: "ok" | "failed";
  error?: string;
  events: ActionEvent[];
  captions: Caption[];
  /** Every value drawn for the clip. Empty in a render run's summary: labels.json has it. */
  sampled: Record<string, unknown>;
  /** Plugin records. Empty in a render run's summary: labels.json has them. */
  records: Record<string, Record<string, unknown>>;
}

export interface RunSummary {
  config: SceneConfig;
  clips: ClipResult[];
  failed: number;
  /** Finished clips found in the folder and kept (resume). */
  kept: number;
  frames: number;
  seconds: number;
}

// deno-lint-ignore no-explicit-any
type AnyHooks = PluginHooks<any>;

/** A scene's plugin instances for one run. */
interface Instance {
  entry: PluginEntry;
  hooks: AnyHooks;
}

async function registryDefault() {
  return (await import("../../plugins/mod.ts")).builtins;
}

async function prepare(options: RunOptions) {
  const registry = options.registry ?? await registryDefault();
  const config = await loadScene(options.scene, { registry, overrides: options.overrides });
  const library = await MeshLibrary.load(config);
  const instances: Instance[] = config.plugins.map((entry) => ({
    entry,
    hooks: entry.definition.create(),
  }));
  for (const { entry, hooks } of instances) {
    await hooks.setup?.({
      key: entry.key,
      rawOptions: entry.options as Options,
      sceneDir: config.dir,
      seed: config.seed,
    });
  }
  const clips = options.only ?? Array.from({ length: config.clips }, (_, i) => i);
  for (const c of clips) {
    if (!Number.isInteger(c) || c < 0 || c >= config.clips) {
      throw new RangeError(`Clip ${c} does not exist: the scene has clips 0..${config.clips - 1}`);
    }
  }
  return { config, library, instances, clips };
}

async function disposeAll(instances: Instance[]) {
  for (const { hooks } of instances) await hooks.dispose?.();
}

/** Renders a dataset into `options.out` (only `options.shard`'s clips when given), resuming a killed run. */
export async function renderDataset(options: RunOptions): Promise<RunSummary> {
  const log = options.log ?? ((line: string) => console.error(line));
  const started = performance.now();
  const { config, library, instances, clips: selected } = await prepare(options);
  const shard = options.shard;
  const mine = shard ? new Set(shardClips(config.clips, shard)) : undefined;
  const clips = mine ? selected.filter((c) => mine.has(c)) : selected;
  const out = options.out.replace(/\/+$/, "");
  const partialRoot = `${out}/${partialName(shard)}`;
  let gpu: Gpu | undefined;
  let renderer: Renderer | undefined;
  let recording: RecorderThread | undefined;
  const results: ClipResult[] = [];
  let frames = 0;
  let kept = 0;
  let writing: Promise<void> = Promise.resolve();
  let manifest: Manifest | undefined;
  /** Waits for a clip's files, moves its folder into place and records it. */
  const settle = async (
    rendered: RenderedClip,
    dirName: string,
    partial: string,
    clipStarted: number,
  ) => {
    const { files, ...outcome } = rendered;
    let result: ClipResult = outcome;
    try {
      if (result.status !== "ok") throw new Error(result.error);
      await files;
      await Deno.remove(`${out}/${dirName}`, { recursive: true }).catch(() => {});
      await Deno.rename(partial, `${out}/${dirName}`);
      frames += config.frames;
    } catch (error) {
      await Deno.remove(partial, { recursive: true }).catch(() => {});
      if (result.status === "ok") result = failed(result.clip, error);
      log(`clip ${result.clip} failed: ${result.error}`);
    }
    // The summary keeps every clip for the whole run, so not what labels.json already holds:
    // sampled values and plugin records (~1 KB of JSON per bench clip, more with plugins) would
    // grow memory without bound over a long run.
    results.push({ ...result, sampled: {}, records: {} });
    await manifest!.put(manifestLine(result, dirName, config.frames));
    collectGarbageNow(results.length);
    const seconds = (performance.now() - clipStarted) / 1000;
    options.onClip?.(results.length, total, result.status === "ok" ? config.frames / seconds : 0);
  };
  let total = 0;
  try {
    // Resume: claim the folder for this run, drop what a killed run of this shard left, keep checked clips.
    await Deno.mkdir(out, { recursive: true });
    await claimDataset(out, datasetJson(config, await sceneDigest(config.file)), options.resume);
    await removeLeftovers(out, partialName(shard), manifestName(shard), shard !== undefined);
    manifest = new Manifest(`${out}/${manifestName(shard)}`);
    await manifest.load();
    const plan = await planResume(out, clips, clipDirName, config, (c) => manifest!.isOk(c));
    for (const r of plan.recovered) {
      const result: ClipResult = {
        clip: r.clip,
        status: "ok",
        events: r.events as ActionEvent[],
        captions: r.captions as Caption[],
        sampled: {},
        records: {},
      };
      await manifest.put(manifestLine(result, clipDirName(r.clip), config.frames));
    }
    await manifest.forget(plan.todo);
    for (const r of plan.removed) {
      log(`clip ${r.clip} was damaged (${r.problems.join("; ")}); rendering it again`);
    }
    kept = plan.kept.length;
    total = plan.todo.length;
    if (kept > 0) log(`resume: ${kept} finished clip(s) kept, ${plan.todo.length} to render`);
    if (plan.todo.length > 0) {
      gpu = options.gpu ?? await acquireGpu();
      log(describeGpu(gpu));
      renderer = await Renderer.create(gpu, {
        width: config.width,
        height: config.height,
        inFlight: options.inFlight,
      });
      recording = new RecorderThread(renderer.hostFrames);
    }
    // Clip k's files are written (npy, mp4, preview, labels) while clip k+1 renders: the
    // software rasterizer, the encoder and file I/O then share the cores instead of taking
    // turns. At most one clip is being written; manifest lines stay in clip order.
    for (const clip of plan.todo) {
      const clipStarted = performance.now();
      const dirName = clipDirName(clip);
      const partial = `${partialRoot}/${dirName}`;
      await Deno.remove(partial, { recursive: true }).catch(() => {});
      await Deno.mkdir(partial, { recursive: true });
      let rendered: RenderedClip;
      const target: RenderTarget = { renderer: renderer!, recording: recording!, dir: partial };
      try {
        rendered = await runClip(config, library, instances, clip, target);
      } catch (error) {
        rendered = failed(clip, error);
        await target.recorder?.abandon();
        // The GPU may still hold this clip's frames; start the next clip clean.
        await renderer!.drain(() => {});
      }
      await writing;
      writing = settle(rendered, dirName, partial, clipStarted);
    }
    await writing;
  } finally {
    await writing.catch(() => {});
    await manifest?.flush();
    recording?.close();
    await Deno.remove(partialRoot, { recursive: true }).catch(() => {});
    renderer?.destroy();
    if (gpu && !options.gpu) gpu.destroy();
    await disposeAll(instances);
  }
  return {
    config,
    clips: results,
    failed: results.filter((r) => r.status === "failed").length,
    kept,
    frames,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Samples and simulates clips without rendering: actions, parameters and captions. */
export async function planDataset(options: Omit<RunOptions, "out">): Promise<RunSummary> {
  const started = performance.now();
  const { config, library, instances, clips } = await prepare({ ...options, out: "" });
  const results: ClipResult[] = [];
  try {
    for (const clip of clips) {
      try {
        results.push(await runClip(config, library, instances, clip, undefined));
      } catch (error) {
        results.push(failed(clip, error));
      }
    }
  } finally {
    await disposeAll(instances);
  }
  return {
    config,
    clips: results,
    failed: results.filter((r) => r.status === "failed").length,
    kept: 0,
    frames: 0,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Where runClip renders; it sets `recorder`, which a failed clip must abandon (its encoder). */
type RenderTarget = {
  renderer: Renderer;
  recording: RecorderThread;
  dir: string;
  recorder?: ClipRecording;
};

/** A clip whose frames are rendered; `files` settles when its folder is fully written. */
type RenderedClip = ClipResult & { files?: Promise<void> };

/**
 * One clip through every hook. With `render`, frames are rendered and the clip's files start
 * being written; the returned `files` settles when they are.
 */
async function runClip(
  config: SceneConfig,
  library: MeshLibrary,
  instances: Instance[],
  clip: number,
  render: RenderTarget | undefined,
): Promise<RenderedClip> {
  const { frames, fps, width, height, seed } = config;
  const built = buildScene(config, library, Rng.forPlugin(seed, clip, "scene"));
  const scene = built.scene;
  const events: ActionEvent[] = [];
  const captions: Caption[] = [];
  const audio: AudioSource[] = [];
  const records: Record<string, Record<string, unknown>> = {};
  const sampled: Record<string, unknown> = { scene: built.sampled };
  const shared = new Map<string, unknown>();

  const contexts = instances.map(({ entry }) => {
    const rng = Rng.forPlugin(seed, clip, entry.key);
    const options = sample(entry.schema, entry.options, rng) as Options;
    sampled[entry.key] = options;
    const ctx: FrameContext<Options> = {
      key: entry.key,
      options,
      rng,
      scene,
      clip,
      frames,
      fps,
      width,
      height,
      events,
      emit(event) {
        events.push({ ...event, source: entry.key });
      },
      record(name, value) {
        (records[entry.key] ??= {})[name] = value;
      },
      records,
      caption(caption) {
        captions.push(caption);
      },
      captions,
      addAudio(source) {
        if (audio.some((a) => a.name === source.name)) {
          throw new RangeError(`Audio source name "${source.name}" is used twice in clip ${clip}`);
        }
        audio.push(source);
      },
      shared,
      planning: !render,
      frame: 0,
      time: 0,
    };
    return ctx;
  });
  const each = async (hook: keyof AnyHooks, frame?: RenderedFrame) => {
    for (let i = 0; i < instances.length; i++) {
      const fn = instances[i].hooks[hook] as
        | ((ctx: unknown, f?: RenderedFrame) => unknown)
        | undefined;
      if (!fn) continue;
      try {
        await fn.call(instances[i].hooks, contexts[i], frame);
      } catch (error) {
        throw new Error(
          `plugin "${instances[i].entry.key}" (${
            instances[i].entry.definition.id
          }) failed in ${hook}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
  };
  const setFrame = (t: number) => {
    for (const ctx of contexts) {
      ctx.frame = t;
      ctx.time = t / fps;
    }
  };

  await each("clipStart");
  // The mp4's audio track must be declared before the first frame; sounds may arrive until clipEnd.
  const withAudio = audio.length > 0 || instances.some((i) => i.entry.definition.kind === "audio");
  const recorder = render?.recording.open({
    clip,
    dir: render.dir,
    frames,
    width,
    height,
    fps,
    outputs: config.outputs,
    withAudio,
  });
  if (render) render.recorder = recorder; // so a failure can abandon it
  const states: FrameState[] = [];
  const seen = new Map<number, SceneObject>();
  const consume = async (frame: RenderedFrame) => {
    const simulated = contexts[0]?.frame;
    setFrame(frame.meta.frame);
    await each("rendered", frame);
    if (simulated !== undefined) setFrame(simulated);
    // last: add() hands the frame's arrays over to the recorder thread
    await recorder!.add(frame);
  };
  for (let t = 0; t <= frames; t++) {
    setFrame(t);
    for (const object of scene.objects) {
      const keys = built.motions.get(object.id);
      if (keys) applyKeyframes(object, keys, t);
    }
    await each("frame");
    for (const o of scene.objects) if (!seen.has(o.id)) seen.set(o.id, o);
    states.push(snapshot(scene, width, height));
    if (render && t >= 1) {
      await render.renderer.render(scene, states[t - 1], states[t], {
        clip,
        frame: t - 1,
        maxId: scene.maxId,
      }, consume);
    }
  }
  if (render) await render.renderer.drain(consume);
  setFrame(frames - 1);
  await each("clipEnd");

  let files: Promise<void> | undefined;
  if (render && recorder) {
    // Mixes the sounds (audio/, audio.json) and hands the mix to the mp4's AAC track.
    const track = withAudio ? trackFromStates(states, recorder.labels, frames) : undefined;
    const mix = track ? await writeClipAudio(render.dir, audio, track, fps, frames) : undefined;
    files = recorder.finish({
      clip,
      seed,
      scene: config.name,
      fps,
      maxId: scene.maxId,
      states,
      objects: seen,
      events,
      captions,
      sampled,
      records,
    }, mix);
    // Awaited by the caller (settle); this only keeps an early failure from counting as unhandled.
    files.catch(() => {});
  }
  return { clip, status: "ok", events, captions, sampled, records, files };
}

function failed(clip: number, error: unknown): ClipResult {
  return {
    clip,
    status: "failed",
    error: (error as Error)?.message ?? String(error),
    events: [],
    captions: [],
    sampled: {},
    records: {},
  };
}

export function clipDirName(clip: number): string {
  return `clip_${String(clip).padStart(5, "0")}`;
}

export function manifestLine(result: ClipResult, dir: string, frames: number) {
  return result.status === "ok"
    ? {
      clip: result.clip,
      dir,
      status: "ok",
      frames,
      events: result.events.map((e) => e.verb),
      captions: result.captions,
    }
    : { clip: result.clip, dir, status: "failed", error: result.error };
}

/** The files each clip folder holds for this scene's outputs and plugins. */
function clipFiles(config: SceneConfig): Record<string, string> {
  const byOutput: Record<string, [string, string]> = {
    rgb: ["rgb.mp4", "H.264 yuv420p video (odd sizes padded by one pixel to even)"],
    depth: ["depth.npy", "T x H x W float32"],
    normals: ["normals.npy", "T x H x W x 3 float16"],
    instance: ["instance.npy", "T x H x W uint16 (uint32 when ids exceed 65535)"],
    flow: ["flow.npy", "T x H x W x 2 float32"],
    alpha: ["alpha.npy", "T x H x W uint8 foreground matte"],
    preview: ["preview.png", "contact sheet: rgb | depth | normals | instance"],
  };
  const files: Record<string, string> = {};
  for (const output of config.outputs) {
    const [name, what] = byOutput[output];
    files[name] = what;
  }
  files["labels.json"] = "camera, objects per frame, events, sampled parameters";
  files["captions.json"] = "captions from captioner plugins";
  if (config.plugins.some((p) => p.definition.kind === "audio")) {
    files["audio.json"] = "sound sources, which object makes each sound, and when";
    files["audio/"] = "WAV stems per source and the mix (the mix is also rgb.mp4's AAC track)";
  }
  return files;
}

function datasetJson(config: SceneConfig, sceneSha256: string) {
  return {
    version: 1,
    generator: `synthvid ${VERSION}`,
    name: config.name,
    scene: config.file,
    scene_sha256: sceneSha256,
    seed: config.seed,
    clips: config.clips,
    frames: config.frames,
    fps: config.fps,
    size: [config.width, config.height],
    outputs: config.outputs,
    plugins: config.plugins.map((p) => ({ key: p.key, use: p.definition.id })),
    files: clipFiles(config),
    conventions: CONVENTIONS,
  };
}

/**
 * manifest.jsonl: one line per clip, in clip order, rewritten atomically. A rewrite costs time in
 * proportion to the clips so far (tens of MB at 100 000 clips), so `put` rewrites only once the
 * time since the last rewrite is ten times what that rewrite took: under 10 % of the run, however
 * long. Lines a killed run had not written yet are rebuilt by resume from the finished clip
 * folders; `flush` writes what is pending at the end of a run.
 */
class Manifest {
  readonly #lines = new Map<number, string>();
  #pending = false;
  #lastWrite = -Infinity;
  #lastCost = 0;
  constructor(readonly path: string) {}

  async load() {
    let text = "";
    try {
      text = await Deno.readTextFile(this.path);
    } catch {
      return;
    }
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const entry = JSON.parse(line);
      this.#lines.set(entry.clip, line);
    }
  }

  isOk(clip: number): boolean {
    const line = this.#lines.get(clip);
    return line !== undefined && JSON.parse(line).status === "ok";
  }

  /** Drops the lines of clips about to be redone (a damaged clip must not stay listed). */
  async forget(clips: readonly number[]) {
    const before = this.#lines.size;
    for (const clip of clips) this.#lines.delete(clip);
    if (this.#lines.size !== before) await this.#write();
  }

  async put(entry: { clip: number }) {
    this.#lines.set(entry.clip, JSON.stringify(entry));
    this.#pending = true;
    if (performance.now() - this.#lastWrite >= 10 * this.#lastCost) await this.#write();
  }

  async flush() {
    if (this.#pending) await this.#write();
  }

  async #write() {
    const started = performance.now();
    const sorted = [...this.#lines.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
    await writeFileAtomic(this.path, sorted.join("\n") + "\n");
    this.#pending = false;
    this.#lastWrite = performance.now();
    this.#lastCost = this.#lastWrite - started;
  }
}

/** The V8 settings `deno task render` runs with (deno.json); see collectGarbageNow. */
export const V8_FLAGS = "--v8-flags=--expose-gc,--max-semi-space-size=4";

/**
 * A full garbage collection every 10 clips. Deno's WebGPU objects (each submitted command
 * buffer among them) hold native memory that V8 does not count, so V8 may wait hundreds of clips
 * before a full collection releases it, and resident memory climbs meanwhile. `gc` exists only
 * under `--v8-flags=--expose-gc`, which the render and bench tasks pass; elsewhere this is a no-op.
 * Those tasks also cap V8's young generation (`--max-semi-space-size=4`, MB): left alone it
 * doubles a few hundred clips into a run, a step of ~10 MB resident that is never given back.
 * Measured over 1000 clips (bench --memory): +24 % RSS without either, under +4 % with both.
 */
function collectGarbageNow(clipsDone: number): void {
  if (clipsDone % 10 === 0) (globalThis as { gc?: () => void }).gc?.();
}
