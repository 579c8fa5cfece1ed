/**
 * Procedural textures, generated on the GPU by shaders/texture_gen.wgsl (engine/gpu/texture_generator.ts).
 * A ProceduralTexture is a Scene texture with no pixels of its own: the
 * texture store generates its layer on first use.
 */
import type { Material, Texture, Vec3 } from "./scene.ts";

export const PATTERNS = [
  "noise",
  "checker",
  "stripes",
  "marble",
  "wood",
  "dots",
  // places: floors and walls (their textures repeat per metre: Material.uvScale)
  "planks", // floor boards along v, per-board tone and grain, dark seams
  "tiles", // square tiles with grout lines in the second colour
  "carpet", // fine speckle of tufts
  "wallpaper", // straight bands with a pinstripe
] as const;
export type Pattern = typeof PATTERNS[number];

export interface ProceduralSpec {
  pattern: Pattern;
  /** Any unsigned 32-bit integer; the same seed gives identical texels. */
  seed: number;
  /** Cells, stripes or rings per tile (integer so the tile repeats seamlessly). */
  frequency: number;
  /** Linear RGB of the two ends of the pattern. */
  colorA: Vec3;
  colorB: Vec3;
}

/**
 * Surface finishes: a height field (to a tangent-space normal map) and a roughness and cavity
 * field (to an occlusion-roughness-metalness map) per common surface, generated on the GPU.
 */
export const FINISHES = [
  "wood", // grain along v, pores between rings; latewood a little glossier
  "painted", // orange peel: broad, shallow bumps of a sprayed coat
  "ceramic", // glossy glaze with faint crazing
  "brushed", // brushed metal: fine streaks along u in height and roughness
  "fabric", // plain weave: threads over and under, dark between them
  "paper", // short fibres, matte
  "cardboard", // corrugation ridges under the liner, fibres
  "planks", // grooves at the planks pattern's seams (same seed and frequency), grain, varnish
  "tiles", // glossy tile faces over recessed matte grout (the tiles pattern's)
  "carpet", // pile: tufts, matte, dark between them
] as const;
export type Finish = typeof FINISHES[number];

export interface SurfaceSpec {
  finish: Finish;
  /** Any unsigned 32-bit integer; the same seed gives identical texels. */
  seed: number;
  /** Rings, threads or flutes per tile (integer so the tile repeats seamlessly). */
  frequency: number;
  /** Which map: "normal" (tangent space, rgb = xyz·0.5+0.5) or "orm" (r cavity, g roughness, b 1). */
  map: "normal" | "orm";
}

export interface ProceduralTexture extends Texture {
  procedural: ProceduralSpec | SurfaceSpec;
}

export function isSurfaceSpec(spec: ProceduralSpec | SurfaceSpec): spec is SurfaceSpec {
  return "finish" in spec;
}

const surfaces = new Map<string, ProceduralTexture>();

/**
 * The Scene texture for one map of a surface finish (linear data; goes in the data array). Equal
 * specs give the same object, so a renderer's texture store keeps its layer across clips instead
 * of generating it again.
 */
export function surfaceTexture(spec: SurfaceSpec): ProceduralTexture {
  const key = surfaceKey(spec);
  let texture = surfaces.get(key);
  if (!texture) {
    if (surfaces.size >= 1024) surfaces.clear();
    texture = { width: 256, height: 256, data: new Uint8Array(0), procedural: { ...spec } };
    surfaces.set(key, texture);
  }
  return texture;
}

/** Scene texture key of one map of a finish. */
export function surfaceKey(spec: SurfaceSpec): string {
  return `surface/${spec.finish}/${spec.seed >>> 0}/${spec.frequency}/${spec.map}`;
}

/** A Scene texture for `spec` (size is the store's tile size; data stays empty). */
export function proceduralTexture(spec: ProceduralSpec): ProceduralTexture {
  return { width: 256, height: 256, data: new Uint8Array(0), procedural: { ...spec } };
}

export function isProcedural(texture: Texture): texture is ProceduralTexture {
  return "procedural" in texture && typeof (texture as ProceduralTexture).procedural === "object";
}

/** A scene texture key that names the texture's parameters. */
export function proceduralKey(spec: ProceduralSpec): string {
  return `procedural/${spec.pattern}/${spec.seed >>> 0}`;
}

/** The finish a physical preset's surface has (presets without one keep a smooth surface). */
export const PRESET_FINISHES: Readonly<Record<string, Finish>> = {
  wood: "wood",
  metal: "brushed",
  plastic: "painted",
  ceramic: "ceramic",
  cardboard: "cardboard",
};

/** Per-finish range of `frequency`: wood rings, crazing cells, weave (×8 threads), flutes (×3). */
export const FINISH_FREQUENCY: Readonly<Record<Finish, readonly [number, number]>> = {
  wood: [2, 10],
  painted: [1, 1],
  ceramic: [3, 8],
  brushed: [1, 1],
  fabric: [2, 6],
  paper: [1, 1],
  cardboard: [2, 5],
  planks: [10, 14],
  tiles: [3, 6],
  carpet: [2, 4],
};

export interface FinishChoice {
  finish: Finish;
  seed: number;
  frequency: number;
  /** Multiplies the normal map's tilt (Material.normalScale). */
  normalScale: number;
}

/**
 * Gives `material` the normal map and the cavity-roughness map of a finish (registered in
 * `textures`): the map's G multiplies its roughness, R dims its ambient light, B keeps its
 * metalness. Colour is untouched.
 */
export function applyFinish(
  textures: Map<string, Texture>,
  material: Material,
  choice: FinishChoice,
): void {
  const base = { finish: choice.finish, seed: choice.seed >>> 0, frequency: choice.frequency };
  const normal: SurfaceSpec = { ...base, map: "normal" };
  const orm: SurfaceSpec = { ...base, map: "orm" };
  textures.set(surfaceKey(normal), surfaceTexture(normal));
  textures.set(surfaceKey(orm), surfaceTexture(orm));
  material.finish = choice.finish;
  material.normalTexture = surfaceKey(normal);
  material.normalScale = choice.normalScale;
  material.metalRoughTexture = surfaceKey(orm);
  material.occlusionTexture = surfaceKey(orm);
}

/** Removes a finish's maps from `material`. */
export function clearFinish(material: Material): void {
  delete material.finish;
  delete material.normalTexture;
  delete material.normalScale;
  delete material.metalRoughTexture;
  delete material.occlusionTexture;
}
