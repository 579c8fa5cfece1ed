/**
 * A ring of staging buffers so many frames are in flight at once.
 * Deno's mapAsync resolves no sooner than ~10 ms, so a serial
 * render→map→read loop is capped near 75 fps; with N buffers in flight the
 * waits overlap. Frames are handed back strictly in submission order.
 */

/** Gets a frame's mapped bytes, valid until it returns (or its promise settles). */
type Consume<T> = (bytes: ArrayBuffer, meta: T) => Promise<void> | void;

interface Pending<T> {
  buffer: GPUBuffer;
  mapped: Promise<void>;
  meta: T;
  /** Who gets this frame: the consumer given when it was pushed. */
  consume: Consume<T>;
}

export class ReadbackRing<T> {
  readonly #free: GPUBuffer[] = [];
  readonly #pending: Pending<T>[] = [];

  constructor(
    private readonly device: GPUDevice,
    readonly bytesPerFrame: number,
    readonly depth: number,
  ) {
    for (let i = 0; i < depth; i++) {
      this.#free.push(device.createBuffer({
        label: `ReadbackRing.staging${i}`,
        size: bytesPerFrame,
        usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
      }));
    }
  }

  get inFlight(): number {
    return this.#pending.length;
  }

  /**
   * Gives a free staging buffer to `record` (which encodes copies into it and
   * submits), then starts mapping it; the frame will go to `consume`. When the
   * ring is full, the oldest frame is read first and goes to its own consumer,
   * so frames pushed with different consumers (e.g. two clips) never mix.
   */
  async push(meta: T, record: (staging: GPUBuffer) => void, consume: Consume<T>): Promise<void> {
    if (this.#free.length === 0) {
      const oldest = this.#pending[0];
      await this.#readOldest(oldest.consume);
    }
    const buffer = this.#free.pop()!;
    record(buffer);
    this.#pending.push({ buffer, meta, consume, mapped: buffer.mapAsync(GPUMapMode.READ) });
  }

  /** Reads every frame still in flight, in order, and gives each to `consume` (e.g. to discard them). */
  async drain(consume: Consume<T>): Promise<void> {
    while (this.#pending.length > 0) await this.#readOldest(consume);
  }

  destroy(): void {
    for (const p of this.#pending) p.buffer.destroy();
    for (const b of this.#free) b.destroy();
    this.#pending.length = 0;
    this.#free.length = 0;
  }

  async #readOldest(consume: Consume<T>) {
    const oldest = this.#pending.shift()!;
    await oldest.mapped;
    // The consumer reads the mapped range itself (no per-frame copy here). Deno detaches it on
    // unmap (measured with Deno 2.9.6), as the WebGPU spec says, so it is valid only until
    // `consume` settles; the buffer is unmapped and reused after that.
    try {
      await consume(oldest.buffer.getMappedRange(), oldest.meta);
    } finally {
      oldest.buffer.unmap();
      this.#free.push(oldest.buffer);
    }
  }
}
