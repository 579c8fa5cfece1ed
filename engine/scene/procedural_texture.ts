/**
 * Procedural textures, generated on the GPU by shaders/texture_gen.wgsl (engine/gpu/texture_generator.ts).
 * A ProceduralTexture is a Scene texture with no pixels of its own: the
 * texture store generates its layer on first use.
 */
import type { Texture, Vec3 } from "./scene.ts";

export const PATTERNS = ["noise", "checker", "stripes", "marble", "wood", "dots"] as const;
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

export interface ProceduralTexture extends Texture {
  procedural: ProceduralSpec;
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
