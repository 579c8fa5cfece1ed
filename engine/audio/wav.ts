/**
 * WAV (RIFF/WAVE) reading and writing.
 *
 * Reads integer PCM (8, 16, 24, 32 bit) and IEEE float (32, 64 bit), plain or
 * WAVE_FORMAT_EXTENSIBLE, any channel count and sample rate, into float
 * channels in [-1, 1]. Writes float32 (exact, for stems and mixes whose sum
 * must hold) or 16-bit PCM. Every error names the file and what is wrong.
 * The writer stamps nothing variable (no dates, no tool names), so equal
 * samples give equal bytes.
 */

/** Decoded audio: one Float32Array per channel, all the same length. */
export interface WavAudio {
  sampleRate: number;
  channels: Float32Array[];
  /** How the file stored its samples, e.g. "pcm16", "pcm24", "float32". */
  encoding: string;
}

export type WavEncoding = "float32" | "pcm16";

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

/** Thrown for files that are not WAV, are damaged, or use an encoding we do not read. */
export class WavError extends Error {
  override name = "WavError";
  constructor(readonly file: string, readonly problem: string) {
    super(`Cannot read WAV "${file}": ${problem}`);
  }
}

function fourCC(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** Decodes WAV bytes; `file` only names the source in errors. */
export function decodeWav(bytes: Uint8Array, file = "<bytes>"): WavAudio {
  const fail = (problem: string): never => {
    throw new WavError(file, problem);
  };
  if (bytes.length < 12) fail(`file is ${bytes.length} bytes, too short for a RIFF header`);
  if (fourCC(bytes, 0) !== "RIFF" || fourCC(bytes, 8) !== "WAVE") {
    const what = fourCC(bytes, 0) === "RIFX" ? "big-endian RIFX is not supported" : "";
    fail(what || `not a RIFF/WAVE file (starts with "${fourCC(bytes, 0).replace(/\W/g, "?")}")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let fmt: { tag: number; channels: number; rate: number; align: number; bits: number } | null =
    null;
  let data: { start: number; size: number } | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = fourCC(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      if (size < 16 || body + size > bytes.length) fail(`fmt chunk is truncated (${size} bytes)`);
      let tag = view.getUint16(body, true);
      if (tag === FORMAT_EXTENSIBLE) {
        // The real format is the first two bytes of the sub-format GUID.
        if (size < 40) fail("WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes");
        tag = view.getUint16(body + 24, true);
      }
      fmt = {
        tag,
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        align: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === "data") {
      // Writers that stream sometimes leave the size as 0 or too large: take what is there.
      const available = bytes.length - body;
      data = { start: body, size: size === 0 || size > available ? available : size };
      if (fmt) break;
    }
    at = body + size + (size % 2); // chunks are padded to even sizes
  }
  if (!fmt) return fail("no fmt chunk");
  if (!data) return fail("no data chunk");

  const { tag, channels, rate, bits } = fmt;
  if (channels < 1) fail("the fmt chunk says 0 channels");
  if (rate < 1 || rate > 768_000) fail(`unsupported sample rate ${rate} Hz`);
  let encoding: string;
  if (tag === FORMAT_PCM && [8, 16, 24, 32].includes(bits)) encoding = `pcm${bits}`;
  else if (tag === FORMAT_FLOAT && (bits === 32 || bits === 64)) encoding = `float${bits}`;
  else if (tag === FORMAT_PCM || tag === FORMAT_FLOAT) {
    return fail(`unsupported ${tag === FORMAT_PCM ? "PCM" : "float"} bit depth ${bits}`);
  } else {
    const known: Record<number, string> = { 2: "ADPCM", 6: "A-law", 7: "mu-law", 0x55: "MP3" };
    return fail(
      `unsupported encoding (format tag ${tag}${known[tag] ? ` = ${known[tag]}` : ""}); ` +
        "use PCM 8/16/24/32-bit or float32",
    );
  }
  const bytesPerSample = bits / 8;
  const frameBytes = bytesPerSample * channels;
  if (fmt.align !== frameBytes) {
    fail(`block align ${fmt.align} does not match ${channels} channels of ${bits} bits`);
  }
  // A partial last frame is dropped rather than refusing an otherwise good file.
  const frames = Math.floor(data.size / frameBytes);

  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const p = data.start + i * frameBytes + c * bytesPerSample;
      let v: number;
      switch (encoding) {
        case "pcm8":
          v = (bytes[p] - 128) / 128;
          break;
        case "pcm16":
          v = view.getInt16(p, true) / 32768;
          break;
        case "pcm24": {
          const u = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16);
          v = ((u << 8) >> 8) / 8388608; // sign-extend 24 bits
          break;
        }
        case "pcm32":
          v = view.getInt32(p, true) / 2147483648;
          break;
        case "float32":
          v = view.getFloat32(p, true);
          break;
        default:
          v = view.getFloat64(p, true);
      }
      if (!Number.isFinite(v)) fail(`sample ${i} of channel ${c} is not a finite number`);
      out[c][i] = v;
    }
  }
  return { sampleRate: rate, channels: out, encoding };
}

/** Reads and decodes a WAV file; missing or unreadable files also get errors naming the file. */
export async function readWav(path: string): Promise<WavAudio> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "file not found" : String(error);
    throw new WavError(path, reason);
  }
  return decodeWav(bytes, path);
}

/** Averages the channels into one (what a point source emits). */
export function toMono(audio: WavAudio): Float32Array {
  const [first, ...rest] = audio.channels;
  if (rest.length === 0) return first;
  const out = new Float32Array(first.length);
  for (let i = 0; i < out.length; i++) {
    let sum = first[i];
    for (const channel of rest) sum += channel[i];
    out[i] = sum / audio.channels.length;
  }
  return out;
}

/**
 * Encodes channels (equal lengths) as a WAV file. float32 stores the samples
 * exactly; pcm16 clamps to [-1, 1] and rounds to the nearest step.
 */
export function encodeWav(
  channels: readonly Float32Array[],
  sampleRate: number,
  encoding: WavEncoding = "float32",
): Uint8Array {
  if (channels.length < 1) throw new RangeError("encodeWav: no channels");
  const frames = channels[0].length;
  if (channels.some((c) => c.length !== frames)) {
    throw new RangeError("encodeWav: channels differ in length");
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1) {
    throw new RangeError(`encodeWav: bad sample rate ${sampleRate}`);
  }
  const isFloat = encoding === "float32";
  const bytesPerSample = isFloat ? 4 : 2;
  const align = bytesPerSample * channels.length;
  const dataSize = frames * align;
  // Non-PCM formats carry an 18-byte fmt (cbSize = 0) and a fact chunk, per the RIFF spec.
  const fmtSize = isFloat ? 18 : 16;
  const factSize = isFloat ? 12 : 0;
  const headerSize = 12 + 8 + fmtSize + factSize + 8;
  const bytes = new Uint8Array(headerSize + dataSize + (dataSize % 2));
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < 4; i++) bytes[at + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, bytes.length - 8, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, isFloat ? FORMAT_FLOAT : FORMAT_PCM, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * align, true);
  view.setUint16(32, align, true);
  view.setUint16(34, bytesPerSample * 8, true);
  let at = 36;
  if (isFloat) {
    view.setUint16(at, 0, true); // cbSize
    at += 2;
    ascii(at, "fact");
    view.setUint32(at + 4, 4, true);
    view.setUint32(at + 8, frames, true);
    at += 12;
  }
  ascii(at, "data");
  view.setUint32(at + 4, dataSize, true);
  at += 8;
  for (let i = 0; i < frames; i++) {
    for (const channel of channels) {
      const v = channel[i];
      if (isFloat) {
        view.setFloat32(at, v, true);
      } else {
        const clamped = Math.max(-1, Math.min(1, v));
        view.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(clamped * 32768))), true);
      }
      at += bytesPerSample;
    }
  }
  return bytes;
}
