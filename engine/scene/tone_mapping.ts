/**
 * Tone mapping: how linear scene radiance becomes a display value in 0..1 before the sRGB
 * encoding. The shader (gbuffer.wgsl `display`) and this reference implement the same curves;
 * tests compare rendered pixels against this file.
 *
 * - neutral (default): Khronos PBR Neutral. Below ~0.76 it only lifts the black offset, so base
 *   colours keep their hue and value (captions name colours from the materials); highlights roll
 *   off to white instead of clipping.
 * - aces: the ACES filmic fit (Narkowicz 2015): more contrast, darker mid-tones.
 * - none: clamp, as Blender's "Standard" view (for comparisons).
 */
import type { Vec3 } from "./vector.ts";

export const TONE_MAPPINGS = ["neutral", "aces", "none"] as const;
export type ToneMapping = typeof TONE_MAPPINGS[number];

/** Shader code of each curve (frame.tone.x). */
export const TONE_MAPPING_CODE: Record<ToneMapping, number> = { none: 0, neutral: 1, aces: 2 };

const START = 0.8 - 0.04;
const DESATURATION = 0.15;

function neutral([r, g, b]: Vec3): Vec3 {
  const low = Math.min(r, g, b);
  const offset = low < 0.08 ? low - 6.25 * low * low : 0.04;
  let c: Vec3 = [r - offset, g - offset, b - offset];
  const peak = Math.max(...c);
  if (peak < START) return c;
  const d = 1 - START;
  const newPeak = 1 - (d * d) / (peak + d - START);
  c = c.map((v) => (v * newPeak) / peak) as Vec3;
  const t = 1 - 1 / (DESATURATION * (peak - newPeak) + 1);
  return c.map((v) => v + (newPeak - v) * t) as Vec3;
}

function aces(c: Vec3): Vec3 {
  // The fit takes ACES-exposed input: scene-linear × 0.6.
  return c.map((v) => {
    const x = v * 0.6;
    return (x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14);
  }) as Vec3;
}

/** Display value (0..1, linear) of linear radiance `c` at `exposure` EV. */
export function toneMap(c: Vec3, mapping: ToneMapping, exposure = 0): Vec3 {
  const scale = 2 ** exposure;
  const x = c.map((v) => Math.max(0, v * scale)) as Vec3;
  const mapped = mapping === "neutral" ? neutral(x) : mapping === "aces" ? aces(x) : x;
  return mapped.map((v) => Math.min(1, Math.max(0, v))) as Vec3;
}
