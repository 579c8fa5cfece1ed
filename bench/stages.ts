/**
 * Per-stage throughput of the pipeline, measured with the engine's own code:
 *
 *   simulate  keyframes + scene snapshot per frame (CPU)
 *   render    the G-buffer pass only (label passes and copies to host dropped)
 *   labels    G-buffer + GPU label passes (copies to host dropped)
 *   readback  everything the renderer does: G-buffer, labels, copy, map, decode
 *   encode    RGBA → I420 → H.264 of rendered frames (CPU, libx264 threads)
 *   write     depth/normals/instance/flow (in the --gt-format), labels.json, preview.png
 *   e2e       renderDataset: scene file → plugins → render → encode → write, whole clips
 *
 * render/labels/readback are cumulative prefixes of one frame's GPU work. The
 * prefixes are made by filtering the command stream of a bench-only process
 * (this module patches GPUCommandEncoder while a prefix is measured and
 * restores it afterwards), so the renderer itself is unchanged.
 */
import { clipDocuments } from "../engine/dataset/clip_documents.ts";
import { ClipRecorder } from "../engine/dataset/clip_recorder.ts";
import type { GtFormat, GtRanges } from "../engine/config/gt_format.ts";
import { widenDepthRange, widenFlowRange } from "../engine/dataset/gt_png16.ts";
import { listFiles } from "../engine/dataset/resume.ts";
import { type FrameState, snapshot } from "../engine/scene/frame_state.ts";
import type { Gpu } from "../engine/gpu/gpu.ts";
import { applyKeyframes } from "../engine/scene/keyframes.ts";
import { copyFrame } from "../engine/gpu/host_frame.ts";
import { Renderer } from "../engine/gpu/renderer.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";
import { Rng } from "../engine/scene/rng.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { buildScene, MeshLibrary } from "../engine/config/scene_build.ts";
import { loadScene } from "../engine/config/scene_file.ts";
import type { Scene } from "../engine/scene/scene.ts";
import { renderSettings } from "../engine/scene/render_settings.ts";
import { createVideoWriter } from "../engine/dataset/video.ts";
import { type BenchScene, benchSceneYaml } from "./scene.ts";

export interface StageResult {
  backend: string;
  adapter: string;
  width: number;
  height: number;
  objects: number;
  /** Triangles in the scene (all in view in the bench's layout). */
  triangles: number;
  /** The scene's levels of detail (pixels of screen error), when on. */
  lod?: number;
  /** A named scene instead of the cube field (bench/furnished_room.ts). */
  scene?: string;
  /** Frames per second of each stage (see the header). */
  fps: {
    simulate: number;
    render: number;
    labels: number;
    readback: number;
    encode: number;
    write: number;
    e2e: number;
  };
  /** How the write and e2e stages stored ground truth, and the write stage's bytes per frame. */
  gtFormat: GtFormat;
  writtenBytesPerFrame: number;
  /** End-to-end wall seconds per clip (scene build, plugins, render, encode, write). */
  clipSeconds: number;
  clips: number;
  framesPerClip: number;
}

export interface StageOptions {
  /** Frames measured per GPU/CPU stage. */
  frames: number;
  /** Clips and frames per clip of the end-to-end run. */
  clips: number;
  clipFrames: number;
  /** Wall-clock cap per stage in seconds; a stage stops early (and says so by its frame count) when slower. */
  maxSeconds: number;
  /** How the write and end-to-end stages store the ground truth (default npy). */
  gtFormat?: GtFormat;
}

const NO_PLUGINS: never[] = [];

/** Builds the bench scene and simulates `frames + 1` states (the last is flow look-ahead). */
async function simulated(dir: string, bench: BenchScene, frames: number) {
  const file = `${dir}/stage_${bench.objects}_${bench.width}.yaml`;
  await Deno.writeTextFile(file, benchSceneYaml({ ...bench, frames }, 1));
  const config = await loadScene(file, { registry: NO_PLUGINS });
  const library = await MeshLibrary.load(config);
  const built = buildScene(config, library, Rng.forPlugin(config.seed, 0, "scene"));
  renderSettings(built.scene).lod = config.lod; // as the clip loop sets it
  const step = (t: number) => {
    for (const object of built.scene.objects) {
      const keys = built.motions.get(object.id);
      if (keys) applyKeyframes(object, keys, t);
    }
    return snapshot(built.scene, bench.width, bench.height);
  };
  step(0); // warm-up (JIT)
  const states: FrameState[] = [];
  const started = performance.now();
  for (let t = 0; t <= frames; t++) states.push(step(t));
  const seconds = (performance.now() - started) / 1000;
  return { scene: built.scene, states, simulateFps: (frames + 1) / seconds };
}

type Prefix = "render" | "labels" | "readback";

/**
 * Runs `body` with the command stream cut down to a prefix of the frame's work.
 * Label work is recognised by its pass labels ("LabelPass…"), host copies by
 * copyTextureToBuffer/copyBufferToBuffer into MAP_READ buffers.
 */
async function withPrefix<T>(prefix: Prefix, body: () => Promise<T>): Promise<T> {
  if (prefix === "readback") return await body();
  const proto = GPUCommandEncoder.prototype;
  const saved = {
    beginComputePass: proto.beginComputePass,
    beginRenderPass: proto.beginRenderPass,
    copyTextureToBuffer: proto.copyTextureToBuffer,
    copyBufferToBuffer: proto.copyBufferToBuffer,
    clearBuffer: proto.clearBuffer,
  };
  const dropLabels = prefix === "render";
  // A stand-in pass that records nothing.
  const inert = new Proxy({}, { get: () => () => {} }) as never;
  const isLabel = (label: string | undefined) => Boolean(label?.startsWith("LabelPass"));
  const toHost = (buffer: GPUBuffer) => (buffer.usage & GPUBufferUsage.MAP_READ) !== 0;
  proto.beginComputePass = function (this: GPUCommandEncoder, d?: GPUComputePassDescriptor) {
    return dropLabels && isLabel(d?.label) ? inert : saved.beginComputePass.call(this, d);
  };
  proto.beginRenderPass = function (this: GPUCommandEncoder, d: GPURenderPassDescriptor) {
    return dropLabels && isLabel(d.label) ? inert : saved.beginRenderPass.call(this, d);
  };
  proto.copyTextureToBuffer = function (this: GPUCommandEncoder, src, dst, size) {
    if (toHost(dst.buffer)) return;
    saved.copyTextureToBuffer.call(this, src, dst, size);
  };
  proto.copyBufferToBuffer = function (this: GPUCommandEncoder, ...args: unknown[]) {
    if (toHost(args[2] as GPUBuffer)) return;
    // deno-lint-ignore no-explicit-any
    (saved.copyBufferToBuffer as any).apply(this, args);
  } as typeof proto.copyBufferToBuffer;
  try {
    return await body();
  } finally {
    Object.assign(proto, saved);
  }
}

/** Renders `states` through the renderer (cut to `prefix`); returns fps and (for readback) the frames. */
async function gpuStage(
  renderer: Renderer,
  scene: Scene,
  states: FrameState[],
  prefix: Prefix,
  keep: number,
  maxSeconds: number,
) {
  const kept: RenderedFrame[] = [];
  const consume = (frame: RenderedFrame) => {
    if (kept.length < keep) kept.push(copyFrame(frame)); // the renderer reuses its arrays
  };
  const frames = states.length - 1;
  return await withPrefix(prefix, async () => {
    // Warm-up: pipelines, first maps.
    for (let t = 0; t < Math.min(4, frames); t++) {
      await renderer.render(scene, states[t], states[t + 1], {
        clip: 0,
        frame: t,
        maxId: scene.maxId,
      }, () => {});
    }
    await renderer.drain(() => {});
    const started = performance.now();
    let done = 0;
    for (let t = 0; t < frames; t++) {
      await renderer.render(scene, states[t], states[t + 1], {
        clip: 1,
        frame: t,
        maxId: scene.maxId,
      }, consume);
      done++;
      if ((performance.now() - started) / 1000 > maxSeconds) break;
    }
    await renderer.drain(consume);
    return { fps: done / ((performance.now() - started) / 1000), frames: kept };
  });
}

async function encodeStage(frames: RenderedFrame[], width: number, height: number) {
  const writer = await createVideoWriter({ width, height, fps: 24 });
  const started = performance.now();
  for (const f of frames) await writer.addFrame(f.rgb);
  await writer.finish();
  return frames.length / ((performance.now() - started) / 1000);
}

async function writeStage(
  dir: string,
  frames: RenderedFrame[],
  bench: BenchScene,
  states: FrameState[],
  gtFormat: GtFormat,
) {
  const clipDir = `${dir}/write_stage`;
  await Deno.mkdir(clipDir, { recursive: true });
  const started = performance.now();
  const recorder = await ClipRecorder.create(
    clipDir,
    frames.length,
    bench.width,
    bench.height,
    24,
    ["depth", "normals", "instance", "flow", "preview"],
    false,
    gtFormat,
  );
  for (const [t, f] of frames.entries()) {
    await recorder.add({ ...f, meta: { ...f.meta, frame: t } });
  }
  const summary = {
    clip: 0,
    seed: 1,
    scene: "bench",
    fps: 24,
    maxId: bench.objects,
    states: states.slice(0, frames.length + 1),
    objects: new Map(),
    bounds: new Map(),
    framing: { measured: "masks" as const, framed: 1, subjects: [] },
    events: [],
    captions: [],
    sampled: {},
    records: {},
  };
  const labels = frames.map((f) => f.labels);
  const ranges = gtFormat === "png16" ? pngRanges(frames) : undefined;
  await recorder.finish(
    clipDocuments(summary, labels, frames.length, bench.width, bench.height, {
      format: gtFormat,
      ranges,
    }),
  );
  const fps = frames.length / ((performance.now() - started) / 1000);
  let bytes = 0;
  for (const path of await listFiles(clipDir)) bytes += (await Deno.stat(path)).size;
  await Deno.remove(clipDir, { recursive: true });
  return { fps, bytesPerFrame: bytes / frames.length };
}

/** The clip ranges png16 quantizes over (the render loop's side works them out as frames pass). */
function pngRanges(frames: RenderedFrame[]): GtRanges {
  const ranges: GtRanges = {};
  for (const f of frames) {
    ranges.depth = widenDepthRange(ranges.depth, f.depth);
    ranges.flow = widenFlowRange(ranges.flow, f.flow);
  }
  return ranges;
}

async function endToEnd(
  gpu: Gpu,
  dir: string,
  bench: BenchScene,
  clips: number,
  frames: number,
  gtFormat: GtFormat,
) {
  const file = `${dir}/e2e_${bench.objects}_${bench.width}.yaml`;
  await Deno.writeTextFile(file, benchSceneYaml({ ...bench, frames }, clips));
  const out = `${dir}/e2e_out`;
  const started = performance.now();
  const summary = await renderDataset({
    scene: file,
    out,
    gpu,
    registry: NO_PLUGINS,
    overrides: { gtFormat },
    log: () => {},
  });
  const seconds = (performance.now() - started) / 1000;
  await Deno.remove(out, { recursive: true });
  if (summary.failed > 0) {
    throw new Error(`end-to-end run failed: ${summary.clips.find((c) => c.error)?.error}`);
  }
  return { fps: summary.frames / seconds, clipSeconds: seconds / clips };
}

/** Measures every stage for one scene size and object count. */
export async function measureStages(
  gpu: Gpu,
  dir: string,
  bench: BenchScene,
  options: StageOptions,
): Promise<StageResult> {
  const { scene, states, simulateFps } = await simulated(dir, bench, options.frames);
  const renderer = await Renderer.create(gpu, { width: bench.width, height: bench.height });
  let render, labels, readback;
  try {
    render = await gpuStage(renderer, scene, states, "render", 0, options.maxSeconds);
    labels = await gpuStage(renderer, scene, states, "labels", 0, options.maxSeconds);
    readback = await gpuStage(
      renderer,
      scene,
      states,
      "readback",
      options.frames,
      options.maxSeconds,
    );
  } finally {
    renderer.destroy();
  }
  gpu.check();
  const encode = await encodeStage(readback.frames, bench.width, bench.height);
  const gtFormat = options.gtFormat ?? "npy";
  const write = await writeStage(dir, readback.frames, bench, states, gtFormat);
  const e2e = await endToEnd(gpu, dir, bench, options.clips, options.clipFrames, gtFormat);
  return {
    backend: gpu.backend,
    adapter: gpu.description,
    width: bench.width,
    height: bench.height,
    objects: bench.objects,
    triangles: bench.mesh?.triangles ?? 12 * bench.objects,
    lod: bench.lod,
    fps: {
      simulate: simulateFps,
      render: render.fps,
      labels: labels.fps,
      readback: readback.fps,
      encode,
      write: write.fps,
      e2e: e2e.fps,
    },
    gtFormat,
    writtenBytesPerFrame: write.bytesPerFrame,
    clipSeconds: e2e.clipSeconds,
    clips: options.clips,
    framesPerClip: options.clipFrames,
  };
}
