/** Colour conversions. YAML colours are sRGB; materials are linear. */

export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function linearToSrgb(c: number): number {
  const x = Math.min(1, Math.max(0, c));
  return x <= 0.0031308 ? x * 12.92 : 1.055 * x ** (1 / 2.4) - 0.055;
}

/** "#rrggbb" → sRGB triple in 0..1; undefined when not a hex colour. */
export function parseHexColor(text: string): [number, number, number] | undefined {
  const m = /^#([0-9a-f]{6})$/i.exec(text);
  if (!m) return undefined;
  const n = parseInt(m[1], 16);
  return [(n >> 16) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

/** Linear RGB of a black body at `kelvin` (1000–40000 K), normalised so the max channel is 1. */
export function kelvinToLinear(kelvin: number): [number, number, number] {
  // Tanner Helland's fit, in sRGB, then linearised.
  const t = Math.min(40000, Math.max(1000, kelvin)) / 100;
  const clamp = (v: number) => Math.min(255, Math.max(0, v)) / 255;
  const r = t <= 66 ? 1 : clamp(329.698727446 * (t - 60) ** -0.1332047592);
  const g = t <= 66
    ? clamp(99.4708025861 * Math.log(t) - 161.1195681661)
    : clamp(288.1221695283 * (t - 60) ** -0.0755148492);
  const b = t >= 66 ? 1 : t <= 19 ? 0 : clamp(138.5177312231 * Math.log(t - 10) - 305.0447927307);
  const lin = [srgbToLinear(r), srgbToLinear(g), srgbToLinear(b)];
  const max = Math.max(...lin);
  return [lin[0] / max, lin[1] / max, lin[2] / max];
}
