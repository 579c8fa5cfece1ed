/**
 * OpenEXR reader for environment maps, through the maintained `parse-exr` decoder (uncompressed,
 * RLE, ZIP, PIZ, DWAA/DWAB; half or float channels). Returns linear RGB, top row first.
 */
import parseExr from "parse-exr";
import type { EnvironmentImage } from "./render_settings.ts";

export class ExrError extends Error {
  override name = "ExrError";
}

/** Decodes `bytes` (an .exr file's contents); `file` names it in errors. */
export function decodeExr(bytes: Uint8Array, file: string): EnvironmentImage {
  if (
    bytes.length < 8 || bytes[0] !== 0x76 || bytes[1] !== 0x2f || bytes[2] !== 0x31 ||
    bytes[3] !== 0x01
  ) {
    throw new ExrError(`${file}: not an OpenEXR file (no magic number)`);
  }
  let exr;
  try {
    // parse-exr may read past the end of a truncated file: give it a copy it owns.
    exr = parseExr(bytes.slice().buffer, 1015);
  } catch (error) {
    throw new ExrError(
      `${file}: cannot decode (${(error as Error).message}); truncated or damaged?`,
    );
  }
  const { width, height, data } = exr;
  const channels = data.length / (width * height);
  if (!Number.isInteger(channels) || channels < 3) {
    throw new ExrError(`${file}: expected RGB(A) channels, got ${channels} per pixel`);
  }
  // The decoder returns the bottom row first (GL texture order): flip to top first.
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = (height - 1 - y) * width;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const v = data[(from + x) * channels + c];
        if (!Number.isFinite(v)) throw new ExrError(`${file}: pixel (${x}, ${y}) is not finite`);
        out[(y * width + x) * 3 + c] = Math.max(0, v);
      }
    }
  }
  return { width, height, data: out };
}
