/**
 * Kubric-style quantized ground truth: one 16-bit PNG per frame and output, in a folder per
 * output (depth/00000.png …). Depth and flow are quantized over the clip's range (recorded in
 * labels.json ground_truth), so those two are held for the whole clip and written at the end;
 * normals (fixed range) and instance ids (exact) are written frame by frame. The decode formulas
 * are PNG16_DECODE; tests hold every output to its stated worst-case error.
 */
import { clipBuffers } from "./buffer_pool.ts";
import { halfToFloat } from "./half.ts";
import { encodePng } from "./png.ts";
import type { Range } from "../config/gt_format.ts";

/** How to read a png16 dataset back (dataset.json ground_truth.decode). */
export const PNG16_DECODE = {
  depth: "depth/TTTTT.png, 16-bit grey q: 0 = no surface (+inf); else depth = min + (q - 1) * " +
    "(max - min) / 65534, [min, max] = labels.json ground_truth.depth_range; error <= " +
    "(max - min) / 131068",
  flow: "flow/TTTTT.png, 16-bit RGB (q_dx, q_dy, 0): flow = min + q * (max - min) / 65535, " +
    "[min, max] = labels.json ground_truth.flow_range (both components); error <= (max - min) / 131070",
  normals: "normals/TTTTT.png, 16-bit RGB q: (0, 0, 0) = background (normal 0); else n = q / " +
    "32767.5 - 1 per component; error <= 1 / 65535 (plus float16's own)",
  instance: "instance/TTTTT.png, 8-bit grey when every id is below 256, else 16-bit: the id, exact",
} as const;

/** Frame t's file inside an output's folder. */
export function frameFile(output: string, t: number): string {
  return `${output}/${String(t).padStart(5, "0")}.png`;
}

/** Range of a clip's depth so far (finite values only), widened by `depth`. */
export function widenDepthRange(range: Range | undefined, depth: Float32Array): Range | undefined {
  let [lo, hi] = range ?? [Infinity, -Infinity];
  for (let i = 0; i < depth.length; i++) {
    const d = depth[i];
    if (d < lo) lo = d;
    if (d > hi && d !== Infinity) hi = d;
  }
  return lo <= hi ? [lo, hi] : range;
}

/** Range of a clip's flow components so far, widened by `flow`. */
export function widenFlowRange(range: Range | undefined, flow: Float32Array): Range {
  let [lo, hi] = range ?? [Infinity, -Infinity];
  for (let i = 0; i < flow.length; i++) {
    const f = flow[i];
    if (f < lo) lo = f;
    if (f > hi) hi = f;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

export function quantizeDepth(depth: Float32Array, [lo, hi]: Range, out: Uint16Array): void {
  const scale = hi > lo ? 65534 / (hi - lo) : 0;
  for (let i = 0; i < depth.length; i++) {
    const d = depth[i];
    out[i] = d === Infinity ? 0 : 1 + Math.round((d - lo) * scale);
  }
}

/** (dx, dy) pairs → (q_dx, q_dy, 0) triples. */
export function quantizeFlow(flow: Float32Array, [lo, hi]: Range, out: Uint16Array): void {
  const scale = hi > lo ? 65535 / (hi - lo) : 0;
  for (let i = 0, o = 0; i < flow.length; i += 2, o += 3) {
    out[o] = Math.round((flow[i] - lo) * scale);
    out[o + 1] = Math.round((flow[i + 1] - lo) * scale);
    out[o + 2] = 0;
  }
}

/** Quantized value of each float16 bit pattern: round((n + 1) * 32767.5), clamped to 0..65535. */
let normalLevels: Uint16Array | undefined;

/** rgba16float normal bits (4 per pixel) → 3 quantized components; background stays 0. */
export function quantizeNormals(halves: Uint16Array, out: Uint16Array): void {
  const levels = normalLevels ??= Uint16Array.from(
    { length: 65536 },
    (_, bits) => Math.min(65535, Math.max(0, Math.round((halfToFloat(bits) + 1) * 32767.5))) || 0,
  );
  for (let i = 0, o = 0; i < halves.length; i += 4, o += 3) {
    const x = halves[i], y = halves[i + 1], z = halves[i + 2];
    if ((x | y | z) & 0x7fff) {
      out[o] = levels[x];
      out[o + 1] = levels[y];
      out[o + 2] = levels[z];
    } else out[o] = out[o + 1] = out[o + 2] = 0;
  }
}

/** Writes one clip's png16 ground truth into `dir` (its output folders must exist). */
export class Png16Writer {
  readonly #pixels: number;
  /** The clip's depth and flow, quantized at the end over their ranges. */
  #depth?: Float32Array<ArrayBuffer>;
  #flow?: Float32Array<ArrayBuffer>;
  readonly #normals: Uint16Array;
  #ids8?: Uint8Array;
  #ids16?: Uint16Array;

  constructor(
    readonly dir: string,
    readonly frames: number,
    readonly width: number,
    readonly height: number,
    readonly outputs: ReadonlySet<string>,
  ) {
    const n = this.#pixels = width * height;
    if (outputs.has("depth")) this.#depth = this.#clipArray(frames * n);
    if (outputs.has("flow")) this.#flow = this.#clipArray(frames * n * 2);
    this.#normals = new Uint16Array(outputs.has("normals") ? n * 3 : 0);
  }

  /** Output folders of this writer (made by the caller before the first frame). */
  static folders(outputs: ReadonlySet<string>): string[] {
    return ["depth", "normals", "instance", "flow"].filter((o) => outputs.has(o));
  }

  /** Takes frame t's arrays: keeps depth and flow, writes normals and instance now. */
  async add(
    t: number,
    frame: { depth: Float32Array; normals: Uint16Array; instance: Uint32Array; flow: Float32Array },
    maxId: number,
  ): Promise<void> {
    const n = this.#pixels;
    this.#depth?.set(frame.depth, t * n);
    this.#flow?.set(frame.flow, t * n * 2);
    const writes: Promise<void>[] = [];
    if (this.outputs.has("normals")) {
      quantizeNormals(frame.normals, this.#normals);
      writes.push(this.#write("normals", t, this.#normals, 3));
    }
    if (this.outputs.has("instance")) {
      // the id width is the first frame's choice, like instance.npy's dtype
      if (!this.#ids8 && !this.#ids16) {
        if (maxId < 256) this.#ids8 = new Uint8Array(n);
        else this.#ids16 = new Uint16Array(n);
      }
      const ids = this.#ids8 ?? this.#ids16!;
      const limit = this.#ids8 ? 256 : 65536;
      if (maxId >= limit) {
        throw new RangeError(
          `instance ids reached ${maxId} at frame ${t}, after instance/ was started with ` +
            `${
              this.#ids8 ? 8 : 16
            }-bit PNGs (the first frame's ids fit); spawn the objects by the first frame`,
        );
      }
      ids.set(frame.instance);
      writes.push(this.#write("instance", t, ids, 1));
    }
    await Promise.all(writes);
  }

  /** Writes the held depth and flow frames, quantized over the clip's ranges. */
  async finish(depthRange: Range | undefined, flowRange: Range | undefined): Promise<void> {
    const n = this.#pixels;
    if (this.#depth) {
      const q = new Uint16Array(n);
      for (let t = 0; t < this.frames; t++) {
        quantizeDepth(this.#depth.subarray(t * n, (t + 1) * n), depthRange ?? [0, 0], q);
        await this.#write("depth", t, q, 1);
      }
    }
    if (this.#flow) {
      const q = new Uint16Array(n * 3);
      for (let t = 0; t < this.frames; t++) {
        quantizeFlow(this.#flow.subarray(t * n * 2, (t + 1) * n * 2), flowRange ?? [0, 0], q);
        await this.#write("flow", t, q, 3);
      }
    }
    this.release();
  }

  /** Gives the clip-sized arrays back for the next clip. */
  release(): void {
    for (const array of [this.#depth, this.#flow]) {
      if (array) clipBuffers.give(new Uint8Array(array.buffer));
    }
    this.#depth = this.#flow = undefined;
  }

  #clipArray(length: number): Float32Array<ArrayBuffer> {
    return new Float32Array(clipBuffers.take(length * 4).buffer, 0, length);
  }

  async #write(output: string, t: number, samples: Uint8Array | Uint16Array, channels: 1 | 3) {
    const png = await encodePng(samples, this.width, this.height, channels, "up");
    await Deno.writeFile(`${this.dir}/${frameFile(output, t)}`, png);
  }
}
