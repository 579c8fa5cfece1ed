/**
 * A one-array .npz written as its bytes arrive: a zip archive holding `<name>.npy`, deflated,
 * which `numpy.load(path)[name]` reads. The deflate is the runtime's native one: a gzip
 * CompressionStream, whose member is the raw deflate data between a 10-byte header and a trailer
 * of CRC-32 and length, exactly what a zip entry stores (so no CRC is computed here). Sizes and
 * CRC follow the data in a data descriptor (the stream's length is known only at the end) and
 * again in the central directory. Zip64 is not written: one clip's array stays far below 4 GiB.
 */

const GZIP_HEADER = 10;
const GZIP_TRAILER = 8;

export class NpzStream {
  readonly #writer: WritableStreamDefaultWriter<BufferSource>;
  readonly #pumped: Promise<void>;
  readonly #name: Uint8Array;
  #trailer = new Uint8Array(0);
  #compressed = 0;
  /** Never settles unless the pump fails; then rejects with its error. */
  readonly #failed: Promise<never>;

  private constructor(readonly path: string, readonly file: Deno.FsFile, entry: string) {
    this.#name = new TextEncoder().encode(entry);
    const gzip = new CompressionStream("gzip");
    this.#writer = gzip.writable.getWriter();
    this.#pumped = this.#pump(gzip.readable);
    this.#failed = this.#pumped.then(() => new Promise<never>(() => {}));
    this.#failed.catch(() => {}); // reported by write() and close()
  }

  /** Creates `path` holding the entry `<array>.npy`, which starts with `npyHeader`. */
  static async open(path: string, array: string, npyHeader: Uint8Array): Promise<NpzStream> {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    const stream = new NpzStream(path, file, `${array}.npy`);
    try {
      await writeAll(file, stream.#localHeader());
      await stream.write(npyHeader);
    } catch (error) {
      stream.abandon();
      throw error;
    }
    return stream;
  }

  /** Adds bytes to the entry; they may change once the promise settles. */
  async write(data: ArrayBufferView): Promise<void> {
    // CompressionStream takes no shared memory (frames are SharedArrayBuffers): slice copies
    const chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    // a failed file write stops the pump, and then the stream would wait forever
    await Promise.race([this.#writer.write(chunk), this.#failed]);
  }

  /** Ends the entry and writes the descriptor, central directory and end record. */
  async close(): Promise<void> {
    await this.#writer.close();
    await this.#pumped;
    const trailer = new DataView(this.#trailer.buffer, this.#trailer.byteOffset, GZIP_TRAILER);
    const crc = trailer.getUint32(0, true);
    const size = trailer.getUint32(4, true); // modulo 2^32, exact below 4 GiB
    const descriptor = new DataView(new ArrayBuffer(16));
    descriptor.setUint32(0, 0x08074b50, true);
    descriptor.setUint32(4, crc, true);
    descriptor.setUint32(8, this.#compressed, true);
    descriptor.setUint32(12, size, true);
    const localBytes = 30 + this.#name.length;
    const central = this.#centralHeader(crc, size);
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, 1, true); // entries on this disk
    end.setUint16(10, 1, true); // entries
    end.setUint32(12, central.length, true);
    end.setUint32(16, localBytes + this.#compressed + 16, true); // where the directory starts
    try {
      await writeAll(this.file, new Uint8Array(descriptor.buffer));
      await writeAll(this.file, central);
      await writeAll(this.file, new Uint8Array(end.buffer));
    } finally {
      this.file.close();
    }
  }

  /** Closes the file of an entry that will not be finished. */
  abandon(): void {
    this.#writer.abort().catch(() => {});
    try {
      this.file.close();
    } catch {
      // already closed
    }
  }

  /** Writes the deflate data as it comes, without the gzip header and holding back the trailer. */
  async #pump(readable: ReadableStream<Uint8Array>) {
    let skip = GZIP_HEADER;
    for await (let chunk of readable) {
      if (skip > 0) {
        const cut = Math.min(skip, chunk.length);
        chunk = chunk.subarray(cut);
        skip -= cut;
      }
      const held = new Uint8Array(this.#trailer.length + chunk.length);
      held.set(this.#trailer);
      held.set(chunk, this.#trailer.length);
      const out = held.subarray(0, Math.max(0, held.length - GZIP_TRAILER));
      this.#trailer = held.subarray(out.length);
      if (out.length > 0) {
        await writeAll(this.file, out);
        this.#compressed += out.length;
      }
    }
    if (this.#trailer.length !== GZIP_TRAILER) throw new Error(`${this.path}: deflate ended early`);
  }

  #localHeader(): Uint8Array {
    const header = new Uint8Array(30 + this.#name.length);
    const view = new DataView(header.buffer);
    view.setUint32(0, 0x04034b50, true);
    view.setUint16(4, 20, true); // version needed: 2.0 (deflate)
    view.setUint16(6, 0x0008, true); // sizes and CRC follow the data
    view.setUint16(8, 8, true); // deflate
    view.setUint16(12, 0x21, true); // 1980-01-01 00:00: a fixed time keeps the bytes reproducible
    view.setUint16(26, this.#name.length, true);
    header.set(this.#name, 30);
    return header;
  }

  #centralHeader(crc: number, size: number): Uint8Array {
    const header = new Uint8Array(46 + this.#name.length);
    const view = new DataView(header.buffer);
    view.setUint32(0, 0x02014b50, true);
    view.setUint16(4, 20, true); // made by: 2.0
    view.setUint16(6, 20, true);
    view.setUint16(8, 0x0008, true);
    view.setUint16(10, 8, true);
    view.setUint16(14, 0x21, true);
    view.setUint32(16, crc, true);
    view.setUint32(20, this.#compressed, true);
    view.setUint32(24, size, true);
    view.setUint16(28, this.#name.length, true);
    // offset of the local header (42) is 0: the entry starts the file
    header.set(this.#name, 46);
    return header;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array) {
  for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
}
