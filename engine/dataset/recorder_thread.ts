/**
 * Clip recording on a second thread. The render loop's thread spends most of
 * a frame waiting for the software rasterizer; the H.264 conversion, the
 * .npy streams, the preview and the file writes of a ClipRecorder run on a
 * worker meanwhile. The renderer's host frames are SharedArrayBuffers: a
 * frame is lent to the worker by number (no copy, no transfer) and given back
 * once it is written. At most `maxOutstanding` frames are lent at a time,
 * which bounds memory when recording is slower than rendering.
 */
import { clipDocuments, type ClipSummary } from "./clip_documents.ts";
import { hostFrameBytes, type HostFramePool } from "../gpu/host_frame.ts";
import type { InstanceLabel } from "../gpu/label_pass.ts";
import type { RenderedFrame } from "../gpu/frame.ts";
import type { GtRanges } from "../config/gt_format.ts";
import { widenDepthRange, widenFlowRange } from "./gt_png16.ts";
import type { ClipOptions, RecorderReply, RecorderRequest } from "./recorder_messages.ts";

export class RecorderThread {
  readonly #worker: Worker;
  readonly #clips = new Map<number, ClipRecording>();
  readonly #waiting: (() => void)[] = [];
  /** Frames the worker has seen (their buffers were sent once). */
  readonly #shared = new Set<number>();
  readonly maxOutstanding: number;
  #outstanding = 0;
  #broken?: Error;

  constructor(readonly pool: HostFramePool) {
    // up to 12 frames, and at most ~64 MB of them (2 at 1024² and more)
    const frameBytes = hostFrameBytes(pool.width, pool.height);
    this.maxOutstanding = Math.max(2, Math.min(12, Math.floor(64e6 / frameBytes)));
    this.#worker = new Worker(new URL("./recorder_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker.onmessage = (event: MessageEvent<RecorderReply>) => this.#receive(event.data);
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#break(new Error(`recorder thread failed: ${event.message}`));
    };
  }

  /** Frames lent to the worker and not yet returned. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** Starts recording a clip into `options.dir`. */
  open(options: ClipOptions): ClipRecording {
    if (this.#broken) throw this.#broken;
    const recording = new ClipRecording(this, options);
    this.#clips.set(options.clip, recording);
    this.post({ op: "open", ...options });
    return recording;
  }

  /** Stops the worker; clips not finished by then fail. */
  close(): void {
    this.#break(new Error("recorder thread closed"));
    this.#worker.terminate();
  }

  /** Lends `frame` to the worker for clip `clip` (waiting while too many are lent). */
  async lend(clip: number, frame: RenderedFrame): Promise<void> {
    while (this.#outstanding >= this.maxOutstanding && !this.#broken) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    if (this.#broken) throw this.#broken;
    let host = this.pool.owner(frame);
    const copied = !host;
    if (!host) {
      // not one of the renderer's frames (e.g. a copy): copy it into one
      host = this.pool.take();
      host.rgb.set(frame.rgb);
      host.depth.set(frame.depth);
      host.normals.set(frame.normals);
      host.instance.set(frame.instance);
      host.flow.set(frame.flow);
    }
    const slot = this.pool.frames.indexOf(host);
    const first = !this.#shared.has(slot);
    this.#shared.add(slot);
    this.pool.lend(host);
    if (copied) this.pool.release(host); // only the worker holds the copy now
    this.#outstanding++;
    const { width, height } = host;
    this.post({
      op: "frame",
      clip,
      meta: frame.meta,
      slot,
      width,
      height,
      buffer: first ? host.buffer as SharedArrayBuffer : undefined,
    });
  }

  post(message: RecorderRequest): void {
    if (this.#broken) throw this.#broken;
    this.#worker.postMessage(message);
  }

  forget(clip: number): void {
    this.#clips.delete(clip);
  }

  #receive(reply: RecorderReply) {
    if (reply.op === "returned") {
      this.pool.returned(this.pool.frames[reply.slot]);
      this.#outstanding--;
      this.#waiting.shift()?.();
      return;
    }
    const recording = this.#clips.get(reply.clip);
    if (!recording) return;
    if (reply.op === "failed") recording.fail(new Error(reply.message));
    else recording.settle();
  }

  #break(error: Error) {
    if (this.#broken) return;
    this.#broken = error;
    for (const recording of this.#clips.values()) recording.fail(error);
    this.#clips.clear();
    for (const wake of this.#waiting.splice(0)) wake();
  }
}

/** One clip being recorded on the worker; the render loop's side of a ClipRecorder. */
export class ClipRecording {
  /** Each frame's labels, kept here for labels.json and the audio track. */
  readonly labels: InstanceLabel[][] = [];
  readonly #ranges: GtRanges = {};
  #received = 0;
  #failure?: Error;
  readonly #ended: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: Error) => void;

  constructor(readonly thread: RecorderThread, readonly options: ClipOptions) {
    this.#ended = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#ended.catch(() => {}); // reported through add/finish/abandon
  }

  /**
   * Lends frame t to the worker; frames must arrive in order. The frame's
   * arrays must not change until the worker returns them (the renderer does
   * not reuse a lent frame).
   */
  async add(frame: RenderedFrame): Promise<void> {
    if (this.#failure) throw this.#failure;
    const t = frame.meta.frame;
    if (t !== this.#received) {
      throw new Error(
        `Clip recorder expected frame ${this.#received}, got ${t} (frames out of order)`,
      );
    }
    this.#received++;
    this.labels[t] = frame.labels;
    if (this.options.gtFormat === "png16") {
      // png16 quantizes depth and flow over the clip's ranges, written into labels.json
      if (this.options.outputs.includes("depth")) {
        this.#ranges.depth = widenDepthRange(this.#ranges.depth, frame.depth);
      }
      if (this.options.outputs.includes("flow")) {
        this.#ranges.flow = widenFlowRange(this.#ranges.flow, frame.flow);
      }
    }
    await this.thread.lend(this.options.clip, frame);
  }

  /** Writes the rest of the clip's files; settles when the whole folder is written. */
  async finish(summary: ClipSummary, audio?: Float32Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#received !== this.options.frames) {
      throw new Error(`Clip has ${this.#received} of ${this.options.frames} frames`);
    }
    const { frames, width, height } = this.options;
    const documents = clipDocuments(summary, this.labels, frames, width, height, {
      format: this.options.gtFormat,
      ranges: this.options.gtFormat === "png16" ? this.#ranges : undefined,
    });
    this.thread.post({ op: "finish", clip: this.options.clip, documents, audio });
    try {
      await this.#ended;
    } finally {
      this.thread.forget(this.options.clip);
    }
  }

  /** Drops a clip that will not be finished; settles when its files are closed. */
  async abandon(): Promise<void> {
    try {
      this.thread.post({ op: "abandon", clip: this.options.clip });
      await this.#ended;
    } catch {
      // a broken worker holds no files
    } finally {
      this.thread.forget(this.options.clip);
    }
  }

  fail(error: Error): void {
    this.#failure ??= error;
    this.#reject(error);
  }

  settle(): void {
    this.#resolve();
  }
}
