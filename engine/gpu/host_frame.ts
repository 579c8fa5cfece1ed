/**
 * The host arrays each frame is copied into from its staging buffer: five
 * views into one buffer. Frames come from a HostFramePool and go back to it,
 * so a long run allocates no per-frame pixel arrays. A RenderedFrame's arrays
 * are these: they hold the frame until its consumer returns (or its promise
 * settles); whoever keeps a frame longer copies it with copyFrame.
 */
import type { RenderedFrame } from "./frame.ts";

/** Bytes per pixel of each host array, in their order inside the buffer. */
const HOST_LAYOUT = [
  ["rgb", 4],
  ["depth", 4],
  ["normals", 8],
  ["instance", 4],
  ["flow", 8],
] as const;

export type HostArrayName = (typeof HOST_LAYOUT)[number][0];

/** Bytes of one frame's buffer. */
export function hostFrameBytes(width: number, height: number): number {
  return HOST_LAYOUT.reduce((sum, [, bytes]) => sum + bytes * width * height, 0);
}

export class HostFrame {
  readonly rgb: Uint8Array;
  readonly depth: Float32Array;
  readonly normals: Uint16Array;
  readonly instance: Uint32Array;
  readonly flow: Float32Array;

  /** Views into `buffer` (a new one by default), which must hold hostFrameBytes(width, height). */
  constructor(
    readonly width: number,
    readonly height: number,
    readonly buffer: ArrayBufferLike = new ArrayBuffer(hostFrameBytes(width, height)),
  ) {
    if (buffer.byteLength !== hostFrameBytes(width, height)) {
      throw new RangeError(
        `HostFrame: buffer has ${buffer.byteLength} bytes, not a ${width}×${height} frame`,
      );
    }
    const pixels = width * height;
    const at: Record<string, number> = {};
    let offset = 0;
    for (const [name, bytes] of HOST_LAYOUT) {
      at[name] = offset;
      offset += bytes * pixels;
    }
    this.rgb = new Uint8Array(buffer, at.rgb, pixels * 4);
    this.depth = new Float32Array(buffer, at.depth, pixels);
    this.normals = new Uint16Array(buffer, at.normals, pixels * 4);
    this.instance = new Uint32Array(buffer, at.instance, pixels);
    this.flow = new Float32Array(buffer, at.flow, pixels * 2);
  }

  /** The bytes of one target's array, to copy rows into. */
  bytes(name: HostArrayName): Uint8Array {
    const array = this[name];
    return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  }
}

/**
 * Host frames kept for reuse, over SharedArrayBuffers so that the recorder
 * thread can read a frame where it lies: a frame is lent to it by number
 * (nothing is copied or transferred, and no new buffers reach the garbage
 * collector) and taken back when the thread is done with it.
 */
export class HostFramePool {
  /** Every frame this pool made; a frame's number is its index. */
  readonly frames: HostFrame[] = [];
  readonly #free: HostFrame[] = [];
  /**
   * Holders of each frame in use: the taker, and the recorder thread while lent. A frame is free
   * again only when the last one lets go, whichever that is (the thread may return a frame
   * before or after the renderer releases it).
   */
  readonly #holders = new Map<HostFrame, number>();

  constructor(readonly width: number, readonly height: number) {}

  /** A frame not in use: a kept one, or a new one. */
  take(): HostFrame {
    let frame = this.#free.pop();
    if (!frame) {
      const buffer = new SharedArrayBuffer(hostFrameBytes(this.width, this.height));
      frame = new HostFrame(this.width, this.height, buffer);
      this.frames.push(frame);
    }
    this.#holders.set(frame, 1);
    return frame;
  }

  /** The taker is done with `frame` (it stays in use while lent, until `returned`). */
  release(frame: HostFrame): void {
    this.#letGo(frame);
  }

  /** Marks `frame` as in use elsewhere until `returned`. */
  lend(frame: HostFrame): void {
    const holders = this.#holders.get(frame);
    if (!holders) throw new Error("HostFramePool: lending a frame that is not in use");
    this.#holders.set(frame, holders + 1);
  }

  returned(frame: HostFrame): void {
    this.#letGo(frame);
  }

  /** Frames taken or lent and not yet free again. */
  get inUse(): number {
    return this.#holders.size;
  }

  #letGo(frame: HostFrame) {
    const holders = this.#holders.get(frame);
    if (!holders) throw new Error("HostFramePool: a frame was given back twice");
    if (holders > 1) this.#holders.set(frame, holders - 1);
    else {
      this.#holders.delete(frame);
      this.#free.push(frame);
    }
  }

  /** This pool's frame whose views `frame`'s arrays are, if any. */
  owner(frame: RenderedFrame): HostFrame | undefined {
    const host = this.frames.find((f) => f.buffer === frame.rgb.buffer);
    if (!host) return undefined;
    const same = host.rgb === frame.rgb && host.depth === frame.depth &&
      host.normals === frame.normals && host.instance === frame.instance &&
      host.flow === frame.flow;
    return same ? host : undefined;
  }
}

/** A frame whose arrays are its own (the renderer reuses a frame's arrays for the next one). */
export function copyFrame(frame: RenderedFrame): RenderedFrame {
  return {
    ...frame,
    rgb: frame.rgb.slice(),
    depth: frame.depth.slice(),
    normals: frame.normals.slice(),
    instance: frame.instance.slice(),
    flow: frame.flow.slice(),
  };
}
