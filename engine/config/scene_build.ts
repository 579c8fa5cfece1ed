/** Builds one clip's Scene from a SceneConfig, drawing its samplers with the scene's RNG stream. */
import { type MeshData, primitives } from "../scene/mesh.ts";
import { TABLE_MESHES } from "../scene/table_mesh.ts";
import {
  applyFinish,
  type Finish,
  FINISH_FREQUENCY,
  type Pattern,
  proceduralKey,
  proceduralTexture,
} from "../scene/procedural_texture.ts";
import { importedMaterial, loadGltf } from "../scene/gltf.ts";
import { furnitureEntry, furnitureFolder, libraryId } from "../scene/furniture_library.ts";
import { furnitureAsset } from "../scene/model_cache.ts";
import { kelvinToLinear, srgbToLinear } from "../scene/color.ts";
import { eulerToQuat, type Keyframe } from "../scene/keyframes.ts";
import type { Rng } from "../scene/rng.ts";
import { type Material, type MeshPart, Scene, SUN_DIAMETER, type Vec3 } from "../scene/scene.ts";
import { keyframeSchema, MESH_KEYS, type SceneConfig, SceneError } from "./scene_file.ts";
import { sample, type Schema } from "../plugin/schema.ts";

const vec3: Schema = { type: "vector", length: 3, sampled: true };
const color: Schema = { type: "vector", length: 3, color: true, sampled: true };
const number: Schema = { type: "number", sampled: true };
const string: Schema = { type: "string", sampled: true };

/** Mesh parts shared by every clip of a run (meshes are uploaded to the GPU once). */
export class MeshLibrary {
  readonly #parts = new Map<string, MeshPart[]>();

  static async load(config: SceneConfig): Promise<MeshLibrary> {
    const lib = new MeshLibrary();
    const builtIn = { ...primitives, ...TABLE_MESHES };
    for (const key of MESH_KEYS) lib.#parts.set(key, [{ mesh: builtIn[key]() }]);
    for (const [key, path] of Object.entries(config.assets)) {
      let asset;
      try {
        const id = libraryId(path);
        asset = id !== undefined ? await libraryAsset(id) : await loadGltf(path);
      } catch (error) {
        throw new SceneError(config.file, [
          `${config.file}: assets.${key}: ${(error as Error).message.split("\n")[0]}`,
        ]);
      }
      lib.#parts.set(
        key,
        asset.parts.map((p) => ({
          mesh: p.mesh as MeshData,
          matrix: p.matrix,
          material: importedMaterial(key, p, lib.textures),
        })),
      );
    }
    return lib;
  }

  readonly textures = new Map<string, { width: number; height: number; data: Uint8Array }>();

  install(scene: Scene): void {
    for (const [key, parts] of this.#parts) scene.meshes.set(key, parts);
    for (const [key, texture] of this.textures) scene.textures.set(key, texture);
  }
}

/** A furniture library model (the scene loader checked that the library and id exist). */
function libraryAsset(id: string) {
  const folder = furnitureFolder();
  if (!folder) throw new Error("the furniture library is not installed");
  return furnitureAsset(folder, furnitureEntry(folder, id));
}

export interface BuiltScene {
  scene: Scene;
  /** Keyframes by object id. */
  motions: Map<number, Keyframe[]>;
  /** Every value drawn for the scene itself (written to labels.json). */
  sampled: Record<string, unknown>;
}

export function buildScene(config: SceneConfig, library: MeshLibrary, rng: Rng): BuiltScene {
  const scene = new Scene();
  library.install(scene);
  const doc = config.doc;
  const draw = <T>(schema: Schema, value: unknown, fallback: T): T =>
    value === undefined ? fallback : sample(schema, value, rng) as T;
  const sampled: Record<string, unknown> = {};

  const cam = (doc.camera ?? {}) as Record<string, unknown>;
  const camera = scene.camera;
  camera.position = draw(vec3, cam.position, camera.position);
  camera.fovY = draw(number, cam.fov, camera.fovY);
  if (cam.focal !== undefined) camera.focal = draw(number, cam.focal, 0);
  if (cam.principal !== undefined) camera.principal = cam.principal as [number, number];
  if (cam.near !== undefined) camera.near = cam.near as number;
  if (cam.far !== undefined) camera.far = cam.far as number;
  const lookAt = draw<Vec3>(vec3, cam.look_at, [0, 0, 0]);
  camera.lookAt(lookAt, (cam.up as Vec3) ?? [0, 1, 0]);
  sampled.camera = {
    position: camera.position,
    look_at: lookAt,
    fov: camera.fovY,
    focal: camera.focal,
  };

  if (doc.background !== undefined) {
    const bg = draw<number[]>(color, doc.background, []);
    scene.background = [bg[0], bg[1], bg[2], bg[3] ?? 1];
  }
  sampled.background = scene.background;
  const ambient = (doc.ambient ?? {}) as Record<string, unknown>;
  scene.ambient = {
    color: draw<Vec3>(color, ambient.color, [1, 1, 1]).map(srgbToLinear) as Vec3,
    intensity: draw(number, ambient.intensity, scene.ambient.intensity),
  };
  sampled.ambient = scene.ambient;

  const lights = (doc.lights ?? [{}]) as Record<string, unknown>[];
  for (const l of lights) {
    const temperature = l.temperature === undefined
      ? undefined
      : draw<number>(number, l.temperature, 6500);
    const rgb = temperature !== undefined
      ? kelvinToLinear(temperature)
      : draw<Vec3>(color, l.color, [1, 1, 1]).map(srgbToLinear) as Vec3;
    const light = scene.addLight({
      type: (l.type as "directional" | "point" | "spot") ?? "directional",
      color: rgb,
      intensity: draw(number, l.intensity, 3),
      position: draw(vec3, l.position, [0, 5, 0]),
      direction: draw(vec3, l.direction, [-0.4, -1, -0.6]),
      angle: draw(number, l.angle, 30),
      castShadow: (l.cast_shadow as boolean) ?? false,
      size: draw(number, l.size, SUN_DIAMETER),
    });
    if (temperature !== undefined) Object.assign(light, { temperature });
  }
  sampled.lights = scene.lights;

  const motions = new Map<number, Keyframe[]>();
  const objects = (doc.objects ?? []) as Record<string, unknown>[];
  sampled.objects = objects.map((o) => {
    const mesh = draw<string>(string, o.mesh, "cube");
    const s = o.scale;
    const scale: Vec3 = s === undefined
      ? [1, 1, 1]
      : Array.isArray(s) && s.length === 3
      ? draw(vec3, s, [1, 1, 1])
      : (() => {
        const k = draw<number>(number, s, 1);
        return [k, k, k] as Vec3;
      })();
    const srgb = draw<number[]>(color, o.color, [0.8, 0.8, 0.8]);
    // Draw order (mesh, scale, colour, position, rotation, material) is part of what a seed means.
    const position = draw<Vec3>(vec3, o.position, [0, 0, 0]);
    const rotationDegrees = draw<Vec3>(vec3, o.rotation, [0, 0, 0]);
    const object = scene.add({
      name: o.name as string | undefined,
      class: (o.class as string) ?? mesh,
      mesh,
      position,
      rotation: eulerToQuat(rotationDegrees),
      scale,
      material: {
        color: srgb.slice(0, 3).map(srgbToLinear) as Vec3,
        roughness: draw(number, o.roughness, 0.5),
        metalness: draw(number, o.metalness, 0),
        texture: o.texture === undefined ? undefined : addPatternTexture(scene, o.texture, rng),
        preset: o.material === undefined ? undefined : draw<string>(string, o.material, ""),
      },
      attributes: (o.attributes as Record<string, unknown>) ?? {},
    });
    adoptAssetMaterial(object.material, scene.meshes.get(mesh) ?? [], o);
    if (o.finish !== undefined) addFinish(scene, object.material, o.finish, rng);
    if (Array.isArray(o.motion)) {
      motions.set(object.id, o.motion.map((k) => sample(keyframeSchema, k, rng) as Keyframe));
    }
    return {
      id: object.id,
      name: object.name,
      mesh,
      position: object.position,
      rotation: rotationDegrees,
      scale,
      color: srgb,
    };
  });
  return { scene, motions, sampled };
}

/**
 * An asset (glTF) brings its own part materials. When the scene sets the object's look (colour,
 * roughness, metalness or texture), that replaces them (`override`); otherwise the object's
 * material takes the first part's, so labels.json and captions name what is rendered.
 */
function adoptAssetMaterial(
  material: Material,
  parts: readonly MeshPart[],
  o: Record<string, unknown>,
): void {
  const own = parts.find((p) => p.material)?.material;
  if (!own) return;
  const set = ["color", "roughness", "metalness", "texture"].some((k) => o[k] !== undefined);
  if (set) {
    material.override = true;
    return;
  }
  material.color = [...own.color];
  material.roughness = own.roughness;
  material.metalness = own.metalness;
  material.texture = own.texture;
}

/** Gives a material the finish an object's `finish:` names (normal and roughness maps). */
function addFinish(scene: Scene, material: Material, value: unknown, rng: Rng): void {
  const form = typeof value === "object" && value !== null && "name" in value
    ? value as Record<string, unknown>
    : { name: value };
  const finish = sample(string, form.name, rng) as Finish;
  const [low, high] = FINISH_FREQUENCY[finish];
  applyFinish(scene.textures, material, {
    finish,
    frequency: Math.round(
      form.frequency === undefined
        ? (low + high) / 2
        : sample(number, form.frequency, rng) as number,
    ),
    normalScale: form.scale === undefined ? 1 : sample(number, form.scale, rng) as number,
    seed: Math.floor(rng.next() * 2 ** 32),
  });
}

/**
 * Registers the procedural texture an object's `texture:` asks for and returns its key. The
 * texture multiplies the base colour: white where the pattern is 0, `tint` (default a mid grey)
 * where it is 1, so the object keeps its colour with a darker pattern on it.
 */
function addPatternTexture(scene: Scene, value: unknown, rng: Rng): string {
  const form = typeof value === "object" && value !== null && "pattern" in value
    ? value as Record<string, unknown>
    : { pattern: value };
  const spec = {
    pattern: sample(string, form.pattern, rng) as Pattern,
    frequency: Math.round(
      form.frequency === undefined ? 8 : sample(number, form.frequency, rng) as number,
    ),
    colorA: [1, 1, 1] as Vec3,
    colorB:
      (form.tint === undefined ? [0.45, 0.45, 0.45] : sample(color, form.tint, rng) as number[])
        .slice(0, 3).map(srgbToLinear) as Vec3,
    seed: Math.floor(rng.next() * 2 ** 32),
  };
  const key = proceduralKey(spec);
  scene.textures.set(key, proceduralTexture(spec));
  return key;
}
