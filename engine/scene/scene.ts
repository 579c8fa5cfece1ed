/** The scene a clip is rendered from: objects, camera, lights, background. */
import { Camera } from "./camera.ts";
import type { MeshData } from "./mesh.ts";
import type { Quat, Vec3 } from "./vector.ts";

export type { Quat, Vec3 };
export type Rgba = [number, number, number, number];

export interface Material {
  /** Linear RGB base colour in 0..1. */
  color: Vec3;
  roughness: number;
  metalness: number;
  /** Key of a texture in `Scene.textures`, multiplied with `color`. */
  texture?: string;
  /**
   * How many times every texture of the material repeats across the mesh's UV square, along u
   * and v ([1, 1] when absent). A 12 m floor needs its boards repeated, not one 256-texel tile
   * stretched over it.
   */
  uvScale?: [number, number];
  /**
   * Tangent-space normal map (glTF convention: +x along u, +y up the image, i.e. towards -v;
   * linear bytes). Changes the shading normal of rgb only: the normals label stays geometric.
   */
  normalTexture?: string;
  /** Scales the normal map's x and y (glTF normalTexture.scale); 1 when absent. */
  normalScale?: number;
  /** glTF metallic-roughness map (linear): G multiplies `roughness`, B `metalness`. */
  metalRoughTexture?: string;
  /** Occlusion map (linear, R): dims ambient and environment light only. */
  occlusionTexture?: string;
  /** How much of the occlusion map applies, 0 … 1 (glTF occlusionTexture.strength); 1 when absent. */
  occlusionStrength?: number;
  /** Emitted linear radiance (glTF emissiveFactor × emissive_strength); black when absent. */
  emissive?: Vec3;
  /** sRGB texture multiplied with `emissive`. */
  emissiveTexture?: string;
  /** Procedural surface finish behind the normal and roughness maps ("wood", "brushed", …). */
  finish?: string;
  /** Named physical preset ("wood", "metal", …) so captions and sounds can name it. */
  preset?: string;
  /** Human colour name ("red") when the colour came from a named palette. */
  colorName?: string;
  /** Used for every mesh part, replacing materials the mesh brings (a glTF asset's). */
  override?: boolean;
}

export interface Texture {
  width: number;
  height: number;
  /**
   * RGBA8, top row first: sRGB-encoded for colour (base colour, emissive), linear for the data
   * maps (normal, metallic-roughness, occlusion), which are sampled without sRGB decoding.
   */
  data: Uint8Array;
}

/** One drawable piece of a mesh asset, placed in the asset's frame. */
export interface MeshPart {
  mesh: MeshData;
  /** Column-major 4×4 from part to object space; identity when absent. */
  matrix?: Float32Array;
  /** Overrides the object's material (e.g. a glTF material). */
  material?: Material;
}

export interface Light {
  type: "directional" | "point" | "spot";
  /** Linear RGB colour. */
  color: Vec3;
  intensity: number;
  /** World position (point, spot). */
  position: Vec3;
  /** World direction the light travels (directional, spot). */
  direction: Vec3;
  /** Spot cone half-angle in degrees. */
  angle: number;
  castShadow: boolean;
  /**
   * Angular diameter of a directional light in degrees (the sun: 0.53), which sets how fast
   * its shadows soften with distance from the caster (soft shadows in the high and ultra
   * presets). Point and spot lights are shadowed with a fixed filter.
   */
  size: number;
}

export interface ObjectSpec {
  name?: string;
  class?: string;
  mesh: string;
  position?: Vec3;
  rotation?: Quat;
  scale?: Vec3;
  material?: Partial<Material>;
  /** Free-form attributes for labels and captions (shape, size, …). */
  attributes?: Record<string, unknown>;
}

export class SceneObject {
  position: Vec3;
  rotation: Quat;
  scale: Vec3;
  material: Material;
  visible = true;
  attributes: Record<string, unknown>;
  /**
   * Per-part placements of an articulated object (a person's limbs), one per
   * part of its mesh in order; they replace the mesh's own part matrices.
   * Frame states keep copies, so they may be updated in place.
   */
  partMatrices?: Float32Array[];
  /**
   * Joint matrices of a skinned object (16 floats per joint, object space, bind pose →
   * this frame's pose): every skinned part of its mesh follows them (engine/scene/skin.ts).
   * Replaced, not edited, when the object is posed again.
   */
  skinMatrices?: Float32Array;

  constructor(
    /** Instance id in instance.npy; 0 is the background. */
    readonly id: number,
    readonly name: string,
    public cls: string,
    public mesh: string,
    spec: ObjectSpec,
  ) {
    this.position = [...(spec.position ?? [0, 0, 0])] as Vec3;
    this.rotation = [...(spec.rotation ?? [0, 0, 0, 1])] as Quat;
    this.scale = [...(spec.scale ?? [1, 1, 1])] as Vec3;
    this.material = { ...defaultMaterial(), ...spec.material };
    this.attributes = { ...spec.attributes };
  }
}

export function defaultMaterial(): Material {
  return { color: [0.8, 0.8, 0.8], roughness: 0.5, metalness: 0 };
}

/** The sun's angular diameter seen from the earth, degrees. */
export const SUN_DIAMETER = 0.53;

export function defaultLight(): Light {
  return {
    type: "directional",
    color: [1, 1, 1],
    intensity: 3,
    position: [0, 5, 0],
    direction: [-0.4, -1, -0.6],
    angle: 30,
    castShadow: false,
    size: SUN_DIAMETER,
  };
}

export class Scene {
  readonly objects: SceneObject[] = [];
  camera = new Camera();
  lights: Light[] = [];
  ambient: { color: Vec3; intensity: number } = { color: [1, 1, 1], intensity: 0.25 };
  /** sRGB background colour with alpha, 0..1. */
  background: Rgba = [0.05, 0.05, 0.07, 1];
  /** Mesh assets by key: primitives ("cube") and imported files. */
  readonly meshes = new Map<string, MeshPart[]>();
  readonly textures = new Map<string, Texture>();
  #nextId = 1;
  /** Names in use (a scan of `objects` per add made building 2000 objects quadratic). */
  readonly #names = new Set<string>();

  add(spec: ObjectSpec): SceneObject {
    if (!this.meshes.has(spec.mesh)) {
      throw new RangeError(
        `Cannot add object "${spec.name ?? "?"}": mesh "${spec.mesh}" is not registered ` +
          `(known: ${[...this.meshes.keys()].join(", ")})`,
      );
    }
    const id = this.#nextId++;
    const name = spec.name ?? `${spec.class ?? spec.mesh}_${id}`;
    if (this.#names.has(name)) {
      throw new RangeError(`Cannot add object: the name "${name}" is already used`);
    }
    const object = new SceneObject(id, name, spec.class ?? spec.mesh, spec.mesh, spec);
    this.objects.push(object);
    this.#names.add(name);
    return object;
  }

  find(nameOrId: string | number): SceneObject | undefined {
    return this.objects.find((o) =>
      typeof nameOrId === "number" ? o.id === nameOrId : o.name === nameOrId
    );
  }

  /** Removes an object. Its id is never reused within the clip. */
  remove(object: SceneObject): void {
    const i = this.objects.indexOf(object);
    if (i >= 0) {
      this.objects.splice(i, 1);
      this.#names.delete(object.name);
    }
  }

  addLight(light: Partial<Light>): Light {
    const full = { ...defaultLight(), ...light };
    this.lights.push(full);
    return full;
  }

  /** Largest instance id handed out so far. */
  get maxId(): number {
    return this.#nextId - 1;
  }
}
