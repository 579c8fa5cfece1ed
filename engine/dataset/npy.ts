// NumPy .npy (format version 1.0) writer, plus a small reader for tests and tools.
// Format: magic "\x93NUMPY", version bytes, little-endian u16 header length, then an ASCII
// Python dict literal padded with spaces and a final "\n" so the data starts on a 64-byte
// boundary (what numpy itself does, so files can be memory-mapped with aligned data).

export type NpyDtype = "<f4" | "<u4" | "<u2" | "|u1" | "<f2" | "<i4";

export type NpyArray = Float32Array | Uint32Array | Uint16Array | Uint8Array | Int32Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;

// The typed array that carries each dtype. "<f2" has no JS array type, so callers pass the
// raw half-float bits in a Uint16Array.
const ARRAY_FOR_DTYPE = {
  "<f4": Float32Array,
  "<u4": Uint32Array,
  "<u2": Uint16Array,
  "|u1": Uint8Array,
  "<f2": Uint16Array,
  "<i4": Int32Array,
} as const;

// We copy typed-array memory straight into the file, which is only correct on little-endian
// hosts (every platform Deno ships for); fail loudly rather than write byte-swapped data.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function inferDtype(data: NpyArray): NpyDtype {
  if (data instanceof Float32Array) return "<f4";
  if (data instanceof Uint32Array) return "<u4";
  if (data instanceof Uint16Array) return "<u2";
  if (data instanceof Uint8Array) return "|u1";
  if (data instanceof Int32Array) return "<i4";
  throw new TypeError("encodeNpy: unsupported array type");
}

function checkShape(shape: number[], length: number): void {
  let product = 1;
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new RangeError(`npy: bad dimension ${dim} in shape [${shape}]`);
    }
    product *= dim;
  }
  if (product !== length) {
    throw new RangeError(`npy: shape [${shape}] holds ${product} elements, data has ${length}`);
  }
}

/** Python tuple syntax: (), (5,), (2, 3). */
function shapeTuple(shape: number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

/** The header of a version 1.0 .npy file (magic, version, length, padded dict). */
export function npyHeader(descr: NpyDtype, shape: number[]): Uint8Array {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error("encodeNpy: big-endian hosts are not supported");
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  // 10 = magic (6) + version (2) + header length (2); +1 for the terminating newline.
  const unpadded = 10 + dict.length + 1;
  const padding = (ALIGN - (unpadded % ALIGN)) % ALIGN;
  const header = dict + " ".repeat(padding) + "\n";
  if (header.length > 0xffff) throw new RangeError("encodeNpy: header too long for version 1.0");
  const out = new Uint8Array(10 + header.length);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

/** Encode a C-ordered little-endian array as .npy bytes. */
export function encodeNpy(data: NpyArray, shape: number[], dtype?: NpyDtype): Uint8Array {
  const descr = dtype ?? inferDtype(data);
  if (!(data instanceof ARRAY_FOR_DTYPE[descr])) {
    throw new TypeError(`encodeNpy: dtype ${descr} needs a ${ARRAY_FOR_DTYPE[descr].name}`);
  }
  checkShape(shape, data.length);
  const header = npyHeader(descr, shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}

/** The array type that holds each dtype's elements. */
export type NpyArrayOf<D extends NpyDtype> = InstanceType<(typeof ARRAY_FOR_DTYPE)[D]>;

/**
 * A whole .npy file in one buffer, header written, with its data array as a view
 * into it: filling `data` fills the file, so it can be written without a copy.
 * `allocate` may hand out a used buffer (a pool's): the caller then fills all of `data`.
 */
export function allocateNpy<D extends NpyDtype>(
  dtype: D,
  shape: number[],
  allocate: (byteLength: number) => Uint8Array<ArrayBuffer> = (n) => new Uint8Array(n),
): { bytes: Uint8Array; data: NpyArrayOf<D> } {
  const header = npyHeader(dtype, shape);
  const Type = ARRAY_FOR_DTYPE[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  checkShape(shape, count);
  // the header is a multiple of 64 bytes long, so the data is aligned for every dtype
  const bytes = allocate(header.length + count * Type.BYTES_PER_ELEMENT);
  bytes.set(header, 0);
  const data = new Type(bytes.buffer, header.length, count) as NpyArrayOf<D>;
  return { bytes, data };
}

/** Decode .npy bytes written by encodeNpy or numpy (versions 1-3, C order, our dtypes only). */
export function decodeNpy(bytes: Uint8Array): { dtype: NpyDtype; shape: number[]; data: NpyArray } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new TypeError("decodeNpy: not an .npy file");
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Version 1 stores the header length in 2 bytes; versions 2 and 3 use 4.
  const lengthBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw new TypeError(`decodeNpy: unsupported version ${major}`);
  const headerLength = lengthBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataOffset = headerStart + headerLength;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, dataOffset));

  const descrMatch = header.match(/'descr'\s*:\s*'([^']+)'/);
  const fortranMatch = header.match(/'fortran_order'\s*:\s*(True|False)/);
  const shapeMatch = header.match(/'shape'\s*:\s*\(([^)]*)\)/);
  if (!descrMatch || !fortranMatch || !shapeMatch) {
    throw new TypeError(`decodeNpy: cannot parse header ${header.trim()}`);
  }
  if (fortranMatch[1] === "True") throw new TypeError("decodeNpy: Fortran order is not supported");
  // numpy writes uint8 as "|u1"; accept the equivalent spellings too.
  const raw = descrMatch[1];
  const dtype = (raw === "<u1" || raw === "u1" ? "|u1" : raw) as NpyDtype;
  if (!(dtype in ARRAY_FOR_DTYPE)) throw new TypeError(`decodeNpy: unsupported dtype ${raw}`);
  const shape = shapeMatch[1].split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);

  const ArrayType = ARRAY_FOR_DTYPE[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * ArrayType.BYTES_PER_ELEMENT;
  if (dataOffset + byteLength > bytes.length) throw new RangeError("decodeNpy: file is truncated");
  // slice() copies into a fresh, aligned buffer (the input's offset may not be aligned).
  const copy = bytes.slice(dataOffset, dataOffset + byteLength);
  const data = new ArrayType(copy.buffer, 0, count);
  return { dtype, shape, data };
}
