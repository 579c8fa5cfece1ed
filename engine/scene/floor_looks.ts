/**
 * Floors that look like what they are called. A floor's colour comes from the "floor" palette,
 * whose names say the material ("dark wood", "white tile", "gray carpet"), and the material
 * decides the rest: wood gets planks, tile gets tiles with grout, carpet a speckle of tufts,
 * concrete faint blotches; each with its finish (grooves, glaze, pile) lined up with the
 * pattern, and repeated per metre (Material.uvScale) so a board is a board's width on any floor.
 * Captions name the colour, so what they say is what is drawn.
 */
import { pickColor } from "./palette.ts";
import {
  applyFinish,
  type Finish,
  type Pattern,
  proceduralKey,
  proceduralTexture,
} from "./procedural_texture.ts";
import { hashString, type Rng } from "./rng.ts";
import type { Scene, SceneObject } from "./scene.ts";

export interface FloorKind {
  pattern: Pattern;
  finish: Finish;
  /** Metres one texture tile spans on the floor. */
  tile: number;
  /** Boards, tiles or tuft scale per texture tile, drawn. */
  frequency: readonly [number, number];
  /** The pattern's second colour, as a factor of the floor's (seams, grout, shadowed pile). */
  tint: number;
  roughness: readonly [number, number];
  /** Physical preset (impacts and sounds); carpet has none, so it stays the stage's default. */
  preset?: string;
}

/** Floor materials by the word that ends a "floor" palette name. */
export const FLOOR_KINDS: Readonly<Record<string, FloorKind>> = {
  // 2 m tiles of 10–14 boards: 14–20 cm wide, 1 m long
  wood: {
    pattern: "planks",
    finish: "planks",
    tile: 2,
    frequency: [10, 14],
    tint: 0.6,
    roughness: [0.45, 0.75],
    preset: "wood",
  },
  // 1.2 m tiles of 3–6 tiles: 20–40 cm squares
  tile: {
    pattern: "tiles",
    finish: "tiles",
    tile: 1.2,
    frequency: [3, 6],
    tint: 0.35,
    roughness: [0.5, 0.8],
    preset: "ceramic",
  },
  carpet: {
    pattern: "carpet",
    finish: "carpet",
    tile: 0.8,
    frequency: [2, 4],
    tint: 0.65,
    roughness: [0.85, 1],
  },
  concrete: {
    pattern: "noise",
    finish: "painted",
    tile: 3,
    frequency: [3, 6],
    tint: 0.8,
    roughness: [0.7, 0.95],
    preset: "ceramic",
  },
};

/** The kind a "floor" palette colour is made of ("dark wood" → wood). */
export function floorKind(colorName: string): FloorKind {
  const word = colorName.split(" ").at(-1)!;
  const kind = FLOOR_KINDS[word];
  if (!kind) {
    throw new RangeError(
      `Floor colour "${colorName}" names no floor material (known: ${
        Object.keys(FLOOR_KINDS).join(", ")
      })`,
    );
  }
  return kind;
}

/**
 * Gives a floor object (a plane or a box: u along x, v along z) a floor colour, its pattern and
 * finish repeated per metre, and a roughness; returns what was drawn. `variants` bounds the seeds
 * per pattern, so the finish maps are generated once and reused from clip to clip.
 */
export function applyFloorLook(
  rng: Rng,
  scene: Scene,
  floor: SceneObject,
  variants = 8,
): Record<string, unknown> {
  const color = pickColor(rng, "floor");
  const kind = floorKind(color.name);
  const material = floor.material;
  material.color = [...color.linear];
  material.colorName = color.name;
  material.roughness = rng.uniform(kind.roughness[0], kind.roughness[1]);
  material.metalness = 0;
  if (kind.preset) material.preset = kind.preset;
  const seed = hashString(`floor/${kind.pattern}/${rng.int(0, Math.max(1, variants) - 1)}`);
  const frequency = rng.int(kind.frequency[0], kind.frequency[1]);
  const spec = {
    pattern: kind.pattern,
    seed,
    frequency,
    colorA: [1, 1, 1] as [number, number, number],
    colorB: [kind.tint, kind.tint, kind.tint] as [number, number, number],
  };
  const key = proceduralKey(spec);
  scene.textures.set(key, proceduralTexture(spec));
  material.texture = key;
  material.uvScale = [floor.scale[0] / kind.tile, floor.scale[2] / kind.tile];
  // the finish takes the pattern's seed and frequency, so grooves fall on the seams
  applyFinish(scene.textures, material, { finish: kind.finish, seed, frequency, normalScale: 1 });
  return {
    color: color.name,
    srgb: color.srgb,
    pattern: kind.pattern,
    finish: kind.finish,
    seed,
    frequency,
    tile_metres: kind.tile,
    roughness: material.roughness,
  };
}
