/**
 * Physical material presets. One preset sets both how a body behaves (density, friction,
 * restitution, used by engine/physics/world.ts) and how it looks (roughness, metalness), so captions
 * and sounds can name the material ("a ceramic mug", the clink of glass) from
 * `SceneObject.material.preset` alone.
 */
import type { Material } from "./scene.ts";

export interface MaterialPreset {
  /** kg/m³ of the collider's solid volume (hollow props use an effective, lower value). */
  density: number;
  /** Coulomb friction coefficient (Rapier averages the two colliders' values). */
  friction: number;
  /** Bounciness 0..1 (averaged the same way). */
  restitution: number;
  roughness: number;
  metalness: number;
  /** Word for labels: "a wooden box", "a glass bottle". */
  adjective: string;
}

export const MATERIAL_PRESETS = {
  wood: {
    density: 600,
    friction: 0.5,
    restitution: 0.3,
    roughness: 0.75,
    metalness: 0,
    adjective: "wooden",
  },
  metal: {
    density: 2700,
    friction: 0.35,
    restitution: 0.25,
    roughness: 0.3,
    metalness: 1,
    adjective: "metal",
  },
  plastic: {
    density: 950,
    friction: 0.4,
    restitution: 0.4,
    roughness: 0.45,
    metalness: 0,
    adjective: "plastic",
  },
  rubber: {
    density: 1100,
    friction: 0.9,
    restitution: 0.75,
    roughness: 0.9,
    metalness: 0,
    adjective: "rubber",
  },
  glass: {
    density: 2500,
    friction: 0.3,
    restitution: 0.2,
    roughness: 0.05,
    metalness: 0,
    adjective: "glass",
  },
  ceramic: {
    density: 2300,
    friction: 0.5,
    restitution: 0.15,
    roughness: 0.25,
    metalness: 0,
    adjective: "ceramic",
  },
  cardboard: {
    density: 250,
    friction: 0.6,
    restitution: 0.1,
    roughness: 0.95,
    metalness: 0,
    adjective: "cardboard",
  },
} as const satisfies Record<string, MaterialPreset>;

export type PresetName = keyof typeof MATERIAL_PRESETS;
export const PRESET_NAMES = Object.keys(MATERIAL_PRESETS) as PresetName[];

export function isPresetName(name: unknown): name is PresetName {
  return typeof name === "string" && Object.hasOwn(MATERIAL_PRESETS, name);
}

/** The preset named, or an error listing the known ones. */
export function materialPreset(name: string): MaterialPreset {
  if (!isPresetName(name)) {
    throw new RangeError(`Unknown material preset "${name}" (known: ${PRESET_NAMES.join(", ")})`);
  }
  return MATERIAL_PRESETS[name];
}

/** Sets a visual material's look and preset name from a preset, keeping its colour. */
export function applyPreset(material: Material, name: string): Material {
  const preset = materialPreset(name);
  material.roughness = preset.roughness;
  material.metalness = preset.metalness;
  material.preset = name;
  return material;
}
