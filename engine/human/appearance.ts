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
export const SKINS: Palette = {
  light: "#f1c9a5",
  fair: "#e0ac8a",
  medium: "#c68863",
  tan: "#a86a45",
  brown: "#7d4a2c",
  dark: "#4f2e1d",
}; // deno-fmt-ignore
export const HAIRS: Palette = {
  black: "#141010", brown: "#4a2e1c", blond: "#c9a45a", auburn: "#7a3420", gray: "#9a9a9a",
};

export type Figure = "man" | "woman";
export type Build = "slim" | "average" | "heavy";
const BUILD_GIRTH: Record<Build, number> = { slim: 0.88, average: 1, heavy: 1.18 };

export interface Appearance {
  figure: Figure;
  build: Build;
  proportions: Proportions;
  /** Colour names, keys into the palettes above. */
  skin: string;
  shirt: string;
  trousers: string;
  shoes: string;
  hair: string;
  longHair: boolean;
}

export interface AppearanceChoices {
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

export function sampleAppearance(rng: Rng, choices: AppearanceChoices = {}): Appearance {
  const figure: Figure = choices.figure === "man" || choices.figure === "woman"
    ? choices.figure
    : rng.choice(["man", "woman"] as Figure[]);
  const man = figure === "man";
  const build = rng.choice(["slim", "average", "heavy"] as Build[], [1, 2, 1]);
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  const height = choices.height && choices.height > 0
    ? choices.height
    : clamp(rng.normal(man ? 1.77 : 1.64, 0.07), 1.5, 1.98);
  const proportions: Proportions = {
    height,
    legs: clamp(rng.normal(1, 0.025), 0.94, 1.06),
    arms: clamp(rng.normal(1, 0.025), 0.94, 1.06),
    shoulders: clamp(rng.normal(man ? 1.06 : 0.94, 0.03), 0.85, 1.15),
    hips: clamp(rng.normal(man ? 0.95 : 1.07, 0.03), 0.85, 1.15),
    build: BUILD_GIRTH[build],
  };
  return {
    figure,
    build,
    proportions,
    skin: pick(rng, SKINS),
    shirt: pick(rng, SHIRTS, choices.shirt),
    trousers: pick(rng, TROUSERS, choices.trousers),
    shoes: pick(rng, SHOES),
    hair: pick(rng, HAIRS),
    longHair: rng.chance(man ? 0.1 : 0.75),
  };
}

/** Linear RGB of a named palette colour. */
export function linearColor(palette: Palette, name: string): Vec3 {
  const srgb = parseHexColor(palette[name])!;
  return srgb.map(srgbToLinear) as Vec3;
}

/** "a woman in a red shirt and blue trousers" */
export function describe(a: Appearance): string {
  return `a ${a.figure} in a ${a.shirt} shirt and ${a.trousers} trousers`;
}
