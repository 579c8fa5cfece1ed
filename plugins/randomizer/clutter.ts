/**
 * Background clutter: N distractors on the ground around the subject, placed by rejection
 * sampling so that their footprints overlap neither the foreground objects nor each other.
 * Each is a primitive with a random material, or (a `library` share of them) a real model of
 * the furniture library drawn from the manifest's categories at its real size — a chair, a
 * plant, a bin. Class "clutter" (not in the alpha matte, never the default camera subject).
 * Inside a room set's walls they keep off its furniture (floor_space.ts).
 */
import { eulerToQuat } from "../../engine/scene/keyframes.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";
import { checkName, checkNames } from "../../engine/plugin/checks.ts";
import { PALETTE_NAMES } from "../../engine/scene/palette.ts";
import type { Vec3 } from "../../engine/scene/scene.ts";
import { isForeground } from "../../engine/scene/foreground.ts";
import { center, findSubject, objectBounds } from "./bounds.ts";
import { randomizeMaterial } from "./materials.ts";
import { CATEGORY_IDS } from "../../engine/scene/asset_categories.ts";
import { assetManifest, type ManifestEntry } from "../../engine/scene/asset_manifest.ts";
import { furnitureFolder } from "../../engine/scene/furniture_library.ts";
import {
  libraryModel,
  loadLibraryModels,
  useLibraryModel,
} from "../../engine/scene/library_model.ts";
import { circleIsFree, floorSpace } from "./floor_space.ts";

const TRIES = 200;

export const clutterRandomizer = definePlugin({
  id: "randomizer/clutter",
  kind: "randomizer",
  description: "N distractor objects placed without overlapping the subjects or each other",
  defaults: {
    /** Distractors to add; one that finds no free spot in 200 tries is left out. */
    count: 6,
    /** Comma-separated mesh names, one drawn per distractor (names the scene lacks are skipped). */
    meshes: "cube,sphere,cylinder,cone,torus,capsule",
    /** Largest side of each distractor, metres. */
    size_range: [0.15, 0.45],
    /** Distractors lie between these distances (metres) from the subject, on the ground. */
    radius_range: [0.8, 3.5],
    /** Height of the ground the distractors stand on, metres (their bottoms are put there). */
    ground_y: 0,
    /** Gap kept between footprints, metres. */
    clearance: 0.05,
    /** Named palette the distractors' colours are drawn from. */
    palette: "basic",
    /** Chance a distractor gets a procedural texture, 0 … 1. */
    texture_chance: 0.3,
    /** Share of distractors that are furniture-library models (0 without the library). */
    library: 0,
    /** Comma-separated manifest categories the library distractors are drawn from. */
    categories: "chair,plant,box,bin,lamp,toy,ball,bag,cabinet,appliance,decor,table",
    /** Largest side of a library distractor, metres (models outside are not drawn). */
    library_size_range: [0.2, 1.6],
  },
  limits: {
    count: { min: 0, max: 500, integer: true },
    clearance: { min: 0 },
    library: { min: 0, max: 1 },
  },
  check: (o, scene) => [
    ...(typeof o.categories === "string"
      ? checkNames("categories", o.categories, CATEGORY_IDS)
      : []),
    ...(typeof o.meshes === "string" ? checkNames("meshes", o.meshes, scene.meshKeys) : []),
    ...(typeof o.palette === "string" ? checkName("palette", o.palette, PALETTE_NAMES) : []),
  ],
  creates: () => ({ names: ["clutter_*"], classes: ["clutter"] }),
  create() {
    return {
      async setup(ctx) {
        // the models clutter may draw, from the GLB cache, so no clip parses an OBJ
        const o = ctx.rawOptions;
        if (o.library === 0 || typeof o.categories !== "string") return;
        const size = Array.isArray(o.library_size_range) ? o.library_size_range : [0, Infinity];
        await loadLibraryModels(
          libraryCandidates(o.categories, size as number[]).map((r) => r.key),
        );
      },
      clipStart(ctx) {
        const o = ctx.options;
        const rng = ctx.rng;
        const scene = ctx.scene;
        const subject = findSubject(scene, "");
        const c = subject ? center(objectBounds(scene, subject)) : [0, 0, 0];
        // footprints (x, z, radius) of everything that must stay clear
        const taken: [number, number, number][] = scene.objects.filter((ob) => isForeground(ob))
          .map((ob) => {
            const b = objectBounds(scene, ob);
            const r = Math.hypot(b.max[0] - b.min[0], b.max[2] - b.min[2]) / 2;
            return [(b.min[0] + b.max[0]) / 2, (b.min[2] + b.max[2]) / 2, r];
          });
        // inside the walls and off the furniture of a room set, when there is one
        const space = floorSpace(ctx);
        const meshes = o.meshes.split(",").map((m) => m.trim()).filter((m) => scene.meshes.has(m));
        if (meshes.length === 0) throw new RangeError(`No known mesh in "${o.meshes}"`);
        const models = o.library > 0 ? libraryCandidates(o.categories, o.library_size_range) : [];
        const placed: Record<string, unknown>[] = [];
        for (let i = 0; i < o.count; i++) {
          // no draw for the share when nothing can be drawn: scenes without the library keep
          // their numbers
          const row = models.length > 0 && rng.chance(o.library) ? rng.choice(models) : undefined;
          const model = row ? libraryModel(row.key) : null;
          const mesh = model ? useLibraryModel(scene, model) : rng.choice(meshes);
          const size = model ? 0 : rng.uniform(o.size_range[0], o.size_range[1]);
          const yaw = rng.uniform(0, 360);
          const object = scene.add({
            name: `clutter_${i}`,
            class: "clutter",
            mesh,
            scale: model ? [...model.entry.size] as Vec3 : [size, size, size],
            rotation: eulerToQuat([0, yaw, 0]),
            ...(model
              ? {
                attributes: {
                  asset: `library:${model.key}`,
                  category: row!.category,
                  creator: model.entry.creator,
                  licence: model.entry.licence,
                },
              }
              : {}),
          });
          const b = objectBounds(scene, object);
          const radius = Math.hypot(b.max[0] - b.min[0], b.max[2] - b.min[2]) / 2;
          let spot: [number, number] | undefined;
          for (let t = 0; t < TRIES && !spot; t++) {
            const angle = rng.uniform(0, 2 * Math.PI);
            const dist = rng.uniform(o.radius_range[0], o.radius_range[1]);
            const x = c[0] + Math.cos(angle) * dist;
            const z = c[2] + Math.sin(angle) * dist;
            if (
              taken.every(([tx, tz, tr]) =>
                Math.hypot(x - tx, z - tz) >= tr + radius + o.clearance
              ) && circleIsFree(space, x, z, radius, o.clearance)
            ) {
              spot = [x, z];
            }
          }
          if (!spot) {
            scene.remove(object); // no room left: fewer distractors rather than overlaps
            continue;
          }
          // rest on the ground: lift by the distance from the origin to the bottom of the bounds
          object.position = [spot[0], o.ground_y - b.min[1], spot[1]] as Vec3;
          taken.push([spot[0], spot[1], radius]);
          if (model) {
            // its own materials and textures draw it
            placed.push({
              name: object.name,
              id: object.id,
              asset: `library:${model.key}`,
              yaw,
              position: object.position,
            });
            continue;
          }
          const material = randomizeMaterial(rng, scene, object.material, {
            palette: o.palette,
            roughness_range: [0.3, 0.9],
            metal_chance: 0.1,
            texture_chance: o.texture_chance,
            patterns: "noise,checker,stripes,marble,wood,dots",
            frequency_range: [2, 10],
          }, false);
          placed.push({
            name: object.name,
            id: object.id,
            mesh,
            size,
            yaw,
            position: object.position,
            material,
          });
        }
        ctx.record("randomization", { requested: o.count, placed });
      },
    };
  },
});

/** Manifest rows of `categories` whose largest side is within `size` (none without the library). */
function libraryCandidates(categories: string, size: readonly number[]): ManifestEntry[] {
  const folder = furnitureFolder();
  if (!folder) return [];
  const wanted = new Set(categories.split(",").map((c) => c.trim()));
  return assetManifest(folder).filter((row) => {
    const largest = Math.max(...row.size);
    return wanted.has(row.category) && largest >= size[0] && largest <= size[1];
  });
}
