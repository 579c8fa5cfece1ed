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
import { encodePng } from "./png.ts";
import { ClipMasks, withMasks } from "./coco_rle.ts";
import type { RenderedFrame } from "../gpu/frame.ts";
import type { OutputName } from "../config/scene_file.ts";
import { createVideoWriter, type VideoWriter } from "./video.ts";
import { NpzStream } from "./npz.ts";
import { frameFile, Png16Writer } from "./gt_png16.ts";
import type { GtFormat } from "../config/gt_format.ts";

const PREVIEW_FRAMES = 4;

/** The pixels of one frame, as a ClipRecorder needs them (a RenderedFrame has them all). */
export type FramePixels = Pick<
  RenderedFrame,
  "meta" | "width" | "height" | "rgb" | "depth" | "normals" | "instance" | "flow"
>;

/** One array's file, written frame by frame (.npy, or .npz: the same array deflated). */
interface ArrayFile {
  write(data: ArrayBufferView): Promise<void>;
  close(check: boolean): Promise<void>;
  abandon(): void;
}

/** A .npz of one array: the bytes counted here, the zip container by NpzStream. */
class CompressedArray implements ArrayFile {
  #written = 0;
  private constructor(readonly zip: NpzStream, readonly dataBytes: number) {}

  static async open(
    path: string,
    dtype: NpyDtype,
    shape: number[],
    elementBytes: number,
  ): Promise<ArrayFile> {
    const array = path.replace(/^.*\//, "").replace(/\.npz$/, "");
    const zip = await NpzStream.open(path, array, npyHeader(dtype, shape));
    return new CompressedArray(zip, shape.reduce((a, b) => a * b, 1) * elementBytes);
  }

  async write(data: ArrayBufferView): Promise<void> {
    await this.zip.write(data);
    this.#written += data.byteLength;
  }

  async close(check: boolean): Promise<void> {
    if (check && this.#written !== this.dataBytes) {
      this.zip.abandon();
      throw new Error(`${this.zip.path}: ${this.#written} of ${this.dataBytes} data bytes written`);
    }
    if (check) await this.zip.close();
    else this.zip.abandon();
  }

  abandon(): void {
    this.zip.abandon();
  }
}

/** One .npy file written frame by frame: the header first, then each frame's bytes in order. */
class NpyStream implements ArrayFile {
  #written = 0;

  private constructor(
    readonly path: string,
    readonly file: Deno.FsFile,
    readonly dataBytes: number,
  ) {}

  static async open(
    path: string,
    dtype: NpyDtype,
    shape: number[],
    elementBytes: number,
  ): Promise<ArrayFile> {
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
  close(check: boolean): Promise<void> {
    this.file.close();
    if (check && this.#written !== this.dataBytes) {
      throw new Error(`${this.path}: ${this.#written} of ${this.dataBytes} data bytes written`);
    }
    return Promise.resolve();
  }

  abandon(): void {
    this.file.close();
  }

  async #writeAll(bytes: Uint8Array) {
    for (let done = 0; done < bytes.length;) done += await this.file.write(bytes.subarray(done));
  }
}

export class ClipRecorder {
  readonly #streams = new Map<"depth" | "normals" | "instance" | "flow", ArrayFile>();
  /** png16's writer (then #streams stays empty). */
  #png16?: Png16Writer;
  /** COCO run-length masks per object and frame (output coco_masks), for labels.json. */
  readonly #masks?: ClipMasks;
  /** Frame-sized scratch arrays, reused every frame. */
  readonly #normalsXyz: Uint16Array;
  #ids16?: Uint16Array;
  /** Every frame's ids, kept only for alpha.npy (made at finish, from the foreground table). */
  #alphaIds?: Uint32Array<ArrayBuffer>;
  readonly #preview = new Map<number, ReturnType<typeof previewFrame>>();
  readonly #previewAt: Set<number>;
  #received = 0;
  #closed = false;
  #rgbScratch?: Uint8Array;

  private constructor(
    readonly dir: string,
    readonly frames: number,
    readonly width: number,
    readonly height: number,
    readonly outputs: ReadonlySet<OutputName>,
    readonly video: VideoWriter | undefined,
    readonly gtFormat: GtFormat,
  ) {
    const n = Math.min(PREVIEW_FRAMES, frames);
    this.#previewAt = new Set(
      Array.from({ length: n }, (_, i) => Math.round((i * (frames - 1)) / Math.max(1, n - 1))),
    );
    if (outputs.has("coco_masks")) this.#masks = new ClipMasks(width, height, frames);
    const xyz = outputs.has("normals") && gtFormat !== "png16";
    this.#normalsXyz = new Uint16Array(xyz ? width * height * 3 : 0);
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
    gtFormat: GtFormat = "npy",
    videoBitrate?: number,
  ): Promise<ClipRecorder> {
    const set = new Set(outputs);
    const video = set.has("rgb")
      ? await createVideoWriter({
        width,
        height,
        fps,
        bitrate: videoBitrate,
        audio: withAudio ? { sampleRate: 48000, channels: 2 } : undefined,
      })
      : undefined;
    const recorder = new ClipRecorder(dir, frames, width, height, set, video, gtFormat);
    // folders of per-frame PNGs: rgb/ (rgb_frames) and png16's outputs
    const folders = [
      ...(set.has("rgb_frames") ? ["rgb"] : []),
      ...(gtFormat === "png16" ? Png16Writer.folders(set) : []),
    ];
    try {
      for (const folder of folders) await Deno.mkdir(`${dir}/${folder}`);
    } catch (error) {
      recorder.abandon();
      throw error;
    }
    if (gtFormat === "png16") {
      recorder.#png16 = new Png16Writer(dir, frames, width, height, set);
      return recorder;
    }
    const files = [
      ["depth", "<f4", [], 4],
      ["normals", "<f2", [3], 2],
      ["flow", "<f4", [2], 4],
    ] as const;
    try {
      for (const [name, dtype, channels, bytes] of files) {
        if (!set.has(name)) continue;
        const shape = [frames, height, width, ...channels];
        recorder.#streams.set(name, await recorder.#openArray(name, dtype, shape, bytes));
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
    const writes: Promise<void>[] = [];
    if (this.outputs.has("rgb_frames")) writes.push(this.#writeRgbFrame(t, frame.rgb));
    this.#masks?.add(t, frame.instance);
    if (this.#png16) writes.push(this.#png16.add(t, frame, frame.meta.maxId));
    else if (this.outputs.has("instance") && !this.#streams.has("instance")) {
      // uint16 when the ids fit (half the bytes), decided by the first frame's highest id
      const small = frame.meta.maxId < 65536;
      if (small) this.#ids16 = new Uint16Array(n);
      const shape = [this.frames, this.height, this.width];
      this.#streams.set(
        "instance",
        await this.#openArray("instance", small ? "<u2" : "<u4", shape, small ? 2 : 4),
      );
    }
    // The writes run on I/O threads while this thread converts the frame for the video.
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
    if (!this.#closed) {
      this.#closed = true;
      for (const stream of this.#streams.values()) stream.abandon();
    }
    this.#png16?.release();
    this.#giveBack();
  }

  /** Writes the rest of the clip's files into `dir`. */
  async finish(documents: ClipDocuments, audio?: Float32Array): Promise<void> {
    if (this.#received !== this.frames) {
      throw new Error(`Clip has ${this.#received} of ${this.frames} frames`);
    }
    try {
      await this.#close();
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
    if (this.#png16) {
      writes.push(this.#png16.finish(documents.ranges?.depth, documents.ranges?.flow));
    }
    if (this.video) {
      if (audio && this.video.addAudio) await this.video.addAudio(audio);
      write("rgb.mp4", await this.video.finish());
    }
    const ids = this.#alphaIds;
    if (ids) {
      const { foreground } = documents;
      const alpha = allocateNpy("|u1", [T, H, W]);
      for (let i = 0; i < ids.length; i++) alpha.data[i] = foreground[ids[i]] ?? 0;
      if (this.gtFormat === "npy") write("alpha.npy", alpha.bytes);
      else if (this.gtFormat === "npz") writes.push(writeNpz(`${this.dir}/alpha.npz`, alpha.bytes));
      else writes.push(writePngFrames(this.dir, "alpha", alpha.data, T, W, H));
    }
    if (this.#preview.size > 0) {
      const shown = [...this.#preview.keys()].sort((a, b) => a - b).map((t) =>
        this.#preview.get(t)!
      );
      const { width, height } = shown[0];
      write("preview.png", await contactSheet(shown.map((p) => p.frame), width, height));
    }
    write(
      "labels.json",
      this.#masks ? withMasks(documents.labels, this.#masks.toJson()) : documents.labels,
    );
    write("captions.json", documents.captions);
    // allSettled first so no write is still running when the caller removes a failed folder.
    const settled = await Promise.allSettled(writes);
    const failure = settled.find((r) => r.status === "rejected");
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  /** Closes the array files; fails if one misses frames. */
  async #close() {
    if (this.#closed) return;
    this.#closed = true;
    const problems: string[] = [];
    for (const stream of this.#streams.values()) {
      try {
        await stream.close(true);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) throw new Error(problems.join("; "));
  }

  /** Frame t's lossless rgb as rgb/TTTTT.png (8-bit RGB; the frame's alpha byte dropped). */
  async #writeRgbFrame(t: number, rgba: Uint8Array) {
    const n = this.width * this.height;
    const rgb = this.#rgbScratch ??= new Uint8Array(n * 3);
    for (let i = 0, o = 0; i < n * 4; i += 4, o += 3) {
      rgb[o] = rgba[i];
      rgb[o + 1] = rgba[i + 1];
      rgb[o + 2] = rgba[i + 2];
    }
    const png = await encodePng(rgb, this.width, this.height, 3, "up");
    await Deno.writeFile(`${this.dir}/${frameFile("rgb", t)}`, png);
  }

  /** An array file of this recorder's format (.npy or .npz) for output `name`. */
  #openArray(name: string, dtype: NpyDtype, shape: number[], bytes: number): Promise<ArrayFile> {
    return this.gtFormat === "npz"
      ? CompressedArray.open(`${this.dir}/${name}.npz`, dtype, shape, bytes)
      : NpyStream.open(`${this.dir}/${name}.npy`, dtype, shape, bytes);
  }

  #giveBack() {
    if (this.#alphaIds) clipBuffers.give(new Uint8Array(this.#alphaIds.buffer));
    this.#alphaIds = undefined;
  }
}

/** A whole .npy's bytes as a one-array .npz (the array named after the file). */
async function writeNpz(path: string, npy: Uint8Array): Promise<void> {
  const array = path.replace(/^.*\//, "").replace(/\.npz$/, "");
  const headerBytes = npy.indexOf(0x0a) + 1; // the .npy header ends with a newline
  const zip = await NpzStream.open(path, array, npy.subarray(0, headerBytes));
  try {
    await zip.write(npy.subarray(headerBytes));
  } catch (error) {
    zip.abandon();
    throw error;
  }
  await zip.close();
}

/** T frames of 8-bit grey as dir/output/TTTTT.png. */
async function writePngFrames(
  dir: string,
  output: string,
  data: Uint8Array,
  frames: number,
  width: number,
  height: number,
): Promise<void> {
  await Deno.mkdir(`${dir}/${output}`, { recursive: true });
  const n = width * height;
  for (let t = 0; t < frames; t++) {
    const png = await encodePng(data.subarray(t * n, (t + 1) * n), width, height, 1, "up");
    await Deno.writeFile(`${dir}/${frameFile(output, t)}`, png);
  }
}
