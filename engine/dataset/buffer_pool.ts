/**
 * Big byte buffers kept for reuse between clips (the .npy files a ClipRecorder
 * fills). A fresh buffer costs a page fault for every 4 KiB the first time a
 * frame is copied into it (measured ~0.5 ms per 256² frame of all outputs); a
 * reused one is already mapped. Callers must overwrite every byte they use:
 * a taken buffer holds whatever its last user left.
 */
export class BufferPool {
  readonly #free: Uint8Array<ArrayBuffer>[] = [];

  /** Keeps at most `capacity` buffers; the oldest given back is dropped first. */
  constructor(readonly capacity = 12) {}

  /** A buffer of exactly `byteLength` bytes: a kept one when there is one, else new (zeroed). */
  take(byteLength: number): Uint8Array<ArrayBuffer> {
    const i = this.#free.findIndex((b) => b.byteLength === byteLength);
    if (i < 0) return new Uint8Array(byteLength);
    return this.#free.splice(i, 1)[0];
  }

  /** Hands `buffer` back; nothing may use it afterwards. */
  give(buffer: Uint8Array<ArrayBuffer>): void {
    if (buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength) return;
    this.#free.push(buffer);
    if (this.#free.length > this.capacity) this.#free.shift();
  }

  /** Drops every kept buffer. */
  clear(): void {
    this.#free.length = 0;
  }
}

/** The pool clip recorders share (one render loop per process). */
export const clipBuffers = new BufferPool();
