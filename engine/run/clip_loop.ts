/**
 * One clip through every plugin hook: builds the scene, samples each plugin's options with its own
 * stream, then frame by frame applies keyframes, runs `frame` hooks, snapshots the state and (when
 * rendering) hands frames to the renderer and the recorder. The dataset-level loop (resume,
 * shards, manifest) is dataset_run.ts.
 */
import { RedrawClip } from "../plugin/contract.ts";
import { trackFromStates, writeClipAudio } from "../audio/mix.ts";
import { buildScene, type MeshLibrary } from "../config/scene_build.ts";
import type { PluginEntry, SceneConfig } from "../config/scene_file.ts";
import { actingObjects, type ClipFraming, measureFraming } from "../dataset/clip_quality.ts";
import type { ClipRecording, RecorderThread } from "../dataset/recorder_thread.ts";
import type { RenderedFrame } from "../gpu/frame.ts";
import type { Renderer } from "../gpu/renderer.ts";
import type {
  ActionEvent,
  AudioSource,
  Caption,
  FrameContext,
  Options,
  PluginHooks,
} from "../plugin/contract.ts";
import { sample } from "../plugin/schema.ts";
import { type FrameState, snapshot } from "../scene/frame_state.ts";
import { type LocalBox, partsBounds } from "../scene/bounds.ts";
import { applyKeyframes } from "../scene/keyframes.ts";
import { Rng } from "../scene/rng.ts";
import { renderSettings, setQuality } from "../scene/render_settings.ts";
import { defaultBitrate } from "../dataset/video.ts";
import type { SceneObject } from "../scene/scene.ts";

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
  /** How well the clip frames its acting objects (labels.json `framing`). */
  framing?: ClipFraming;
  /** Library models the clip's objects are (credits.json). */
  assets?: string[];
}

// deno-lint-ignore no-explicit-any
type AnyHooks = PluginHooks<any>;

/** A scene's plugin instances for one run. */
export interface Instance {
  entry: PluginEntry;
  hooks: AnyHooks;
}

/** Where runClip renders; it sets `recorder`, which a failed clip must abandon (its encoder). */
export type RenderTarget = {
  renderer: Renderer;
  recording: RecorderThread;
  dir: string;
  recorder?: ClipRecording;
};

/** A clip whose frames are rendered; `files` settles when its folder is fully written. */
/** Draws of a clip whose plugin threw RedrawClip (a simulation that missed its label) beyond the first. */
export const SIMULATION_REDRAWS = 3;

/** Whether `error` (or what it wraps) asks for the clip to be drawn again, and draws are left. */
export function wantsRedraw(error: unknown, draw: number): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof RedrawClip) return draw < SIMULATION_REDRAWS;
  }
  return false;
}

export type RenderedClip = ClipResult & { files?: Promise<void>; redraw?: boolean };

/**
 * One clip through every hook. With `render`, frames are rendered and the clip's files start
 * being written; the returned `files` settles when they are.
 */
export async function runClip(
  config: SceneConfig,
  library: MeshLibrary,
  instances: Instance[],
  clip: number,
  render: RenderTarget | undefined,
  draw = 0,
): Promise<RenderedClip> {
  const { frames, fps, width, height, seed } = config;
  // A redrawn clip (draw > 0) gets fresh streams; the first draw keeps the plain keys.
  const stream = (key: string) =>
    Rng.forPlugin(seed, clip, draw === 0 ? key : `${key}#draw${draw}`);
  const built = buildScene(config, library, stream("scene"));
  const scene = built.scene;
  const events: ActionEvent[] = [];
  const captions: Caption[] = [];
  const audio: AudioSource[] = [];
  const records: Record<string, Record<string, unknown>> = {};
  const sampled: Record<string, unknown> = { scene: built.sampled };
  const shared = new Map<string, unknown>();

  const contexts = instances.map(({ entry }) => {
    const rng = stream(entry.key);
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
        // A permission the render sandbox withholds: say that, not Deno's "run again with".
        const denied = error instanceof Deno.errors.NotCapable
          ? " (a render may write only its output folder: see docs/plugins.md, Permissions)"
          : "";
        throw new Error(
          `plugin "${instances[i].entry.key}" (${
            instances[i].entry.definition.id
          }) failed in ${hook}: ${(error as Error).message}${denied}`,
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

  renderSettings(scene).lod = config.lod;
  if (config.quality) {
    renderSettings(scene).forcedQuality = config.quality;
    setQuality(scene, config.quality);
  }
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
    gtFormat: config.gtFormat,
    videoBitrate: videoBitrate(config, renderSettings(scene).videoBitrateScale, width, height, fps),
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

  const bounds = new Map<number, LocalBox | undefined>();
  for (const [id, o] of seen) {
    const parts = scene.meshes.get(o.mesh);
    bounds.set(id, parts ? partsBounds(parts, o.skinMatrices) : undefined);
  }
  const framing = measureFraming(
    states,
    frames,
    actingObjects(events),
    (id) => bounds.get(id),
    render ? recorder?.labels : undefined,
  );
  framing.draw = draw;
  if (framing.framed < config.framing.minFramed && draw < config.framing.redraws) {
    await recorder?.abandon();
    return { clip, status: "ok", events, captions, sampled, records, framing, redraw: true };
  }

  const assets = libraryAssets(config, seen.values());
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
      bounds,
      framing,
      events,
      captions,
      sampled,
      records,
      assets,
    }, mix);
    // Awaited by the caller (settle); this only keeps an early failure from counting as unhandled.
    files.catch(() => {});
  }
  return { clip, status: "ok", events, captions, sampled, records, framing, files, assets };
}

/** The library models (`library:…`) among the clip's objects: named by the scene or a plugin. */
function libraryAssets(config: SceneConfig, objects: Iterable<SceneObject>): string[] {
  const used = new Set<string>();
  for (const o of objects) {
    const asset = o.attributes.asset ?? config.assets[o.mesh];
    if (typeof asset === "string" && asset.startsWith("library:")) used.add(asset);
  }
  return [...used].sort();
}

export function failed(clip: number, error: unknown): ClipResult {
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

/** The clip's video bitrate: the scene's (or the encoder's default) × a randomizer's scale. */
function videoBitrate(
  config: SceneConfig,
  scale: number,
  width: number,
  height: number,
  fps: number,
): number | undefined {
  if (scale === 1) return config.videoBitrate;
  return Math.round((config.videoBitrate ?? defaultBitrate(width, height, fps)) * scale);
}
