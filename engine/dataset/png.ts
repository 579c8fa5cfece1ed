/**
 * 8-bit RGB PNG encoder on the runtime's native deflate (CompressionStream's
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

/** PNG bytes of `rgb` (width × height × 3, top row first), rows unfiltered. */
export async function encodeRgbPng(
  rgb: Uint8Array,
  width: number,
  height: number,
): Promise<Uint8Array> {
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`encodeRgbPng: ${rgb.length} bytes is not ${width}×${height}×3`);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  // compression, filter method and interlace stay 0
  const row = width * 3;
  // reused between calls (fresh pages cost more than the copy); the Blob below copies it
  if (scanlines.length !== (row + 1) * height) scanlines = new Uint8Array((row + 1) * height);
  for (let y = 0; y < height; y++) {
    // each row starts with its filter type, 0 = none
    scanlines.set(rgb.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
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
