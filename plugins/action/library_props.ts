/**
 * Real props for the object actions: models of the furniture library (docs/assets.md) with the
 * traits and colliders the actions need. Each is loaded once per process, re-centred into the
 * unit box the procedural props use (so `scale` is its size in metres and the actions place it
 * the same way), and keeps its own materials and textures. Only used when the library is there.
 */
import {
  type FurnitureEntry,
  furnitureEntry,
  furnitureFolder,
  loadFurniture,
} from "../../engine/scene/furniture_library.ts";
import type { Shape } from "../../engine/physics/world.ts";
import type { MeshPart, Scene, SceneObject, Vec3 } from "../../engine/scene/scene.ts";
import type { Rng } from "../../engine/scene/rng.ts";
import type { Trait } from "./props.ts";
import type { PresetName } from "../../engine/scene/materials.ts";
import { importedMaterial } from "../../engine/scene/gltf.ts";

export interface LibraryPropKind {
  /** Furniture library id. */
  id: string;
  noun: string;
  traits: Trait[];
  /** Collider in the unit frame: a box, an upright cylinder, or a sphere. */
  collider: "box" | "cylinder" | "sphere";
  /** Material preset: the physics (density, friction, bounce) and the caption's material word. */
  preset: PresetName;
  /**
   * The colour a person would name (looked at in renders), when one does; otherwise captions
   * name none (an area mean of a two-tone cup is neither of its colours).
   */
  color?: string;
  /** False where the physics preset is no word for what it is made of (a cupcake is not cardboard). */
  sayMaterial?: boolean;
  /** Laid on its side (axis horizontal) when it must roll. */
  liesToRoll?: boolean;
}

/** CC0 models (Blend Swap CC-0) that fit on a table and in a hand. */
export const LIBRARY_PROPS: LibraryPropKind[] = [
  {
    id: "caffe_final",
    noun: "coffee cup",
    traits: ["upright"],
    collider: "cylinder",
    preset: "ceramic",
    color: "white",
  },
  {
    id: "plasticCup",
    noun: "plastic cup",
    traits: ["upright"],
    collider: "cylinder",
    preset: "plastic",
    color: "blue",
  },
  {
    id: "cupcake",
    noun: "cupcake",
    traits: ["upright"],
    collider: "cylinder",
    preset: "cardboard",
    sayMaterial: false,
  },
  {
    id: "tetrapak",
    noun: "milk carton",
    traits: ["tall"],
    collider: "box",
    preset: "cardboard",
    color: "white",
  },
  {
    id: "yogurtBottle",
    noun: "yogurt bottle",
    traits: ["tall", "rolls"],
    collider: "cylinder",
    preset: "plastic",
    color: "white",
    liesToRoll: true,
  },
  {
    id: "mamadeira",
    noun: "baby bottle",
    traits: ["tall", "rolls"],
    collider: "cylinder",
    preset: "plastic",
    liesToRoll: true,
  },
  {
    id: "bread",
    noun: "loaf of bread",
    traits: ["upright", "oblong"],
    collider: "box",
    preset: "cardboard",
    sayMaterial: false,
  },
  {
    id: "butter",
    noun: "butter dish",
    traits: ["upright", "oblong", "base"],
    collider: "box",
    preset: "ceramic",
  },
  {
    id: "iphone",
    noun: "phone",
    // 8 mm thin: a hand pushing it passes over it (measured: 3 of 96 clips failed); it is only
    // something to stack on
    traits: ["base"],
    collider: "box",
    preset: "glass",
    sayMaterial: false,
  },
  {
    id: "basketball",
    noun: "basketball",
    traits: ["rolls"],
    collider: "sphere",
    preset: "rubber",
    color: "orange",
  },
];

interface Loaded {
  entry: FurnitureEntry;
  parts: MeshPart[];
  textures: Map<string, { width: number; height: number; data: Uint8Array }>;
}

const loaded = new Map<string, Loaded | null>();

/** The model as unit-box parts (cached), or null when the library or the model is missing. */
function load(kind: LibraryPropKind): Loaded | null {
  if (loaded.has(kind.id)) return loaded.get(kind.id)!;
  let result: Loaded | null = null;
  const folder = furnitureFolder();
  if (folder) {
    const entry = furnitureEntry(folder, kind.id);
    const asset = loadFurniture(folder, entry);
    const [w, h, d] = entry.size;
    const key = `lib_${kind.id}`;
    const textures = new Map<string, { width: number; height: number; data: Uint8Array }>();
    const parts = asset.parts.map((p): MeshPart => {
      const pos = p.mesh.positions.slice(), nrm = p.mesh.normals.slice();
      for (let i = 0; i < pos.length; i += 3) {
        // from metres standing on y = 0 to the unit box centred on the origin
        pos[i] /= w;
        pos[i + 1] = pos[i + 1] / h - 0.5;
        pos[i + 2] /= d;
        const nx = nrm[i] * w, ny = nrm[i + 1] * h, nz = nrm[i + 2] * d;
        const n = Math.hypot(nx, ny, nz) || 1;
        nrm[i] = nx / n;
        nrm[i + 1] = ny / n;
        nrm[i + 2] = nz / n;
      }
      return {
        mesh: { ...p.mesh, positions: pos, normals: nrm },
        material: importedMaterial(key, p, textures),
      };
    });
    result = { entry, parts, textures };
  }
  loaded.set(kind.id, result);
  return result;
}

/** The library props with all of `traits` and none of `without`, whose models load. */
export function libraryPropsWith(traits: Trait[], without: Trait[] = []): LibraryPropKind[] {
  return LIBRARY_PROPS.filter((k) =>
    traits.every((t) => k.traits.includes(t)) && !without.some((t) => k.traits.includes(t)) &&
    load(k) !== null
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
  const model = load(kind)!;
  const key = `lib_${kind.id}`;
  if (!scene.meshes.has(key)) {
    scene.meshes.set(key, model.parts);
    for (const [texture, image] of model.textures) scene.textures.set(texture, image);
  }
  const factor = rng.uniform(0.9, 1.1) * sizeFactor;
  const scale = model.entry.size.map((v) => v * factor) as Vec3;
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
      colorName: kind.color,
      texture: kind.color ? undefined : key,
      roughness: 0.5,
      metalness: 0,
      preset: kind.preset,
    },
    attributes: {
      shape: kind.noun,
      size: Math.round(Math.max(...scale) * 1000) / 1000,
      asset: `library:${kind.id}`,
      ...(kind.sayMaterial === false ? { material_word: false } : {}),
      creator: model.entry.creator,
      licence: model.entry.licence,
    },
  });
}

/** A library prop's collider, in world units (its scale applied), or undefined for others. */
export function libraryCollider(object: SceneObject): Shape | undefined {
  const kind = LIBRARY_PROPS.find((k) => object.mesh === `lib_${k.id}`);
  if (!kind) return undefined;
  const [sx, sy, sz] = object.scale;
  switch (kind.collider) {
    case "box":
      return { kind: "box", halfExtents: [sx / 2, sy / 2, sz / 2] };
    case "sphere":
      return { kind: "sphere", radius: Math.min(sx, sy, sz) / 2 };
    case "cylinder":
      return { kind: "cylinder", radius: Math.min(sx, sz) / 2, halfHeight: sy / 2 };
  }
}

/** Whether a library prop of this mesh lies down to roll. */
export function libraryLiesToRoll(mesh: string): boolean {
  return LIBRARY_PROPS.some((k) => mesh === `lib_${k.id}` && k.liesToRoll);
}
