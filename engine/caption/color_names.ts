/**
 * Names a colour with one word (or two) from a small fixed palette, so every
 * caption, label and plan report calls the same colour the same name. The
 * nearest palette entry is found in OKLab, where equal distances look about
 * equally different. Material.colorName, when a randomizer set it, wins.
 */
import { linearToSrgb, parseHexColor, srgbToLinear } from "../scene/color.ts";
import type { Material, Vec3 } from "../scene/scene.ts";

/** Palette names and their sRGB hex values. Names never contain "light" (a lighting word). */
export const COLOR_PALETTE: Readonly<Record<string, string>> = {
  black: "#111111",
  "dark gray": "#444444",
  gray: "#808080",
  silver: "#c0c0c0",
  white: "#f5f5f5",
  red: "#d62728",
  maroon: "#7b1e1e",
  orange: "#ff7f0e",
  yellow: "#f2d21b",
  olive: "#808020",
  lime: "#60e040",
  green: "#2ca02c",
  "dark green": "#145a1e",
  teal: "#138080",
  cyan: "#30d0e0",
  "sky blue": "#87c2ea",
  blue: "#1f5fc4",
  navy: "#1a2360",
  purple: "#7d3ca8",
  lavender: "#b8a2e0",
  pink: "#f08cb4",
  magenta: "#d030b0",
  brown: "#7a4a24",
  tan: "#c8a070",
  beige: "#e6d8b8",
};

/** Every colour name, longest first (so "dark gray" is matched before "gray"). */
export const COLOR_NAMES: readonly string[] = Object.keys(COLOR_PALETTE).sort((a, b) =>
  b.length - a.length
);

/** Linear sRGB → OKLab (Björn Ottosson's matrices). */
export function linearToOklab([r, g, b]: readonly number[]): Vec3 {
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

const PALETTE_LAB: [string, Vec3][] = Object.entries(COLOR_PALETTE).map(([name, hex]) => [
  name,
  linearToOklab(parseHexColor(hex)!.map(srgbToLinear)),
]);

/** The palette name nearest to a LINEAR RGB colour (channels clamped to 0..1). */
export function nameLinearColor(rgb: readonly number[]): string {
  const lab = linearToOklab(rgb.slice(0, 3).map((c) => Math.min(1, Math.max(0, c))));
  let best = PALETTE_LAB[0][0];
  let bestDistance = Infinity;
  for (const [name, p] of PALETTE_LAB) {
    const d = (lab[0] - p[0]) ** 2 + (lab[1] - p[1]) ** 2 + (lab[2] - p[2]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  return best;
}

/** The palette name nearest to an sRGB colour (0..1 channels, as written in YAML). */
export function nameSrgbColor(rgb: readonly number[]): string {
  return nameLinearColor(rgb.slice(0, 3).map(srgbToLinear));
}

/**
 * The colour word for a material: its `colorName` when a palette set one,
 * otherwise the nearest palette name. Undefined for textured materials without
 * a name, whose look is not the base colour.
 */
export function materialColorName(material: Partial<Material>): string | undefined {
  // One spelling for one colour: palettes may say "grey".
  if (material.colorName) return material.colorName.replace(/\bgrey\b/g, "gray");
  if (material.texture || !material.color) return undefined;
  return nameLinearColor(material.color);
}

/** sRGB hex of a palette name (for reports and tests). */
export function paletteHex(name: string): string | undefined {
  return COLOR_PALETTE[name];
}

export { linearToSrgb };
