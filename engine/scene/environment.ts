/**
 * Environment maps: procedural skies (so nothing has to be downloaded), the
 * equirectangular direction mapping shared with gbuffer.wgsl, diffuse
 * irradiance as 9 spherical-harmonic coefficients, and the mip chain uploaded
 * as rgba16float.
 *
 * Mapping: pixel (u, v) in [0,1]² looks along θ = v·π from +Y, φ = (u − ½)·2π
 * − rotation, direction (sin φ sin θ, cos θ, −cos φ sin θ); u = ½ looks down −Z.
 */
import type { EnvironmentImage } from "./render_settings.ts";
import type { Vec3 } from "./scene.ts";

export const SKY_PRESETS = ["clear", "sunset", "overcast", "dusk", "studio"] as const;
export type SkyPreset = typeof SKY_PRESETS[number];

export interface SkyOptions {
  preset: SkyPreset;
  /** Sun elevation above the horizon and azimuth (from −Z towards +X), degrees. */
  sunElevation: number;
  sunAzimuth: number;
  width?: number;
}

interface SkyLook {
  zenith: Vec3;
  horizon: Vec3;
  ground: Vec3;
  sun: Vec3;
  /** Sun disc half-angle (degrees) and glow width. */
  sunSize: number;
  glow: number;
}

// Linear radiance; the sun disc is bright enough to read as the key light.
const LOOKS: Record<SkyPreset, SkyLook> = {
  clear: {
    zenith: [0.16, 0.32, 0.75],
    horizon: [0.62, 0.75, 0.92],
    ground: [0.18, 0.16, 0.14],
    sun: [60, 56, 50],
    sunSize: 1.2,
    glow: 0.5,
  },
  sunset: {
    zenith: [0.14, 0.16, 0.38],
    horizon: [1.0, 0.5, 0.22],
    ground: [0.12, 0.08, 0.07],
    sun: [50, 26, 10],
    sunSize: 1.5,
    glow: 1.2,
  },
  overcast: {
    zenith: [0.62, 0.64, 0.68],
    horizon: [0.75, 0.76, 0.78],
    ground: [0.2, 0.2, 0.2],
    sun: [1.2, 1.2, 1.2],
    sunSize: 12,
    glow: 0.3,
  },
  dusk: {
    zenith: [0.03, 0.04, 0.12],
    horizon: [0.3, 0.22, 0.35],
    ground: [0.04, 0.035, 0.04],
    sun: [6, 3, 2],
    sunSize: 2,
    glow: 0.8,
  },
  studio: {
    zenith: [0.9, 0.9, 0.9],
    horizon: [0.45, 0.45, 0.47],
    ground: [0.12, 0.12, 0.12],
    sun: [12, 12, 12],
    sunSize: 10,
    glow: 0.2,
  },
};

/** Angular diameter (degrees) of a procedural sky's sun disc: its shadows soften as much. */
export function skySunDiameter(preset: SkyPreset): number {
  return 2 * LOOKS[preset].sunSize;
}

/** World direction of the centre of equirect pixel (u, v) in [0,1]². */
export function equirectDirection(u: number, v: number, rotationDeg = 0): Vec3 {
  const theta = v * Math.PI;
  const phi = (u - 0.5) * 2 * Math.PI - (rotationDeg * Math.PI) / 180;
  return [Math.sin(phi) * Math.sin(theta), Math.cos(theta), -Math.cos(phi) * Math.sin(theta)];
}

/** Unit direction towards a point at elevation/azimuth (degrees); azimuth 0 = −Z, 90 = +X. */
export function directionFromAngles(elevationDeg: number, azimuthDeg: number): Vec3 {
  const el = (elevationDeg * Math.PI) / 180;
  const az = (azimuthDeg * Math.PI) / 180;
  return [Math.sin(az) * Math.cos(el), Math.sin(el), -Math.cos(az) * Math.cos(el)];
}

/** A procedural sky: zenith–horizon gradient, darker ground, sun disc with glow. */
export function proceduralSky(options: SkyOptions): EnvironmentImage {
  const width = options.width ?? 256;
  const height = width / 2;
  const look = LOOKS[options.preset];
  const sun = directionFromAngles(options.sunElevation, options.sunAzimuth);
  const cosDisc = Math.cos((look.sunSize * Math.PI) / 180);
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = equirectDirection((x + 0.5) / width, (y + 0.5) / height);
      const up = d[1];
      const c: number[] = [0, 0, 0];
      const sunCos = d[0] * sun[0] + d[1] * sun[1] + d[2] * sun[2];
      for (let k = 0; k < 3; k++) {
        if (up >= 0) {
          const t = Math.pow(1 - up, 3);
          c[k] = look.zenith[k] * (1 - t) + look.horizon[k] * t;
        } else {
          const t = Math.min(1, -up * 6);
          c[k] = look.horizon[k] * 0.5 * (1 - t) + look.ground[k] * t;
        }
        // glow around the sun, strongest near the horizon colour
        c[k] += look.horizon[k] * look.glow * Math.pow(Math.max(0, sunCos), 32);
        if (sunCos > cosDisc && up > -0.02) c[k] = look.sun[k];
      }
      data.set(c, (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

/**
 * Irradiance SH (9 coefficients × rgb), pre-scaled so that the diffuse
 * radiance of a white Lambertian surface with normal n is Σ c_i · Y_i(n).
 */
export function irradianceSh(
  image: EnvironmentImage,
  rotationDeg: number,
  ground?: Vec3,
): Float32Array {
  const sh = new Float64Array(27);
  const { width, height, data } = image;
  const step = Math.max(1, Math.floor(width / 128));
  for (let y = 0; y < height; y += step) {
    const v = (y + 0.5) / height;
    const theta = v * Math.PI;
    const dOmega = (2 * Math.PI * step / width) * (Math.PI * step / height) * Math.sin(theta);
    for (let x = 0; x < width; x += step) {
      const d = equirectDirection((x + 0.5) / width, v, rotationDeg);
      const basis = shBasis(d);
      const i = (y * width + x) * 3;
      // below the horizon, `ground` stands in for the map when given
      const [r, g, b3] = ground && d[1] < 0 ? ground : [data[i], data[i + 1], data[i + 2]];
      for (let b = 0; b < 9; b++) {
        const w = basis[b] * dOmega;
        sh[b * 3] += r * w;
        sh[b * 3 + 1] += g * w;
        sh[b * 3 + 2] += b3 * w;
      }
    }
  }
  // Ramamoorthi & Hanrahan: E = Σ Â_l L_lm Y_lm; radiance out = albedo · E / π
  const band = [Math.PI, (2 * Math.PI) / 3, (2 * Math.PI) / 3, (2 * Math.PI) / 3];
  const out = new Float32Array(27);
  for (let b = 0; b < 9; b++) {
    const a = b === 0 ? band[0] : b < 4 ? band[1] : Math.PI / 4;
    for (let c = 0; c < 3; c++) out[b * 3 + c] = (sh[b * 3 + c] * a) / Math.PI;
  }
  return out;
}

/** Diffuse irradiance / π for normal n from 9 SH coefficients (env_diffuse in gbuffer.wgsl). */
export function shIrradiance(sh: Float32Array, n: Vec3): Vec3 {
  const basis = shBasis(n);
  const out: Vec3 = [0, 0, 0];
  for (let b = 0; b < 9; b++) for (let c = 0; c < 3; c++) out[c] += sh[b * 3 + c] * basis[b];
  return out.map((v) => Math.max(0, v)) as Vec3;
}

/** Real SH basis up to l = 2 (same order as in gbuffer.wgsl). */
export function shBasis([x, y, z]: Vec3): number[] {
  return [
    0.282095,
    0.488603 * y,
    0.488603 * z,
    0.488603 * x,
    1.092548 * x * y,
    1.092548 * y * z,
    0.315392 * (3 * z * z - 1),
    1.092548 * x * z,
    0.546274 * (x * x - y * y),
  ];
}

/** Box-filtered mip chain as RGBA float16 bits, level 0 first. */
export function environmentMips(
  image: EnvironmentImage,
): { width: number; height: number; data: Uint16Array<ArrayBuffer> }[] {
  const levels: { width: number; height: number; rgb: Float32Array }[] = [
    { width: image.width, height: image.height, rgb: image.data },
  ];
  while (levels.at(-1)!.width > 1 && levels.at(-1)!.height > 1) {
    const prev = levels.at(-1)!;
    const w = prev.width >> 1, h = prev.height >> 1;
    const rgb = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          const at = (xx: number, yy: number) => prev.rgb[(yy * prev.width + xx) * 3 + c];
          rgb[(y * w + x) * 3 + c] =
            (at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) +
              at(2 * x + 1, 2 * y + 1)) / 4;
        }
      }
    }
    levels.push({ width: w, height: h, rgb });
  }
  return levels.map(({ width, height, rgb }) => {
    const data = new Uint16Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      data[i * 4] = floatToHalf(rgb[i * 3]);
      data[i * 4 + 1] = floatToHalf(rgb[i * 3 + 1]);
      data[i * 4 + 2] = floatToHalf(rgb[i * 3 + 2]);
      data[i * 4 + 3] = 0x3c00; // 1.0
    }
    return { width, height, data };
  });
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** number → IEEE half bits (round to nearest, clamped to the largest finite half). */
export function floatToHalf(value: number): number {
  f32[0] = Math.min(65504, Math.max(-65504, value));
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >> (1 - exp);
    return sign | ((m + 0x1000) >> 13);
  }
  const h = sign | (exp << 10) | (mant >> 13);
  return h + ((mant >> 12) & 1);
}
