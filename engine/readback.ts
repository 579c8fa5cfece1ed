/**
 * A ring of staging buffers so many frames are in flight at once.
 * Deno's mapAsync resolves no sooner than ~10 ms, so a serial
 * render→map→read loop is capped near 75 fps; with N buffers in flight the
 * waits overlap. Frames are handed back strictly in submission order.
 */

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
    // The bytes must outlive unmap, which detaches the mapped ArrayBuffer (Deno 2.9.6, as the
    // WebGPU spec says). Deno's mapped range is already a JS-owned copy of the mapping, so
    // transfer() keeps it without copying again (slice(0) took ~0.3-0.9 ms per 256² frame);
    // measured: transferred bytes stay intact after the buffer is mapped and written again.
    const bytes = oldest.buffer.getMappedRange().transfer();
    oldest.buffer.unmap();
    this.#free.push(oldest.buffer);
    await consume(bytes, oldest.meta);
  }
}
