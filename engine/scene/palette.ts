/**
 * Named colour palettes. Randomizers draw colours from these so captioners
 * can name them (`Material.colorName`). Values are sRGB hex.
 */
import { parseHexColor, srgbToLinear } from "./color.ts";
import type { Rng } from "./rng.ts";
import type { Vec3 } from "./scene.ts";

export const PALETTES = {
  basic: {
    red: "#c0392b",
    orange: "#e67e22",
    yellow: "#f1c40f",
    green: "#27ae60",
    teal: "#16a085",
    blue: "#2e6fd8",
    purple: "#8e44ad",
    pink: "#e86aa6",
    brown: "#7b4a2a",
    black: "#1c1c1c",
    white: "#f2f2f2",
    gray: "#8a8a8a",
  },
  pastel: {
    "pale pink": "#f4c2c2",
    "mint green": "#b8e0c8",
    "baby blue": "#aecbeb",
    lavender: "#cdb4db",
    "pale yellow": "#fdf1a8",
    peach: "#ffcba4",
  },
  wall: {
    white: "#eeece6",
    beige: "#d8cbb0",
    "light gray": "#c4c4c2",
    "sage green": "#a9b79c",
    "pale blue": "#b4c7d6",
    terracotta: "#c0755a",
    "warm gray": "#a39b92",
  },
  backdrop: {
    "studio gray": "#7f7f7f",
    "chroma green": "#00b140",
    "chroma blue": "#0047bb",
    black: "#0a0a0a",
    white: "#fafafa",
    "midnight blue": "#1b2440",
  },
  // each name ends in the floor's material: engine/scene/floor_looks.ts draws it by that word
  floor: {
    "light wood": "#c9a36b",
    "dark wood": "#6b4a2e",
    concrete: "#9a9a96",
    "white tile": "#dcdcd8",
    "gray carpet": "#6f6f72",
    "honey wood": "#b07a45",
    "terracotta tile": "#b5643c",
    "beige carpet": "#b8a88a",
    "blue carpet": "#3f5670",
  },
  // skirting boards and trim, against the "wall" colours
  trim: {
    white: "#f4f2ec",
    "dark wood": "#5a3b24",
    gray: "#6a6a6a",
    black: "#242424",
  },
  // tables: wood tones and painted tops
  furniture: {
    "light wood": "#c8a27a",
    "honey wood": "#b07a45",
    "dark wood": "#6b4528",
    "reddish wood": "#8b4a32",
    white: "#e6e2da",
    black: "#2a2a2a",
    gray: "#8a8a88",
    "sage green": "#8fa388",
  },
} as const satisfies Record<string, Record<string, string>>;

export type PaletteName = keyof typeof PALETTES;
export const PALETTE_NAMES = Object.keys(PALETTES) as PaletteName[];

export interface NamedColor {
  name: string;
  /** sRGB 0..1 */
  srgb: Vec3;
  /** linear 0..1 (what Material.color holds) */
  linear: Vec3;
}

export function paletteColors(palette: string): NamedColor[] {
  if (!Object.hasOwn(PALETTES, palette)) {
    throw new RangeError(`Unknown palette "${palette}" (known: ${PALETTE_NAMES.join(", ")})`);
  }
  return Object.entries(PALETTES[palette as PaletteName]).map(([name, hex]) => {
    const srgb = parseHexColor(hex)! as Vec3;
    return { name, srgb, linear: srgb.map(srgbToLinear) as Vec3 };
  });
}

/** One colour of `palette`, drawn uniformly. */
export function pickColor(rng: Rng, palette: string): NamedColor {
  return rng.choice(paletteColors(palette));
}

/** The palette colour nearest to a linear RGB value (for naming colours that were not drawn). */
export function nearestColorName(linear: Vec3, palette: string = "basic"): string {
  let best = "";
  let bestD = Infinity;
  for (const c of paletteColors(palette)) {
    const d = c.linear.reduce((s, v, i) => s + (v - linear[i]) ** 2, 0);
    if (d < bestD) [best, bestD] = [c.name, d];
  }
  return best;
}
