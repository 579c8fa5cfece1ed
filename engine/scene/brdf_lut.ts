/**
 * The split-sum BRDF table (Karis 2013): for a view angle and roughness, the
 * GGX/Smith specular reflectance of the hemisphere splits into f0·A + B, so an
 * environment's specular light is prefiltered radiance × (f0·A + B). A and B
 * are integrated here once by importance sampling the GGX lobe, on the CPU
 * (a 32×32 table takes milliseconds) and uploaded as rgba16float.
 */
import { floatToHalf } from "./environment.ts";

/** Table edge: rows are roughness, columns n·v, both sampled at texel centres. */
export const BRDF_LUT_SIZE = 32;

/** Radical inverse in base 2: the second Hammersley coordinate of sample i. */
function radicalInverse(i: number): number {
  let bits = i >>> 0;
  bits = ((bits << 16) | (bits >>> 16)) >>> 0;
  bits = (((bits & 0x55555555) << 1) | ((bits & 0xaaaaaaaa) >>> 1)) >>> 0;
  bits = (((bits & 0x33333333) << 2) | ((bits & 0xcccccccc) >>> 2)) >>> 0;
  bits = (((bits & 0x0f0f0f0f) << 4) | ((bits & 0xf0f0f0f0) >>> 4)) >>> 0;
  bits = (((bits & 0x00ff00ff) << 8) | ((bits & 0xff00ff00) >>> 8)) >>> 0;
  return bits * 2.3283064365386963e-10;
}

/** Smith G for image-based light (k = α/2, α = roughness²), both directions. */
function smithIbl(nDotV: number, nDotL: number, roughness: number): number {
  const k = (roughness * roughness) / 2;
  return (nDotV / (nDotV * (1 - k) + k)) * (nDotL / (nDotL * (1 - k) + k));
}

/** [A, B] for one view angle and (perceptual) roughness. */
export function splitSum(nDotV: number, roughness: number, samples = 512): [number, number] {
  const v = [Math.sqrt(1 - nDotV * nDotV), 0, nDotV];
  const a = roughness * roughness;
  let scale = 0, bias = 0;
  for (let i = 0; i < samples; i++) {
    const phi = (2 * Math.PI * (i + 0.5)) / samples;
    const u = radicalInverse(i);
    const cosT = Math.sqrt((1 - u) / (1 + (a * a - 1) * u));
    const sinT = Math.sqrt(1 - cosT * cosT);
    const h = [sinT * Math.cos(phi), sinT * Math.sin(phi), cosT];
    const vDotH = v[0] * h[0] + v[1] * h[1] + v[2] * h[2];
    const nDotL = 2 * vDotH * h[2] - v[2];
    if (nDotL <= 0) continue;
    const nDotH = Math.max(h[2], 0);
    // sample weight G·(v·h)/((n·h)(n·v)): the GGX pdf divided out of BRDF × n·l
    const g = smithIbl(nDotV, nDotL, roughness) * Math.max(vDotH, 0) / (nDotH * nDotV);
    const fresnel = (1 - Math.max(vDotH, 0)) ** 5;
    scale += (1 - fresnel) * g;
    bias += fresnel * g;
  }
  return [scale / samples, bias / samples];
}

/** The table as rgba16float texels (r = A, g = B), row = roughness, column = n·v. */
export function brdfLut(size = BRDF_LUT_SIZE): Uint16Array<ArrayBuffer> {
  const data = new Uint16Array(size * size * 4);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const [a, b] = splitSum((col + 0.5) / size, (row + 0.5) / size);
      const at = (row * size + col) * 4;
      data[at] = floatToHalf(a);
      data[at + 1] = floatToHalf(b);
      data[at + 3] = 0x3c00;
    }
  }
  return data;
}
