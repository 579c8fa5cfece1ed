/**
 * The sun of a real environment map, taken out as a light. An HDRI's sun is a few very bright
 * pixels: left in the map it lights everything through the blurred irradiance, with no shadow.
 * Taken out (the pixels clamped to the sky around them, their surplus energy summed into a
 * directional light along their centroid) it casts the shadow the picture shows.
 */
import { equirectDirection } from "./environment.ts";
import type { EnvironmentImage } from "./render_settings.ts";
import type { Vec3 } from "./vector.ts";

export interface ExtractedSun {
  /** Degrees above the horizon and azimuth (0 = −Z, 90 = +X) in the unrotated map. */
  elevation: number;
  azimuth: number;
  /** RGB irradiance on a surface facing the sun (the light's colour × intensity). */
  irradiance: Vec3;
  /** Solid angle of the clamped pixels, steradians. */
  solidAngle: number;
}

const luminance = (r: number, g: number, b: number) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/** A sun is at least this many times brighter than the map's mean luminance. */
const SUN_CONTRAST = 50;
/** ...and gives at least this share of the irradiance on a surface facing it. */
const SUN_SHARE = 0.1;
/** Largest sun, as a share of the sphere (a bright window or lamp is not a sun). */
const MAX_SUN_SHARE = 0.01;

/** The map with its sun clamped away and the sun as a light, or the map unchanged and no sun. */
export function extractSun(
  image: EnvironmentImage,
): { image: EnvironmentImage; sun?: ExtractedSun } {
  const { width: w, height: h, data } = image;
  const n = w * h;
  const Y = new Float32Array(n);
  const dOmega = (y: number) =>
    (2 * Math.PI / w) * (Math.PI / h) * Math.sin(((y + 0.5) / h) * Math.PI);
  let mean = 0, weight = 0, peak = 0;
  for (let i = 0; i < n; i++) {
    Y[i] = luminance(data[i * 3], data[i * 3 + 1], data[i * 3 + 2]);
    const o = dOmega(Math.floor(i / w));
    mean += Y[i] * o;
    weight += o;
    if (Y[i] > Y[peak]) peak = i;
  }
  mean /= weight;
  const threshold = SUN_CONTRAST * mean;
  if (!(Y[peak] > threshold)) return { image };
  // The bright blob around the peak (8-connected, wrapping around in azimuth).
  const inSun = new Uint8Array(n);
  const stack = [peak];
  inSun[peak] = 1;
  let solidAngle = 0;
  const blob: number[] = [];
  while (stack.length > 0) {
    const i = stack.pop()!;
    blob.push(i);
    solidAngle += dOmega(Math.floor(i / w));
    if (solidAngle > MAX_SUN_SHARE * 4 * Math.PI) return { image };
    const x = i % w, y = Math.floor(i / w);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        const j = yy * w + ((x + dx + w) % w);
        if (!inSun[j] && Y[j] > threshold) {
          inSun[j] = 1;
          stack.push(j);
        }
      }
    }
  }
  const clamped = new Float32Array(data);
  const irradiance: Vec3 = [0, 0, 0];
  const centroid: Vec3 = [0, 0, 0];
  for (const i of blob) {
    const x = i % w, y = Math.floor(i / w);
    const o = dOmega(y);
    const keep = threshold / Y[i];
    for (let c = 0; c < 3; c++) {
      const surplus = data[i * 3 + c] * (1 - keep);
      clamped[i * 3 + c] = data[i * 3 + c] * keep;
      irradiance[c] += surplus * o;
    }
    const d = equirectDirection((x + 0.5) / w, (y + 0.5) / h);
    const e = (Y[i] - threshold) * o;
    for (let c = 0; c < 3; c++) centroid[c] += d[c] * e;
  }
  // Irradiance the rest of the map gives a surface facing the sun: the sun must matter.
  const norm = Math.hypot(...centroid);
  const toSun = centroid.map((v) => v / norm) as Vec3;
  let rest = 0;
  for (let i = 0; i < n; i++) {
    const d = equirectDirection(((i % w) + 0.5) / w, (Math.floor(i / w) + 0.5) / h);
    const cos = d[0] * toSun[0] + d[1] * toSun[1] + d[2] * toSun[2];
    if (cos > 0) {
      rest += luminance(clamped[i * 3], clamped[i * 3 + 1], clamped[i * 3 + 2]) * cos *
        dOmega(Math.floor(i / w));
    }
  }
  const sunY = luminance(...irradiance);
  if (sunY < SUN_SHARE * (sunY + rest)) return { image };
  const elevation = (Math.asin(Math.max(-1, Math.min(1, toSun[1]))) * 180) / Math.PI;
  const azimuth = (Math.atan2(toSun[0], -toSun[2]) * 180) / Math.PI;
  return {
    image: { width: w, height: h, data: clamped },
    sun: { elevation, azimuth, irradiance, solidAngle },
  };
}

/** Irradiance luminance on an upward-facing surface (sky above the horizon, cosine-weighted). */
export function upwardIrradiance(image: EnvironmentImage): number {
  const { width: w, height: h, data } = image;
  let e = 0;
  for (let y = 0; y < h / 2; y++) {
    const theta = ((y + 0.5) / h) * Math.PI;
    const o = (2 * Math.PI / w) * (Math.PI / h) * Math.sin(theta) * Math.cos(theta);
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      e += luminance(data[i], data[i + 1], data[i + 2]) * o;
    }
  }
  return e;
}
