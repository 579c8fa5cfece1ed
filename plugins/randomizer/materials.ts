/**
 * Materials: colours from a named palette (Material.colorName, so captions
 * can say "a teal cube"), roughness and metalness ranges, procedural
 * GPU textures (noise, checker, stripes, marble, wood, dots) applied by UV,
 * and surface finishes (normal and roughness maps: wood grain, orange peel,
 * crazed glaze, brushed metal, weave, paper fibres, corrugation) that follow
 * the object's physical preset, so what it looks like is what captions call it.
 */
import { PALETTE_NAMES, pickColor } from "../../engine/scene/palette.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";
import { checkName, checkNames, checkObjects } from "../../engine/plugin/checks.ts";
import {
  applyFinish,
  clearFinish,
  type Finish,
  FINISH_FREQUENCY,
  FINISHES,
  isProcedural,
  isSurfaceSpec,
  type Pattern,
  PATTERNS,
  PRESET_FINISHES,
  proceduralKey,
  proceduralTexture,
} from "../../engine/scene/procedural_texture.ts";
import { hashString, type Rng } from "../../engine/scene/rng.ts";
import type { Material, Scene, SceneObject } from "../../engine/scene/scene.ts";
import { isForeground } from "../../engine/scene/foreground.ts";

export interface MaterialOptions {
  palette: string;
  roughness_range: readonly number[];
  metal_chance: number;
  texture_chance: number;
  patterns: string;
  frequency_range: readonly number[];
}

/** Draws a material into `material` (keeping its preset's roughness when it has one); returns the record. */
export function randomizeMaterial(
  rng: Rng,
  scene: Scene,
  material: Material,
  o: MaterialOptions,
  keepPreset: boolean,
): Record<string, unknown> {
  const color = pickColor(rng, o.palette);
  material.color = [...color.linear];
  material.colorName = color.name;
  const roughness = rng.uniform(o.roughness_range[0], o.roughness_range[1]);
  const metal = rng.chance(o.metal_chance);
  if (!(keepPreset && material.preset)) {
    material.roughness = roughness;
    material.metalness = metal ? 1 : 0;
  }
  const record: Record<string, unknown> = {
    color: color.name,
    srgb: color.srgb,
    roughness: material.roughness,
    metalness: material.metalness,
  };
  const patterns = o.patterns.split(",").map((p) => p.trim()).filter(Boolean) as Pattern[];
  for (const p of patterns) {
    if (!PATTERNS.includes(p)) {
      throw new RangeError(`Unknown pattern "${p}" (known: ${PATTERNS.join(", ")})`);
    }
  }
  if (patterns.length > 0 && rng.chance(o.texture_chance)) {
    const pattern = rng.choice(patterns);
    const second = pickColor(rng, o.palette);
    const spec = {
      pattern,
      seed: Math.floor(rng.next() * 2 ** 32),
      frequency: Math.round(rng.uniform(o.frequency_range[0], o.frequency_range[1])),
      // the texture multiplies the base colour: white and a tint keep the named colour dominant
      colorA: [1, 1, 1] as [number, number, number],
      colorB: second.linear.map((v) => 0.35 + 0.65 * v) as [number, number, number],
    };
    const key = proceduralKey(spec);
    scene.textures.set(key, proceduralTexture(spec));
    material.texture = key;
    record.texture = {
      key,
      pattern,
      seed: spec.seed,
      frequency: spec.frequency,
      second_color: second.name,
    };
  } else {
    material.texture = undefined;
  }
  return record;
}

export interface FinishOptions {
  finish_chance: number;
  finishes: string;
  normal_scale_range: readonly number[];
  finish_variants: number;
}

/**
 * Draws a surface finish into `material`: its preset's (wood grain on wood, brushed streaks on
 * metal, …), else brushed for a metal and one of `finishes` for anything else; a wood finish on a
 * wood-patterned texture takes the texture's seed and rings so the grain lines up. Returns the
 * record, or undefined when the material is left smooth (its maps removed).
 */
export function randomizeFinish(
  rng: Rng,
  scene: Scene,
  material: Material,
  o: FinishOptions,
): Record<string, unknown> | undefined {
  clearFinish(material);
  const allowed = o.finishes.split(",").map((f) => f.trim()).filter(Boolean) as Finish[];
  for (const f of allowed) {
    if (!FINISHES.includes(f)) {
      throw new RangeError(`Unknown finish "${f}" (known: ${FINISHES.join(", ")})`);
    }
  }
  const preset = material.preset;
  const albedo = material.texture ? scene.textures.get(material.texture) : undefined;
  const pattern = albedo && isProcedural(albedo) && !isSurfaceSpec(albedo.procedural)
    ? albedo.procedural
    : undefined;
  // A wood-patterned colour gets wood grain, a marble one a polished glaze: on a preset with a
  // finish (the surface looks like what its colour shows), or where the list allows them.
  const matching: Finish | undefined = pattern?.pattern === "wood"
    ? "wood"
    : pattern?.pattern === "marble"
    ? "ceramic"
    : undefined;
  const presetFinish = preset !== undefined ? PRESET_FINISHES[preset] : undefined;
  const finish: Finish | undefined = matching && (presetFinish || allowed.includes(matching))
    ? matching
    : preset !== undefined
    ? presetFinish
    : material.metalness > 0.5
    ? "brushed"
    : allowed.length > 0
    ? rng.choice(allowed)
    : undefined;
  if (!finish || !rng.chance(o.finish_chance)) return undefined;
  const [low, high] = FINISH_FREQUENCY[finish];
  let seed = hashString(`${finish}/${rng.int(0, Math.max(1, o.finish_variants) - 1)}`);
  let frequency = rng.int(low, high);
  if (finish === "wood" && pattern?.pattern === "wood") {
    seed = pattern.seed;
    frequency = pattern.frequency;
  }
  const normalScale = rng.uniform(o.normal_scale_range[0], o.normal_scale_range[1]);
  applyFinish(scene.textures, material, { finish, seed, frequency, normalScale });
  return { finish, seed, frequency, normal_scale: normalScale };
}

export const materialsRandomizer = definePlugin({
  id: "randomizer/materials",
  kind: "randomizer",
  description: "Palette colours (named), roughness/metalness ranges and procedural textures",
  defaults: {
    /** "foreground", "all", or a comma-separated list of classes or object names. */
    targets: "foreground",
    /** Named palette the colours are drawn from (also a texture's second colour). */
    palette: "basic",
    /** Roughness, 0 (glossy) … 1 (matte), drawn per object. */
    roughness_range: [0.25, 0.85],
    /** Chance an object is made fully metallic (metalness 1, else 0), 0 … 1. */
    metal_chance: 0.1,
    /** Chance an object gets a procedural texture, 0 … 1; otherwise its texture is removed. */
    texture_chance: 0.35,
    /**
     * Comma-separated patterns a texture is drawn from; "" = no textures (all removed). The
     * floor and wall patterns (planks, tiles, carpet, wallpaper) are left out unless listed.
     */
    patterns: "noise,checker,stripes,marble,wood,dots",
    /** Pattern cells, stripes or rings per texture tile, drawn and rounded to an integer. */
    frequency_range: [2, 10],
    /** Objects with a physical preset (wood, metal, …) keep its roughness and metalness. */
    keep_presets: true,
    /**
     * Chance an object gets a surface finish (normal and roughness maps), 0 … 1: its preset's
     * (wood grain, brushed metal, orange-peel plastic, crazed ceramic, corrugated cardboard),
     * brushed for a metal without one, else one of `finishes`; otherwise its surface is smooth.
     */
    finish_chance: 0.8,
    /**
     * Comma-separated finishes for objects with no preset (wood, painted, ceramic, brushed, fabric,
     * paper, cardboard); a wood-patterned colour takes wood and a marble one ceramic when listed.
     */
    finishes: "painted,ceramic,fabric",
    /** Strength of a finish's relief (its normal map's tilt), drawn per object. */
    normal_scale_range: [0.6, 1.4],
    /**
     * Patterns (seeds) per finish and frequency. Few keep their maps on the GPU from clip to clip:
     * each new one is generated once (about 50 ms per map on a software GPU).
     */
    finish_variants: 8,
  },
  limits: {
    metal_chance: { min: 0, max: 1 },
    texture_chance: { min: 0, max: 1 },
    finish_chance: { min: 0, max: 1 },
    finish_variants: { min: 1, max: 1024, integer: true },
  },
  check: (o, scene) => [
    ...checkObjects("targets", o.targets, scene, {
      classes: true,
      list: true,
      special: ["foreground", "all"],
    }),
    ...(typeof o.patterns === "string" ? checkNames("patterns", o.patterns, PATTERNS) : []),
    ...(typeof o.palette === "string" ? checkName("palette", o.palette, PALETTE_NAMES) : []),
    ...(typeof o.finishes === "string" ? checkNames("finishes", o.finishes, FINISHES) : []),
  ],
  create() {
    return {
      clipStart(ctx) {
        const o = ctx.options;
        const chosen = selectTargets(ctx.scene, o.targets);
        const record: Record<string, unknown> = {};
        for (const object of chosen) {
          // A mesh that brings its own part materials (a glTF asset) is recoloured as a whole,
          // so what is drawn is what labels.json says; people keep their clothes.
          const ownParts = ctx.scene.meshes.get(object.mesh)?.some((p) => p.material);
          if (ownParts && object.cls === "person") continue;
          if (ownParts) object.material.override = true;
          record[object.name] = randomizeMaterial(
            ctx.rng,
            ctx.scene,
            object.material,
            o,
            o.keep_presets,
          );
        }
        // finishes from a stream of their own: the colour and texture draws stay as they were
        const finishRng = ctx.rng.fork("finishes");
        for (const object of chosen) {
          const drawn = record[object.name] as Record<string, unknown> | undefined;
          if (!drawn) continue;
          const finish = randomizeFinish(finishRng, ctx.scene, object.material, o);
          if (finish) drawn.finish = finish;
        }
        ctx.record("randomization", { objects: record });
      },
    };
  },
});

function selectTargets(scene: Scene, targets: string): SceneObject[] {
  if (targets === "all") return [...scene.objects];
  if (targets === "foreground") return scene.objects.filter((o) => isForeground(o));
  const names = new Set(targets.split(",").map((t) => t.trim()));
  return scene.objects.filter((o) => names.has(o.cls) || names.has(o.name));
}
