/**
 * Writes one clip's folder as its frames arrive: depth/normals/instance/flow
 * .npy files are streamed frame by frame, rgb.mp4 is encoded frame by frame,
 * and finish() adds labels.json, captions.json, preview.png and alpha.npy.
 * Streaming keeps no clip-sized arrays: each frame goes from the frame buffer
 * to the file (one copy, by the kernel) instead of into a whole-clip array
 * first (measured: that extra copy and the fresh pages it touches cost more
 * than the file writes themselves on the 2-core machine).
 * Files go into a partial folder that the runner renames when the clip is whole,
 * so a file is never seen half-written.
 */
import { writeFileAtomic } from "./atomic.ts";
import type { ClipDocuments } from "./clip_documents.ts";
import { clipBuffers } from "./buffer_pool.ts";
import { allocateNpy, type NpyDtype, npyHeader } from "./npy.ts";
import { contactSheet, previewFrame } from "./preview.ts";
import type { RenderedFrame } from "../gpu/frame.ts";
import type { OutputName } from "../config/scene_file.ts";
import { createVideoWriter, type VideoWriter } from "./video.ts";

const PREVIEW_FRAMES = 4;

/** The pixels of one frame, as a ClipRecorder needs them (a RenderedFrame has them all). */
export type FramePixels = Pick<
  RenderedFrame,
  "meta" | "width" | "height" | "rgb" | "depth" | "normals" | "instance" | "flow"
>;

/** One .npy file written frame by frame: the header first, then each frame's bytes in order. */
class NpyStream {
  #written = 0;

  private constructor(
    readonly path: string,
    readonly file: Deno.FsFile,
    readonly dataBytes: number,
  ) {}

  static async open(path: string, dtype: NpyDtype, shape: number[], elementBytes: number) {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    const stream = new NpyStream(path, file, shape.reduce((a, b) => a * b, 1) * elementBytes);
    try {
      await stream.#writeAll(npyHeader(dtype, shape));
    } catch (error) {
      file.close();
      throw error;
    }
    return stream;
  }

  async write(data: ArrayBufferView): Promise<void> {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    await this.#writeAll(bytes);
    this.#written += bytes.length;
  }

  /** Closes the file; with `check`, fails unless every frame was written. */
  close(check: boolean): void {
    this.file.close();
    if (check && this.#written !== this.dataBytes) {
      throw new Error(`${this.path}: ${this.#written} of ${this.dataBytes} data bytes written`);
    }
  }

  async #writeAll(bytes: Uint8Array) {
    for (let done = 0; done < bytes.length;) done += await this.file.write(bytes.subarray(done));
  }
}

export class ClipRecorder {
  readonly #streams = new Map<"depth" | "normals" | "instance" | "flow", NpyStream>();
  /** Frame-sized scratch arrays, reused every frame. */
  readonly #normalsXyz: Uint16Array;
  #ids16?: Uint16Array;
  /** Every frame's ids, kept only for alpha.npy (made at finish, from the foreground table). */
  #alphaIds?: Uint32Array<ArrayBuffer>;
  readonly #preview = new Map<number, ReturnType<typeof previewFrame>>();
  readonly #previewAt: Set<number>;
  #received = 0;
  #closed = false;

  private constructor(
    readonly dir: string,
    readonly frames: number,
    readonly width: number,
    readonly height: number,
    readonly outputs: ReadonlySet<OutputName>,
    readonly video: VideoWriter | undefined,
  ) {
    const n = Math.min(PREVIEW_FRAMES, frames);
    this.#previewAt = new Set(
      Array.from({ length: n }, (_, i) => Math.round((i * (frames - 1)) / Math.max(1, n - 1))),
    );
    this.#normalsXyz = new Uint16Array(outputs.has("normals") ? width * height * 3 : 0);
    if (outputs.has("alpha")) {
      const bytes = frames * width * height * 4;
      this.#alphaIds = new Uint32Array(clipBuffers.take(bytes).buffer, 0, bytes / 4);
    }
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
    const recorder = new ClipRecorder(dir, frames, width, height, set, video);
    const files = [
      ["depth", "<f4", [], 4],
      ["normals", "<f2", [3], 2],
      ["flow", "<f4", [2], 4],
    ] as const;
    try {
      for (const [name, dtype, channels, bytes] of files) {
        if (!set.has(name)) continue;
        const shape = [frames, height, width, ...channels];
        recorder.#streams.set(
          name,
          await NpyStream.open(`${dir}/${name}.npy`, dtype, shape, bytes),
        );
      }
    } catch (error) {
      recorder.abandon();
      throw error;
    }
    return recorder;
  }

  /** Takes frame t's pixels and writes them; frames must arrive in order. */
  async add(frame: FramePixels): Promise<void> {
    const t = frame.meta.frame;
    if (t !== this.#received) {
      throw new Error(
        `Clip recorder expected frame ${this.#received}, got ${t} (frames out of order)`,
      );
    }
    this.#received++;
    const n = this.width * this.height;
    if (this.outputs.has("instance") && !this.#streams.has("instance")) {
      // uint16 when the ids fit (half the bytes), decided by the first frame's highest id
      const small = frame.meta.maxId < 65536;
      if (small) this.#ids16 = new Uint16Array(n);
      const shape = [this.frames, this.height, this.width];
      const path = `${this.dir}/instance.npy`;
      this.#streams.set(
        "instance",
        await NpyStream.open(path, small ? "<u2" : "<u4", shape, small ? 2 : 4),
      );
    }
    // The writes run on I/O threads while this thread converts the frame for the video.
    const writes: Promise<void>[] = [];
    const write = (name: "depth" | "normals" | "instance" | "flow", data: ArrayBufferView) => {
      const stream = this.#streams.get(name);
      if (stream) writes.push(stream.write(data));
    };
    write("depth", frame.depth);
    if (this.#streams.has("normals")) {
      const dst = this.#normalsXyz;
      const src = frame.normals;
      for (let i = 0, o = 0; i < n * 4; i += 4, o += 3) {
        dst[o] = src[i];
        dst[o + 1] = src[i + 1];
        dst[o + 2] = src[i + 2];
      }
      write("normals", dst);
    }
    if (this.#ids16) {
      if (frame.meta.maxId >= 65536) {
        throw new RangeError(
          `instance ids reached ${frame.meta.maxId} at frame ${t}, after instance.npy was started ` +
            "as uint16 (the first frame's ids fit); spawn the objects by the first frame",
        );
      }
      this.#ids16.set(frame.instance);
      write("instance", this.#ids16);
    } else write("instance", frame.instance);
    write("flow", frame.flow);
    this.#alphaIds?.set(frame.instance, t * n);
    if (this.#previewAt.has(t) && this.outputs.has("preview")) {
      this.#preview.set(t, previewFrame(frame, this.width, this.height));
    }
    try {
      await this.video?.addFrame(frame.rgb);
    } finally {
      // the frame's arrays (and the scratch arrays) must stay untouched until written
      await Promise.all(writes);
    }
  }

  /** Releases the encoder and files of a clip that will not be finished. */
  abandon(): void {
    this.video?.close();
    this.#close(false);
    this.#giveBack();
  }

  /** Writes the rest of the clip's files into `dir`. */
  async finish(documents: ClipDocuments, audio?: Float32Array): Promise<void> {
    if (this.#received !== this.frames) {
      throw new Error(`Clip has ${this.#received} of ${this.frames} frames`);
    }
    try {
      this.#close(true);
      await this.#writeRest(documents, audio);
    } catch (error) {
      this.abandon();
      throw error;
    }
    this.#giveBack();
  }

  async #writeRest(documents: ClipDocuments, audio?: Float32Array) {
    const { frames: T, width: W, height: H } = this;
    // Each file is handed to the I/O threads as soon as its bytes exist; the CPU work for the
    // next file overlaps the previous writes.
    const writes: Promise<void>[] = [];
    const write = (name: string, data: Uint8Array | string) => {
      writes.push(writeFileAtomic(`${this.dir}/${name}`, data));
    };
    if (this.video) {
      if (audio && this.video.addAudio) await this.video.addAudio(audio);
      write("rgb.mp4", await this.video.finish());
    }
    const ids = this.#alphaIds;
    if (ids) {
      const { foreground } = documents;
      const alpha = allocateNpy("|u1", [T, H, W]);
      for (let i = 0; i < ids.length; i++) alpha.data[i] = foreground[ids[i]] ?? 0;
      write("alpha.npy", alpha.bytes);
    }
    if (this.#preview.size > 0) {
      const shown = [...this.#preview.keys()].sort((a, b) => a - b).map((t) =>
        this.#preview.get(t)!
      );
      const { width, height } = shown[0];
      write("preview.png", await contactSheet(shown.map((p) => p.frame), width, height));
    }
    write("labels.json", documents.labels);
    write("captions.json", documents.captions);
    // allSettled first so no write is still running when the caller removes a failed folder.
    const settled = await Promise.allSettled(writes);
    const failure = settled.find((r) => r.status === "rejected");
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  /** Closes the .npy files; with `check`, then fails if one misses frames. */
  #close(check: boolean) {
    if (this.#closed) return;
    this.#closed = true;
    const problems: string[] = [];
    for (const stream of this.#streams.values()) {
      try {
        stream.close(check);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) throw new Error(problems.join("; "));
  }

  #giveBack() {
    if (this.#alphaIds) clipBuffers.give(new Uint8Array(this.#alphaIds.buffer));
    this.#alphaIds = undefined;
  }
}
