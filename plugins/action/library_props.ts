/**
 * Real props for the object actions: the graspable models of the furniture library's manifest
 * (engine/scene/asset_manifest.ts) whose category fits on a table and in a hand — cups,
 * glasses, bottles, bowls, food, boxes, books, phones, toys, balls, shoes, kitchenware, vases.
 * Each is loaded once per process, re-centred into the unit box the procedural props use (so
 * `scale` is its size in metres and the actions place it the same way), keeps its own
 * materials and textures, and collides as the convex hull of its points. Only used when the
 * library is there.
 */
import { furnitureFolder } from "../../engine/scene/furniture_library.ts";
import {
  type LibraryModel,
  libraryModel,
  libraryModelKey,
  loadLibraryModels,
  useLibraryModel,
} from "../../engine/scene/library_model.ts";
import { assetManifest, type ManifestEntry } from "../../engine/scene/asset_manifest.ts";
import type { CategoryId } from "../../engine/scene/asset_categories.ts";
import { nameLinearColor } from "../../engine/caption/color_names.ts";
import type { Shape } from "../../engine/physics/world.ts";
import type { Scene, SceneObject, Vec3 } from "../../engine/scene/scene.ts";
import type { Rng } from "../../engine/scene/rng.ts";
import type { Trait } from "./props.ts";
import type { PresetName } from "../../engine/scene/materials.ts";

export interface LibraryPropKind {
  /** Manifest key, `<library>/<id>`. */
  key: string;
  category: CategoryId;
  noun: string;
  traits: Trait[];
  /** Material preset: the physics (density, friction, bounce) and the caption's material word. */
  preset: PresetName;
  /**
   * The colour a person would name: that of a plain material covering most of its surface,
   * else none (an area mean of a two-tone cup is neither of its colours).
   */
  color?: string;
  /** False where the physics preset is no word for what it is made of (a cupcake is not cardboard). */
  sayMaterial?: boolean;
}

/** What an action may do with a prop of each tabletop category, and what it is made of. */
const PROP_CATEGORIES: Partial<
  Record<CategoryId, Pick<LibraryPropKind, "traits" | "preset" | "sayMaterial">>
> = {
  cup: { traits: ["upright"], preset: "ceramic" },
  bottle: { traits: ["tall", "rolls"], preset: "glass" },
  carton: { traits: ["tall"], preset: "cardboard" },
  bowl: { traits: ["upright"], preset: "ceramic" },
  plate: { traits: ["base"], preset: "ceramic" },
  food: { traits: ["upright"], preset: "cardboard", sayMaterial: false },
  box: { traits: ["upright", "base"], preset: "cardboard" },
  book: { traits: ["base"], preset: "cardboard", sayMaterial: false },
  phone: { traits: ["base"], preset: "glass", sayMaterial: false },
  toy: { traits: ["upright"], preset: "plastic", sayMaterial: false },
  ball: { traits: ["rolls"], preset: "rubber" },
  shoe: { traits: ["upright"], preset: "rubber", sayMaterial: false },
  // ceramic: a metal preset would make the placeholder material metallic, and captions say so
  kitchenware: { traits: ["upright"], preset: "ceramic", sayMaterial: false },
  vase: { traits: ["upright"], preset: "ceramic" },
};

/** Looked at in renders: what the automatic rules get wrong. */
const OVERRIDES: Record<string, Partial<LibraryPropKind>> = {
  "BlendSwap-CC-0/caffe_final": { color: "white" },
  "BlendSwap-CC-0/plasticCup": { color: "blue" },
  "BlendSwap-CC-0/tetrapak": { color: "white" },
  "BlendSwap-CC-0/yogurtBottle": { color: "white" },
  "BlendSwap-CC-0/basketball": { color: "orange" },
  // 8 mm thin: a hand pushing it passes over it (measured: 3 of 96 clips failed)
  "BlendSwap-CC-0/iphone": { traits: ["base"] },
};

/** Catalogue names that make a poor caption noun (one word for one thing, no "of"). */
const NOUNS: Record<string, string> = {
  milk: "milk carton",
  "cup cake": "cupcake",
  "woman shoes": "shoe",
  slippers: "slipper",
  "french fries": "fries carton",
  "bowl with salad": "salad bowl",
  sugar: "sugar bowl",
  "stone grill device": "stone grill",
  "car model": "toy car",
  "wood toy": "wooden toy",
  gift: "gift box",
  "apple iphone": "phone",
};

/** Names that say the thing is plastic (the category's preset would say glass or ceramic). */
const PLASTIC = /\b(plastic|yogurt|baby|spray|medicine|oil)\b/i;

/** Smallest footprint side a hand can push, tallest and widest thing a hand moves, metres. */
const MIN_SIDE = 0.03;
const MIN_HEIGHT = 0.012;
const MAX_SIDE = 0.32;

/** The prop kind of a manifest row, or undefined for rows no action can use. */
export function propKind(row: ManifestEntry): LibraryPropKind | undefined {
  const spec = PROP_CATEGORIES[row.category];
  if (!spec || !row.graspable) return undefined;
  const [w, h, d] = row.size;
  if (Math.max(w, h, d) > MAX_SIDE || h < MIN_HEIGHT) return undefined;
  const thin = Math.min(w, d) < MIN_SIDE;
  if (thin && !spec.traits.includes("base")) return undefined;
  // Not tall or oblong: library models tilted, toppled or spun by a grasp missed their labels
  // too often (3–4 of 200 clips after three draws); those actions film procedural props.
  const traits = spec.traits.filter((t) => t !== "tall" && t !== "oblong");
  if (traits.length === 0 || (h >= 1.6 * Math.max(w, d) && traits.includes("upright"))) {
    return undefined;
  }
  const preset = PLASTIC.test(row.name) ? "plastic" : spec.preset;
  return {
    key: row.key,
    category: row.category,
    noun: NOUNS[row.name.toLowerCase()] ?? row.name.toLowerCase(),
    traits,
    preset,
    sayMaterial: spec.sayMaterial,
    ...OVERRIDES[row.key],
  };
}

let kinds: LibraryPropKind[] | undefined;

/** Every prop kind of the installed library (none without it), in manifest order. */
export function libraryPropKinds(): LibraryPropKind[] {
  if (!kinds) {
    const folder = furnitureFolder();
    kinds = folder
      ? assetManifest(folder).map(propKind).filter((k): k is LibraryPropKind => k !== undefined)
      : [];
  }
  return kinds;
}

/**
 * Reads the converted models of every library prop before the first clip, when a scene's
 * `library_props` may be above 0 (library_model.ts: loadLibraryModels).
 */
export async function preloadLibraryProps(share: unknown): Promise<void> {
  if (share === 0 || share === undefined) return;
  await loadLibraryModels(libraryPropKinds().map((k) => k.key));
}

/** The colour a person would name for a prop: its override, else its main plain colour. */
function colorOf(kind: LibraryPropKind, model: LibraryModel): string | undefined {
  return kind.color ?? (model.mainColor ? nameLinearColor(model.mainColor) : undefined);
}

/** The library props with all of `traits` and none of `without` (none without the library). */
export function libraryPropsWith(traits: Trait[], without: Trait[] = []): LibraryPropKind[] {
  return libraryPropKinds().filter((k) =>
    traits.every((t) => k.traits.includes(t)) && !without.some((t) => k.traits.includes(t))
  );
}

/** Adds a library prop at its real size (× 0.9–1.1); the caller places it. */
export function addLibraryProp(
  scene: Scene,
  rng: Rng,
  name: string,
  kinds: readonly LibraryPropKind[],
  sizeFactor = 1,
): SceneObject {
  const kind = rng.choice(kinds);
  const model = libraryModel(kind.key)!;
  const key = useLibraryModel(scene, model);
  const factor = rng.uniform(0.9, 1.1) * sizeFactor;
  const scale = model.entry.size.map((v) => v * factor) as Vec3;
  const color = colorOf(kind, model);
  return scene.add({
    name,
    class: kind.noun,
    mesh: key,
    scale,
    // The model's own materials draw it; this one names it: its colour (when it has one a person
    // would name) and its physics preset. The texture key marks "its look is an image" so no
    // colour is made up from the placeholder grey.
    material: {
      color: [0.8, 0.8, 0.8],
      colorName: color,
      texture: color ? undefined : key,
      roughness: 0.5,
      metalness: 0,
      preset: kind.preset,
    },
    attributes: {
      shape: kind.noun,
      category: kind.category,
      size: Math.round(Math.max(...scale) * 1000) / 1000,
      asset: `library:${kind.key}`,
      ...(kind.sayMaterial === false ? { material_word: false } : {}),
      creator: model.entry.creator,
      licence: model.entry.licence,
    },
  });
}

/** Categories whose props are upright cylinders to the physics. */
const ROUND = new Set<CategoryId>(["cup", "bottle", "bowl", "vase"]);

/** A library prop's collider, in world units (its scale applied), or undefined for others. */
export function libraryCollider(object: SceneObject): Shape | undefined {
  const key = libraryModelKey(object.mesh);
  if (!key || !libraryPropKinds().some((k) => k.key === key)) return undefined;
  const category = libraryPropKinds().find((k) => k.key === key)!.category;
  const [sx, sy, sz] = object.scale;
  // Primitives, not the model's hull: a hull's rounded base rocks under a grasp or a push, and
  // tilts and topples then missed their labels (measured: 3–4 of 200 clips failed three draws).
  if (category === "ball") return { kind: "sphere", radius: Math.min(sx, sy, sz) / 2 };
  if (ROUND.has(category)) {
    return { kind: "cylinder", radius: Math.min(sx, sz) / 2, halfHeight: sy / 2 };
  }
  return { kind: "box", halfExtents: [sx / 2, sy / 2, sz / 2] };
}
