/** IEEE half-float bits → number (the GPU writes normals as rgba16float). */
const table = new Float32Array(65536);
for (let h = 0; h < 65536; h++) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  table[h] = exponent === 0
    ? sign * 2 ** -14 * (mantissa / 1024)
    : exponent === 31
    ? (mantissa ? NaN : sign * Infinity)
    : sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

export function halfToFloat(bits: number): number {
  return table[bits & 0xffff];
}
