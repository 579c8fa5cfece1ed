/**
 * Radiance .hdr (RGBE) reader: the flat and the new run-length encoded
 * scanline formats, "-Y H +X W" orientation (the one every HDRI site ships).
 */
import type { EnvironmentImage } from "./render_settings.ts";

export function decodeHdr(bytes: Uint8Array): EnvironmentImage {
  let pos = 0;
  const line = () => {
    let s = "";
    while (pos < bytes.length && bytes[pos] !== 0x0a) s += String.fromCharCode(bytes[pos++]);
    pos++;
    return s;
  };
  const magic = line();
  if (!magic.startsWith("#?")) throw new RangeError("Not a Radiance .hdr file (no #? header)");
  for (;;) {
    if (pos >= bytes.length) throw new RangeError(".hdr header has no resolution line");
    const l = line();
    if (l === "") break;
    if (l.startsWith("FORMAT=") && l !== "FORMAT=32-bit_rle_rgbe") {
      throw new RangeError(`.hdr format "${l.slice(7)}" is not supported (only 32-bit_rle_rgbe)`);
    }
  }
  const m = /^-Y (\d+) \+X (\d+)$/.exec(line().trim());
  if (!m) throw new RangeError('.hdr orientation must be "-Y H +X W"');
  const height = Number(m[1]);
  const width = Number(m[2]);
  const rgbe = new Uint8Array(width * height * 4);
  const scan = new Uint8Array(width * 4);
  for (let y = 0; y < height; y++) {
    const rle = width >= 8 && width < 32768 && bytes[pos] === 2 && bytes[pos + 1] === 2 &&
      ((bytes[pos + 2] << 8) | bytes[pos + 3]) === width;
    if (rle) {
      pos += 4;
      // four planes (r, g, b, e), each run-length encoded separately
      for (let c = 0; c < 4; c++) {
        let x = 0;
        while (x < width) {
          let count = bytes[pos++];
          if (count > 128) {
            count -= 128;
            const v = bytes[pos++];
            for (let i = 0; i < count; i++) scan[(x++) * 4 + c] = v;
          } else {
            if (count === 0 || x + count > width) throw new RangeError(".hdr: bad run length");
            for (let i = 0; i < count; i++) scan[(x++) * 4 + c] = bytes[pos++];
          }
        }
      }
      rgbe.set(scan, y * width * 4);
    } else {
      rgbe.set(bytes.subarray(pos, pos + width * 4), y * width * 4);
      pos += width * 4;
    }
    if (pos > bytes.length) throw new RangeError(".hdr file is truncated");
  }
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const e = rgbe[i * 4 + 3];
    const f = e === 0 ? 0 : 2 ** (e - 136); // (mantissa / 256) · 2^(e − 128)
    data[i * 3] = rgbe[i * 4] * f;
    data[i * 3 + 1] = rgbe[i * 4 + 1] * f;
    data[i * 3 + 2] = rgbe[i * 4 + 2] * f;
  }
  return { width, height, data };
}

/** Encodes an image as flat (uncompressed) RGBE, for tests and exporting skies. */
export function encodeHdr(image: EnvironmentImage): Uint8Array {
  const header = new TextEncoder().encode(
    `#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y ${image.height} +X ${image.width}\n`,
  );
  const out = new Uint8Array(header.length + image.width * image.height * 4);
  out.set(header);
  for (let i = 0; i < image.width * image.height; i++) {
    const r = image.data[i * 3], g = image.data[i * 3 + 1], b = image.data[i * 3 + 2];
    const v = Math.max(r, g, b);
    const o = header.length + i * 4;
    if (v < 1e-32) continue;
    const e = Math.ceil(Math.log2(v) + 1e-9);
    const scale = 256 / 2 ** e;
    out[o] = Math.min(255, Math.floor(r * scale));
    out[o + 1] = Math.min(255, Math.floor(g * scale));
    out[o + 2] = Math.min(255, Math.floor(b * scale));
    out[o + 3] = e + 128;
  }
  return out;
}
