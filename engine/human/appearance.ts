/**
 * Per-clip look of a person: figure, proportions and named colours, so that a
 * caption can say "a woman in a red shirt" exactly when the render shows one.
 */
import { parseHexColor, srgbToLinear } from "../scene/color.ts";
import type { Rng } from "../scene/rng.ts";
import type { Vec3 } from "../scene/scene.ts";
import type { Proportions } from "./skeleton.ts";

type Palette = Record<string, string>;

export const SHIRTS: Palette = {
  red: "#b8322a",
  blue: "#2d5da8",
  green: "#2e8b57",
  yellow: "#dcc030",
  white: "#e8e8e8",
  black: "#1e1e1e",
  gray: "#7f7f7f",
  orange: "#e07020",
  purple: "#6a3d9a",
  pink: "#e58aa8",
}; // deno-fmt-ignore
export const TROUSERS: Palette = {
  blue: "#2f4a78", black: "#1c1c1c", gray: "#6a6a6a", khaki: "#b5a27a", brown: "#6b4a2e",
  white: "#dddddd",
}; // deno-fmt-ignore
export const SHOES: Palette = { white: "#eeeeee", black: "#151515", brown: "#5a3a22", gray: "#777777" };
/** Skin tones across the Fitzpatrick range, light to deep. */
export const SKINS: Palette = {
  pale: "#f6d7c3",
  light: "#f1c9a5",
  fair: "#e0ac8a",
  olive: "#c9a07a",
  medium: "#c68863",
  tan: "#a86a45",
  brown: "#7d4a2c",
  "dark brown": "#5e3722",
  dark: "#4f2e1d",
  deep: "#3a2217",
}; // deno-fmt-ignore
export const HAIRS: Palette = {
  black: "#141010", brown: "#4a2e1c", blond: "#c9a45a", auburn: "#7a3420", gray: "#9a9a9a",
  red: "#8e3a1c", white: "#d8d4cc",
}; // deno-fmt-ignore
/** Jeans come in denim shades only. */
export const DENIMS: Palette = { blue: "#3a5a8c", navy: "#22324f", black: "#26282c", gray: "#6c7078" };

export type Figure = "man" | "woman" | "boy" | "girl";
export type Build = "slim" | "average" | "heavy";
const BUILD_GIRTH: Record<Build, number> = { slim: 0.88, average: 1, heavy: 1.18 };

export const TOPS = ["t-shirt", "long-sleeved shirt", "jacket", "tank top"] as const;
export type Top = typeof TOPS[number];
export const BOTTOMS = ["trousers", "jeans", "shorts", "skirt", "dress"] as const;
export type Bottom = typeof BOTTOMS[number];
/** Fabric patterns of a top, and the adjective a caption uses. */
export const TOP_PATTERNS = {
  plain: "",
  striped: "stripes",
  checked: "checker",
  dotted: "dots",
} as const;
export type TopPattern = keyof typeof TOP_PATTERNS;
export const HAIR_STYLES = ["short", "long", "ponytail", "bun", "curly", "bald"] as const;
export type HairStyle = typeof HAIR_STYLES[number];

export interface Clothes {
  top: Top;
  pattern: TopPattern;
  /** Second colour of a patterned top, or the shirt under an open jacket. */
  accent: string;
  bottom: Bottom;
}

export interface Appearance {
  figure: Figure;
  build: Build;
  proportions: Proportions;
  /** Colour names, keys into the palettes above. */
  skin: string;
  /** Colour of the top (or the dress). */
  shirt: string;
  /** Colour of the bottom (DENIMS for jeans; the shirt's colour for a dress). */
  trousers: string;
  shoes: string;
  hair: string;
  hairStyle: HairStyle;
  clothes: Clothes;
  /** Seed of the per-person fabric and skin textures. */
  seed: number;
}

export interface AppearanceChoices {
  /** man, woman, boy, girl, adult, child, any (an adult) or anyone. */
  figure?: string;
  shirt?: string;
  trousers?: string;
  /** Height in metres; 0 = sample from the figure's distribution. */
  height?: number;
}

function pick(rng: Rng, palette: Palette, wanted?: string): string {
  if (wanted && wanted !== "any") {
    if (!(wanted in palette)) {
      throw new RangeError(
        `Unknown colour "${wanted}" (known: ${Object.keys(palette).join(", ")})`,
      );
    }
    return wanted;
  }
  return rng.choice(Object.keys(palette));
}

/** What a scene may ask for as a person's figure. */
export const FIGURE_CHOICES = ["any", "anyone", "man", "woman", "boy", "girl", "adult", "child"];

/**
 * "any" draws adults only: the motions' foot locking is tuned for adult legs (a slow child
 * walk slides a toe up to 14 cm); "anyone" adds children, a quarter of the time.
 */
const FIGURES: Record<string, Figure[]> = {
  any: ["man", "woman"],
  anyone: ["man", "woman", "boy", "girl"],
  adult: ["man", "woman"],
  child: ["boy", "girl"],
};

export function sampleAppearance(rng: Rng, choices: AppearanceChoices = {}): Appearance {
  const wanted = choices.figure ?? "any";
  const figure: Figure =
    (FIGURES[wanted]
      ? rng.choice(FIGURES[wanted], FIGURES[wanted].map((f) => f === "boy" || f === "girl" ? 1 : 3))
      : wanted) as Figure;
  const child = figure === "boy" || figure === "girl";
  const male = figure === "man" || figure === "boy";
  const build = rng.choice(["slim", "average", "heavy"] as Build[], [1, 2, 1]);
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  // Children 6–11 years: 1.15–1.48 m; their heads are a larger share of the height, legs a smaller.
  const height = choices.height && choices.height > 0
    ? choices.height
    : child
    ? clamp(rng.normal(1.32, 0.08), 1.12, 1.5)
    : clamp(rng.normal(male ? 1.77 : 1.64, 0.07), 1.5, 1.98);
  const youth = child ? clamp((1.6 - height) / 0.45, 0, 1) : 0;
  const proportions: Proportions = {
    height,
    legs: clamp(rng.normal(1 - 0.07 * youth, 0.025), 0.88, 1.06),
    arms: clamp(rng.normal(1 - 0.04 * youth, 0.025), 0.9, 1.06),
    shoulders: clamp(rng.normal(child ? 0.9 : male ? 1.06 : 0.94, 0.03), 0.82, 1.15),
    hips: clamp(rng.normal(child ? 0.92 : male ? 0.95 : 1.07, 0.03), 0.82, 1.15),
    build: BUILD_GIRTH[build] * (child ? 0.92 : 1),
    head: 1 + 0.5 * youth,
  };
  const top = rng.choice([...TOPS], [4, 3, 2, male ? 1 : 1]);
  const bottom = male
    ? rng.choice(["trousers", "jeans", "shorts"] as Bottom[], [3, 3, 2])
    : rng.choice([...BOTTOMS], [2, 3, 2, 2, 1]);
  const dress = bottom === "dress";
  const shirt = pick(rng, SHIRTS, choices.shirt);
  const clothes: Clothes = {
    top: dress ? "t-shirt" : top,
    pattern: rng.choice(Object.keys(TOP_PATTERNS) as TopPattern[], [5, 2, 1, 1]),
    accent: rng.choice(["white", "black", "gray", "blue"]),
    bottom,
  };
  if (clothes.accent === shirt) clothes.accent = shirt === "white" ? "black" : "white";
  const trousers = dress ? shirt : bottom === "jeans"
    ? pick(
      rng,
      DENIMS,
      choices.trousers && choices.trousers in DENIMS ? choices.trousers : undefined,
    )
    : pick(rng, TROUSERS, choices.trousers);
  const hairStyle: HairStyle = rng.choice(
    [...HAIR_STYLES],
    male ? [6, 1, 0, 0, 2, 1] : [1, 4, 3, 2, 2, 0],
  );
  return {
    figure,
    build,
    proportions,
    skin: pick(rng, SKINS),
    shirt,
    trousers,
    shoes: pick(rng, SHOES),
    hair: child ? rng.choice(["black", "brown", "blond", "auburn", "red"]) : pick(rng, HAIRS),
    hairStyle,
    clothes,
    seed: rng.int(0, 0x7fffffff),
  };
} // deno-fmt-ignore

/** Linear RGB of a named palette colour. */
export function linearColor(palette: Palette, name: string): Vec3 {
  const srgb = parseHexColor(palette[name])!;
  return srgb.map(srgbToLinear) as Vec3;
}

/** Garment → colour name, as `clothing` attributes and captions give them. */
export function garments(a: Appearance): Record<string, string> {
  const c = a.clothes;
  if (c.bottom === "dress") return { dress: a.shirt };
  return { [c.top]: a.shirt, [c.bottom]: a.trousers };
}

/** "a woman in a striped red t-shirt and blue jeans", "a girl in a green dress" */
export function describe(a: Appearance): string {
  const c = a.clothes;
  const pattern = c.pattern === "plain" ? "" : `${c.pattern} `;
  if (c.bottom === "dress") return `a ${a.figure} in a ${pattern}${a.shirt} dress`;
  const bottom = c.bottom === "skirt" ? `a ${a.trousers} skirt` : `${a.trousers} ${c.bottom}`;
  return `a ${a.figure} in a ${pattern}${a.shirt} ${c.top} and ${bottom}`;
}
