/**
 * Materials: colours from a named palette (Material.colorName, so captions
 * can say "a teal cube"), roughness and metalness ranges, and procedural
 * GPU textures (noise, checker, stripes, marble, wood, dots) applied by UV.
 */
import { PALETTE_NAMES, pickColor } from "../../engine/scene/palette.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";
import { checkName, checkNames, checkObjects } from "../../engine/plugin/checks.ts";
import {
  type Pattern,
  PATTERNS,
  proceduralKey,
  proceduralTexture,
} from "../../engine/scene/procedural_texture.ts";
import type { Rng } from "../../engine/scene/rng.ts";
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
    /** Comma-separated patterns a texture is drawn from; "" = no textures (all removed). */
    patterns: PATTERNS.join(","),
    /** Pattern cells, stripes or rings per texture tile, drawn and rounded to an integer. */
    frequency_range: [2, 10],
    /** Objects with a physical preset (wood, metal, …) keep its roughness and metalness. */
    keep_presets: true,
  },
  limits: { metal_chance: { min: 0, max: 1 }, texture_chance: { min: 0, max: 1 } },
  check: (o, scene) => [
    ...checkObjects("targets", o.targets, scene, {
      classes: true,
      list: true,
      special: ["foreground", "all"],
    }),
    ...(typeof o.patterns === "string" ? checkNames("patterns", o.patterns, PATTERNS) : []),
    ...(typeof o.palette === "string" ? checkName("palette", o.palette, PALETTE_NAMES) : []),
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
