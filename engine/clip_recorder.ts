/**
 * Collects one clip's rendered frames and writes its folder: rgb.mp4,
 * depth/normals/instance/flow .npy, labels.json, captions.json, preview.png.
 * Files go into a partial folder that the runner renames when the clip is whole.
 */
import { writeFileAtomic } from "./atomic.ts";
import { kMatrix, toOpenCvPose } from "./camera.ts";
import type { FrameState } from "./frame_state.ts";
import { halfToFloat } from "./half.ts";
import type { InstanceLabel } from "./label_pass.ts";
import { clipBuffers } from "./buffer_pool.ts";
import { allocateNpy, encodeNpy } from "./npy.ts";
import type { ActionEvent, Caption } from "./plugin.ts";
import { contactSheet, type PreviewFrame } from "./preview.ts";
import type { RenderedFrame } from "./renderer.ts";
import type { OutputName } from "./scene_file.ts";
import type { SceneObject } from "./scene.ts";
import { createVideoWriter, type VideoWriter } from "./video.ts";
import { isForeground } from "./foreground.ts";

export const CONVENTIONS = {
  world: "right-handed, +Y up, metres",
  camera: "OpenCV: x right, y down, z forward; world_from_camera maps camera to world",
  pixels: "pixel (i, j) covers [i, i+1) x [j, j+1); K maps camera points to these coordinates",
  depth: "metres along the camera's viewing axis (z in the camera frame); +inf where no surface",
  normals: "unit surface normals in the camera frame (OpenCV axes), float16; 0 on background",
  instance: "instance id per pixel, 0 = background; ids match labels.json objects[].id",
  flow: "forward optical flow in pixels (dx, dy) from frame t to frame t+1; 0 on background",
  bbox: "[x0, y0, x1, y1] in pixel-edge coordinates, x1 and y1 exclusive; null when not visible",
  visibility: "visible pixels / pixels the object would cover in frame if nothing occluded it",
  pose: "world_from_object 4x4, row-major",
  time: "frame t is shown at t / fps seconds",
  alpha: "foreground matte, uint8: 255 where the pixel's instance is a foreground object " +
    "(class not floor/ground/wall/ceiling/room/table/background/clutter, or attributes.foreground), else 0",
  randomization:
    "labels.json randomization.<plugin key>: every value a randomizer drew for the clip",
  sampled: "labels.json sampled: what the scene file's samplers drew for the clip, before " +
    "plugins ran (colours as written: sRGB 0..1; rotations in degrees); plugins may change the " +
    "scene afterwards, so camera.frames and objects[].frames hold what was rendered, and " +
    "objects[].material.color is linear RGB",
  color: "material colours in objects[] are linear RGB 0..1; the scene file's are sRGB",
} as const;

const PREVIEW_FRAMES = 4;

export class ClipRecorder {
  readonly depth: Float32Array;
  readonly normals: Uint16Array;
  readonly instance: Uint32Array;
  readonly flow: Float32Array;
  readonly labels: InstanceLabel[][] = [];
  /** Whole .npy files (header + data) that the arrays above are views into. */
  readonly #files = new Map<"depth" | "normals" | "instance" | "flow", Uint8Array>();
  /** Buffers from the shared pool, given back once the clip's files are written. */
  readonly #pooled: Uint8Array<ArrayBuffer>[] = [];
  readonly #preview = new Map<number, PreviewFrame>();
  readonly #previewAt: Set<number>;
  #received = 0;

  private constructor(
    readonly dir: string,
    readonly frames: number,
    readonly width: number,
    readonly height: number,
    readonly outputs: ReadonlySet<OutputName>,
    readonly video: VideoWriter | undefined,
  ) {
    const want = (o: OutputName) => outputs.has(o);
    // Frames are copied straight into the files' bytes, which are written as they are.
    const file = <D extends "<f4" | "<f2" | "<u4">(
      name: "depth" | "normals" | "instance" | "flow",
      wanted: boolean,
      dtype: D,
      channels: number[],
    ) => {
      if (!wanted) return allocateNpy(dtype, [0]).data;
      // every element is overwritten by add() before the file is written, so a used buffer will do
      const { bytes, data } = allocateNpy(
        dtype,
        [frames, height, width, ...channels],
        (n) => this.#take(n),
      );
      this.#files.set(name, bytes);
      return data;
    };
    this.depth = file("depth", want("depth"), "<f4", []);
    this.normals = file("normals", want("normals"), "<f2", [3]);
    // alpha is derived from the ids at the end of the clip, so it needs them too
    this.instance = file("instance", want("instance") || want("alpha"), "<u4", []);
    this.flow = file("flow", want("flow"), "<f4", [2]);
    const n = Math.min(PREVIEW_FRAMES, frames);
    this.#previewAt = new Set(
      Array.from({ length: n }, (_, i) => Math.round((i * (frames - 1)) / Math.max(1, n - 1))),
    );
  }

  static async create(
    dir: string,
    frames: number,
    width: number,
    height: number,
    fps: number,
    outputs: readonly OutputName[],
    withAudio: boolean,
  ): Promise<ClipRecorder> {
    const set = new Set(outputs);
    const video = set.has("rgb")
      ? await createVideoWriter({
        width,
        height,
        fps,
        audio: withAudio ? { sampleRate: 48000, channels: 2 } : undefined,
      })
      : undefined;
    return new ClipRecorder(dir, frames, width, height, set, video);
  }

  /** Takes frame t's pixels; frames must arrive in order. */
  async add(frame: RenderedFrame): Promise<void> {
    const t = frame.meta.frame;
    if (t !== this.#received) {
      throw new Error(
        `Clip recorder expected frame ${this.#received}, got ${t} (frames out of order)`,
      );
    }
    this.#received++;
    const n = this.width * this.height;
    if (this.depth.length) this.depth.set(frame.depth, t * n);
    if (this.instance.length) this.instance.set(frame.instance, t * n);
    if (this.flow.length) this.flow.set(frame.flow, t * n * 2);
    if (this.normals.length) {
      const dst = this.normals;
      const src = frame.normals;
      for (let i = 0, o = t * n * 3; i < n * 4; i += 4, o += 3) {
        dst[o] = src[i];
        dst[o + 1] = src[i + 1];
        dst[o + 2] = src[i + 2];
      }
    }
    this.labels[t] = frame.labels;
    if (this.#previewAt.has(t) && this.outputs.has("preview")) {
      const normals = new Float32Array(n * 3);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < 3; c++) normals[i * 3 + c] = halfToFloat(frame.normals[i * 4 + c]);
      }
      this.#preview.set(t, {
        rgb: frame.rgb.slice(),
        depth: frame.depth.slice(),
        normals,
        instance: frame.instance.slice(),
      });
    }
    await this.video?.addFrame(frame.rgb);
  }

  #take(byteLength: number): Uint8Array<ArrayBuffer> {
    const buffer = clipBuffers.take(byteLength);
    this.#pooled.push(buffer);
    return buffer;
  }

  get received(): number {
    return this.#received;
  }

  /** Releases the video encoder of a clip that will not be finished. */
  abandon(): void {
    this.video?.close();
  }

  /** Writes every file of the clip into `dir`. */
  async finish(summary: ClipSummary, audio?: Float32Array): Promise<void> {
    if (this.#received !== this.frames) {
      throw new Error(`Clip has ${this.#received} of ${this.frames} frames`);
    }
    const { frames: T, width: W, height: H } = this;
    // Each file is handed to the I/O threads as soon as its bytes exist; the CPU work for the
    // next file (copies, preview) overlaps the previous writes.
    const writes: Promise<void>[] = [];
    const write = (name: string, data: Uint8Array | string) => {
      writes.push(writeFileAtomic(`${this.dir}/${name}`, data));
    };
    if (this.video) {
      if (audio && this.video.addAudio) await this.video.addAudio(audio);
      write("rgb.mp4", await this.video.finish());
    }
    const depth = this.#files.get("depth");
    if (depth) write("depth.npy", depth);
    const normals = this.#files.get("normals");
    if (normals) write("normals.npy", normals);
    if (this.outputs.has("alpha")) {
      const foreground = new Uint8Array(summary.maxId + 1);
      for (const [id, o] of summary.objects) if (isForeground(o)) foreground[id] = 255;
      const alpha = new Uint8Array(this.instance.length);
      for (let i = 0; i < alpha.length; i++) alpha[i] = foreground[this.instance[i]] ?? 0;
      write("alpha.npy", encodeNpy(alpha, [T, H, W]));
    }
    if (this.outputs.has("instance")) {
      if (summary.maxId < 65536) {
        const small = allocateNpy("<u2", [T, H, W], (n) => this.#take(n));
        small.data.set(this.instance);
        write("instance.npy", small.bytes);
      } else {
        write("instance.npy", this.#files.get("instance")!);
      }
    }
    const flow = this.#files.get("flow");
    if (flow) write("flow.npy", flow);
    if (this.#preview.size > 0) {
      const frames = [...this.#preview.keys()].sort((a, b) => a - b).map((t) =>
        this.#preview.get(t)!
      );
      write("preview.png", await contactSheet(frames, W, H));
    }
    write("labels.json", JSON.stringify(this.#labelsJson(summary), null, 2) + "\n");
    write(
      "captions.json",
      JSON.stringify({ clip: summary.clip, captions: summary.captions }, null, 2) + "\n",
    );
    // allSettled first so no write is still running when the caller removes a failed folder.
    const settled = await Promise.allSettled(writes);
    for (const buffer of this.#pooled.splice(0)) clipBuffers.give(buffer);
    const failure = settled.find((r) => r.status === "rejected");
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  #labelsJson(s: ClipSummary) {
    const rowMajor = (m: Float32Array) =>
      [0, 1, 2, 3].map((r) => [m[r], m[4 + r], m[8 + r], m[12 + r]]);
    const objectIds = [...s.objects.keys()].sort((a, b) => a - b);
    const byId = s.states.map((st) => new Map(st.objects.map((o) => [o.id, o])));
    return {
      clip: s.clip,
      seed: s.seed,
      scene: s.scene,
      frames: this.frames,
      fps: s.fps,
      size: [this.width, this.height],
      conventions: CONVENTIONS,
      camera: {
        K: kMatrix(s.states[0].intrinsics),
        frames: s.states.slice(0, this.frames).map((st) => ({
          K: kMatrix(st.intrinsics),
          world_from_camera: toOpenCvPose(st.worldFromCamera),
        })),
      },
      objects: objectIds.map((id) => {
        const o = s.objects.get(id)!;
        return {
          id,
          name: o.name,
          class: o.cls,
          mesh: o.mesh,
          material: o.material,
          attributes: o.attributes,
          frames: s.states.slice(0, this.frames).map((_state, t) => {
            const state = byId[t].get(id);
            const label = this.labels[t]?.[id - 1];
            return {
              present: Boolean(state),
              pose: state ? rowMajor(state.model) : null,
              bbox: label?.bbox ?? null,
              pixels: label?.pixels ?? 0,
              unoccluded: label?.unoccluded ?? 0,
              visibility: label && label.unoccluded > 0
                ? Math.min(1, label.pixels / label.unoccluded)
                : 0,
              depth: label?.depth ?? null,
            };
          }),
        };
      }),
      events: s.events,
      sampled: s.sampled,
      randomization: Object.fromEntries(
        Object.entries(s.records)
          .filter(([, r]) => r.randomization !== undefined)
          .map(([key, r]) => [key, r.randomization]),
      ),
      plugins: s.records,
    };
  }
}

export interface ClipSummary {
  clip: number;
  seed: number;
  scene: string;
  fps: number;
  maxId: number;
  /** Frame states 0..frames (the last is the flow look-ahead). */
  states: FrameState[];
  /** Every object seen during the clip, by id. */
  objects: Map<number, SceneObject>;
  events: ActionEvent[];
  captions: Caption[];
  sampled: Record<string, unknown>;
  records: Record<string, Record<string, unknown>>;
}
