/**
 * Runs a scene as a dataset: loads it, sets the plugins up, claims the output folder (resuming a
 * killed run: finished clips are kept, damaged ones redone), then renders this shard's clips one
 * by one (clip_loop.ts), moves each finished folder into place and records it in the manifest.
 * `planDataset` runs the same clip loop without rendering.
 */
import { writeJsonAtomic } from "../dataset/atomic.ts";
import { assetCredits, needsCredits } from "../config/asset_credits.ts";
import { MeshLibrary } from "../config/scene_build.ts";
import {
  loadScene,
  resolveInside,
  type SceneConfig,
  type SceneOverrides,
} from "../config/scene_file.ts";
import { datasetJson } from "../dataset/dataset_json.ts";
import { clipDirName, Manifest, manifestLine } from "../dataset/manifest.ts";
import { RecorderThread } from "../dataset/recorder_thread.ts";
import { claimDataset, planResume, removeLeftovers, sceneDigest } from "../dataset/resume.ts";
import { lockName, manifestName, partialName, type Shard, shardClips } from "../dataset/shard.ts";
import { lockRun, type RunLock } from "../dataset/run_lock.ts";
import { DiskFullError, isDiskFull } from "../dataset/disk_full.ts";
import { acquireGpu, describeGpu, type Gpu } from "../gpu/gpu.ts";
import { type Culling, Renderer } from "../gpu/renderer.ts";
import type { ActionEvent, Caption, Options, PluginDefinition } from "../plugin/contract.ts";
import {
  type ClipResult,
  failed,
  type Instance,
  type RenderedClip,
  type RenderTarget,
  runClip,
  wantsRedraw,
} from "./clip_loop.ts";
import { collectGarbageNow } from "./memory.ts";

export type { ClipResult };
export { VERSION } from "../dataset/dataset_json.ts";
export { V8_FLAGS } from "./memory.ts";
export { DiskFullError } from "../dataset/disk_full.ts";

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
  /** What the renderer may leave out of the camera's passes (default: both; tests compare). */
  culling?: Culling;
}

export interface RunSummary {
  config: SceneConfig;
  clips: ClipResult[];
  failed: number;
  /** Finished clips found in the folder and kept (resume). */
  kept: number;
  /** The run made the output folder, finished no clip and took the folder away again. */
  removed?: boolean;
  frames: number;
  seconds: number;
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
      resolve: (path) => resolveInside(config.dir, path, config.read),
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
      // Every later clip would fail the same way: stop with one error; a rerun resumes.
      if (isDiskFull(error)) {
        throw new DiskFullError(
          `the disk holding ${out} is full (clip ${result.clip}: ${result.error}); ` +
            `${results.filter((r) => r.status === "ok").length} clip(s) finished this run. ` +
            `Free space and run the same command again to resume.`,
        );
      }
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
  // A run that made the output folder and finished no clip takes the folder away again.
  const existed = await Deno.stat(out).then(() => true, () => false);
  let removed = false;
  let lock: RunLock | undefined;
  try {
    // Resume: claim the folder for this run, drop what a killed run of this shard left, keep checked clips.
    await Deno.mkdir(out, { recursive: true });
    lock = await lockRun(out, lockName(shard));
    await claimDataset(out, datasetJson(config, await sceneDigest(config.file)), options.resume);
    await writeCredits(out, config, new Set());
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
        assets: r.assets,
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
        culling: options.culling,
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
        // A clip that frames its acting objects too rarely is drawn again (scene `framing`), and
        // so is one whose simulation missed its label (a plugin threw RedrawClip).
        for (let draw = 0;; draw++) {
          try {
            rendered = await runClip(config, library, instances, clip, target, draw);
          } catch (error) {
            if (!wantsRedraw(error, draw)) throw error;
            await target.recorder?.abandon();
            await renderer!.drain(() => {});
            rendered = { ...failed(clip, error), redraw: true };
          }
          if (!rendered.redraw) break;
          await Deno.remove(partial, { recursive: true });
          await Deno.mkdir(partial, { recursive: true });
        }
      } catch (error) {
        rendered = failed(clip, error);
        await target.recorder?.abandon();
        // The GPU may still hold this clip's frames; start the next clip clean.
        await renderer!.drain(() => {});
      }
      await writing;
      writing = settle(rendered, dirName, partial, clipStarted);
      // It may reject (a full disk) while the next clip renders; the next `await writing` throws.
      writing.catch(() => {});
    }
    await writing;
    await writeCredits(out, config, manifest.assets());
  } finally {
    await writing.catch(() => {});
    await manifest?.flush();
    recording?.close();
    // A run refused by the lock touches nothing: the folder is another run's.
    if (lock) await Deno.remove(partialRoot, { recursive: true }).catch(() => {});
    renderer?.destroy();
    if (gpu && !options.gpu) gpu.destroy();
    await disposeAll(instances);
    // Only the run that holds the lock may take the folder away (another run may be starting).
    if (lock && !existed && kept === 0 && !results.some((r) => r.status === "ok")) {
      removed = await Deno.remove(out, { recursive: true }).then(() => true, () => false);
    }
    await lock?.release();
  }
  return {
    config,
    clips: results,
    failed: results.filter((r) => r.status === "failed").length,
    kept,
    removed,
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
        const plan = async (draw: number): Promise<RenderedClip> => {
          try {
            return await runClip(config, library, instances, clip, undefined, draw);
          } catch (error) {
            if (!wantsRedraw(error, draw)) throw error;
            return { ...failed(clip, error), redraw: true };
          }
        };
        let planned = await plan(0);
        for (let draw = 1; planned.redraw; draw++) planned = await plan(draw);
        results.push(planned);
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

/**
 * credits.json: the scene's named models and those the finished clips used, with what an
 * earlier run or another shard of this folder already listed (credits only grow).
 */
async function writeCredits(out: string, config: SceneConfig, used: Set<string>) {
  const path = `${out}/credits.json`;
  try {
    const before = JSON.parse(await Deno.readTextFile(path)) as { assets?: { asset: string }[] };
    for (const a of before.assets ?? []) used.add(a.asset);
  } catch {
    // none yet
  }
  if (needsCredits(config, used)) await writeJsonAtomic(path, assetCredits(config, used));
}
