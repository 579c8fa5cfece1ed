/**
 * A one-array .npz written as its bytes arrive: a zip archive holding `<name>.npy`, deflated,
 * which `numpy.load(path)[name]` reads. The deflate is the runtime's native zlib (node:zlib; a
 * CompressionStream was 7x slower on the same bytes): a gzip stream, whose member is the raw
 * deflate data between a 10-byte header and a trailer of CRC-32 and length, exactly what a zip
 * entry stores (so no CRC is computed here). Sizes and
 * CRC follow the data in a data descriptor (the stream's length is known only at the end) and
 * again in the central directory. Zip64 is not written: one clip's array stays far below 4 GiB.
 */

import zlib from "node:zlib";
import { DEFLATE_LEVEL } from "./png.ts";

const GZIP_HEADER = 10;
const GZIP_TRAILER = 8;

export class NpzStream {
  readonly #gzip = zlib.createGzip({ level: DEFLATE_LEVEL });
  /** The file writes of the deflate output so far, in order. */
  #written: Promise<void> = Promise.resolve();
  readonly #ended: Promise<void>;
  readonly #name: Uint8Array;
  #skip = GZIP_HEADER;
  #trailer = new Uint8Array(0);
  #compressed = 0;
  #failure?: Error;

  private constructor(readonly path: string, readonly file: Deno.FsFile, entry: string) {
    this.#name = new TextEncoder().encode(entry);
    this.#gzip.on("data", (chunk: Uint8Array) => this.#take(chunk));
    this.#ended = new Promise((resolve, reject) => {
      this.#gzip.on("end", resolve);
      this.#gzip.on("error", reject);
    });
    this.#ended.catch(() => {}); // reported by write() and close()
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

  /** Adds bytes to the entry (copied: they may change once the promise settles). */
  async write(data: ArrayBufferView): Promise<void> {
    if (this.#failure) throw this.#failure;
    const chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    if (!this.#gzip.write(chunk)) {
      await Promise.race([
        new Promise((resolve) => this.#gzip.once("drain", resolve)),
        this.#ended,
      ]);
    }
    await this.#written; // a failed file write is reported here
  }

  /** Ends the entry and writes the descriptor, central directory and end record. */
  async close(): Promise<void> {
    this.#gzip.end();
    await this.#ended;
    await this.#written;
    if (this.#trailer.length !== GZIP_TRAILER) throw new Error(`${this.path}: deflate ended early`);
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
    this.#gzip.destroy();
    try {
      this.file.close();
    } catch {
      // already closed
    }
  }

  /** Queues deflate output for the file, without the gzip header and holding back the trailer. */
  #take(chunk: Uint8Array) {
    if (this.#skip > 0) {
      const cut = Math.min(this.#skip, chunk.length);
      chunk = chunk.subarray(cut);
      this.#skip -= cut;
    }
    const held = new Uint8Array(this.#trailer.length + chunk.length);
    held.set(this.#trailer);
    held.set(chunk, this.#trailer.length);
    const out = held.subarray(0, Math.max(0, held.length - GZIP_TRAILER));
    this.#trailer = held.subarray(out.length);
    if (out.length === 0) return;
    this.#compressed += out.length;
    this.#written = this.#written.then(() => writeAll(this.file, out)).catch((error) => {
      this.#failure ??= error;
      throw this.#failure;
    });
    this.#written.catch(() => {});
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
