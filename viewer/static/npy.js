// NumPy .npy reader for the browser (format versions 1-3, C order, little-endian).
// float16 has no typed array in every browser, so "<f2" is widened to a Float32Array here.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const TYPED = {
  "<f4": Float32Array,
  "<f8": Float64Array,
  "<u4": Uint32Array,
  "<u2": Uint16Array,
  "|u1": Uint8Array,
  "<i4": Int32Array,
  "<i2": Int16Array,
  "|i1": Int8Array,
  "|b1": Uint8Array,
};

/** IEEE 754 half-float bits → number. */
export function halfToFloat(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal (or zero)
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Widens half-float bits to float32, via a 64k lookup table (one pass over big normal maps). */
let halfTable = null;
function widenHalf(bits) {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfToFloat(i);
  }
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfTable[bits[i]];
  return out;
}

/** Parses .npy bytes: { dtype, shape, data } with data a typed array (float16 → Float32Array). */
export function parseNpy(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error("not an .npy file");
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new Error(`unsupported .npy version ${major}`);
  const view = new DataView(buffer);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataOffset = headerStart + headerLength;
  const header = new TextDecoder("latin1").decode(bytes.subarray(headerStart, dataOffset));

  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`bad .npy header: ${header}`);
  if (fortran === "True") throw new Error("Fortran-ordered .npy is not supported");
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  const count = shape.reduce((a, b) => a * b, 1);

  const dtype = descr === "<u1" || descr === "u1" ? "|u1" : descr;
  if (dtype === "<f2") {
    if (dataOffset + count * 2 > bytes.length) throw new Error(".npy file is truncated");
    const bits = new Uint16Array(buffer.slice(dataOffset, dataOffset + count * 2));
    return { dtype, shape, data: widenHalf(bits) };
  }
  const ArrayType = TYPED[dtype];
  if (!ArrayType) throw new Error(`unsupported .npy dtype ${descr}`);
  const byteLength = count * ArrayType.BYTES_PER_ELEMENT;
  if (dataOffset + byteLength > bytes.length) throw new Error(".npy file is truncated");
  // Copy so the typed array starts on an aligned offset whatever the header length was.
  return { dtype, shape, data: new ArrayType(buffer.slice(dataOffset, dataOffset + byteLength)) };
}

export async function fetchNpy(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return parseNpy(await response.arrayBuffer());
}

/**
 * A per-frame view of a [T, H, W] or [T, H, W, C] array: frame(t) returns the t-th slice
 * (t clamped to the frames the file has), channels is C (1 when there is no channel axis).
 */
export function framesOf(array) {
  const [frames, height, width, channels = 1] = array.shape;
  if (array.shape.length < 3) throw new Error(`expected [T, H, W(, C)], got [${array.shape}]`);
  const stride = height * width * channels;
  return {
    frames,
    width,
    height,
    channels,
    frame(t) {
      const i = Math.max(0, Math.min(frames - 1, t));
      return array.data.subarray(i * stride, (i + 1) * stride);
    },
  };
}
