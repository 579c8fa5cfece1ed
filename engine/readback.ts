/**
 * A ring of staging buffers so many frames are in flight at once.
 * Deno's mapAsync resolves no sooner than ~10 ms, so a serial
 * render→map→read loop is capped near 75 fps; with N buffers in flight the
 * waits overlap. Frames are handed back strictly in submission order.
 */

interface Pending<T> {
  buffer: GPUBuffer;
  mapped: Promise<void>;
  meta: T;
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
   * submits), then starts mapping it. When the ring is full, the oldest frame
   * is read first and passed to `consume`.
   */
  async push(
    meta: T,
    record: (staging: GPUBuffer) => void,
    consume: (bytes: ArrayBuffer, meta: T) => Promise<void> | void,
  ): Promise<void> {
    if (this.#free.length === 0) await this.#readOldest(consume);
    const buffer = this.#free.pop()!;
    record(buffer);
    this.#pending.push({ buffer, meta, mapped: buffer.mapAsync(GPUMapMode.READ) });
  }

  /** Reads every frame still in flight, in order. */
  async drain(consume: (bytes: ArrayBuffer, meta: T) => Promise<void> | void): Promise<void> {
    while (this.#pending.length > 0) await this.#readOldest(consume);
  }

  destroy(): void {
    for (const p of this.#pending) p.buffer.destroy();
    for (const b of this.#free) b.destroy();
    this.#pending.length = 0;
    this.#free.length = 0;
  }

  async #readOldest(consume: (bytes: ArrayBuffer, meta: T) => Promise<void> | void) {
    const oldest = this.#pending.shift()!;
    await oldest.mapped;
    // Copy out so the bytes outlive unmap on every WebGPU implementation.
    const bytes = oldest.buffer.getMappedRange().slice(0);
    oldest.buffer.unmap();
    this.#free.push(oldest.buffer);
    await consume(bytes, oldest.meta);
  }
}
