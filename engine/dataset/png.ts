/**
 * PNG encoder (8- and 16-bit, 1–4 channels) on the runtime's native deflate (CompressionStream's
 * "deflate" is the zlib format PNG stores). fast-png deflates in JavaScript
 * (pako): ~30 ms for a 1030² contact sheet here, against ~6 ms natively.
 */

let scanlines = new Uint8Array(0);

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

async function deflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** length, type, data, CRC of type + data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Row filter: none, or "up" (each byte minus the byte above: smooth images deflate smaller). */
export type PngFilter = "none" | "up";

const COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const; // grey, grey+alpha, truecolour, +alpha

/**
 * PNG bytes of `samples` (height rows of width × channels samples, top row first): 8-bit for a
 * Uint8Array, 16-bit (stored big-endian, as PNG says) for a Uint16Array.
 */
export async function encodePng(
  samples: Uint8Array | Uint16Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  filter: PngFilter = "none",
): Promise<Uint8Array> {
  if (samples.length !== width * height * channels) {
    throw new RangeError(
      `encodePng: ${samples.length} samples is not ${width}×${height}×${channels}`,
    );
  }
  const bytesPerSample = samples instanceof Uint16Array ? 2 : 1;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = bytesPerSample * 8; // bit depth
  header[9] = COLOUR_TYPE[channels];
  // compression, filter method and interlace stay 0
  const row = width * channels * bytesPerSample;
  // reused between calls (fresh pages cost more than the copy); the Blob below copies it
  if (scanlines.length !== (row + 1) * height) scanlines = new Uint8Array((row + 1) * height);
  const bytes = bytesPerSample === 1 ? samples as Uint8Array : bigEndian(samples as Uint16Array);
  for (let y = 0; y < height; y++) {
    const at = y * (row + 1);
    const line = bytes.subarray(y * row, (y + 1) * row);
    if (filter === "none" || y === 0) {
      scanlines[at] = filter === "up" ? 2 : 0; // row 0's "up" neighbour is zero
      scanlines.set(line, at + 1);
      continue;
    }
    scanlines[at] = 2;
    const above = bytes.subarray((y - 1) * row, y * row);
    for (let i = 0; i < row; i++) scanlines[at + 1 + i] = line[i] - above[i];
  }
  const parts = [
    new Uint8Array(SIGNATURE),
    chunk("IHDR", header),
    chunk("IDAT", await deflate(scanlines)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

let swapped = new Uint8Array(0);

/** 16-bit samples as big-endian bytes (a scratch array reused between calls). */
function bigEndian(samples: Uint16Array): Uint8Array {
  if (swapped.length !== samples.length * 2) swapped = new Uint8Array(samples.length * 2);
  for (let i = 0, o = 0; i < samples.length; i++, o += 2) {
    const v = samples[i];
    swapped[o] = v >>> 8;
    swapped[o + 1] = v & 0xff;
  }
  return swapped;
}

/** PNG bytes of `rgb` (width × height × 3, top row first), rows unfiltered. */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`encodeRgbPng: ${rgb.length} bytes is not ${width}×${height}×3`);
  }
  return encodePng(rgb, width, height, 3);
}
