/**
 * The asset manifest (engine/scene/asset_manifest.ts): every library model has a category, a
 * licence, a real size that fits its category and a convex collider; scenes select models by
 * category with clear errors; a library cup dropped on a table rests on it; something_something
 * films many categories and distinct objects and its captions name them. Needs the furniture
 * library (CI installs sweethome3d-furniture); skipped without it.
 */
import { CATEGORIES, CATEGORY_IDS } from "../engine/scene/asset_categories.ts";
import { assetManifest, manifestText, selectAssets } from "../engine/scene/asset_manifest.ts";
import {
  furnitureEntry,
  furnitureFolder,
  loadFurniture,
} from "../engine/scene/furniture_library.ts";
import { hullPoints } from "../engine/scene/hull_points.ts";
import { primitives } from "../engine/scene/mesh.ts";
import { Scene, type SceneObject } from "../engine/scene/scene.ts";
import { initPhysics, meshPoints, PhysicsWorld } from "../engine/physics/world.ts";
import { loadScene, SceneError } from "../engine/config/scene_file.ts";
import { planDataset, renderDataset } from "../engine/run/dataset_run.ts";
import { testGpu } from "./helpers.ts";
import { Rng } from "../engine/scene/rng.ts";
import { builtins } from "../plugins/mod.ts";
import {
  addLibraryProp,
  libraryCollider,
  libraryPropKinds,
} from "../plugins/action/library_props.ts";
import { assert, assertEquals } from "./assert.ts";

const folder = furnitureFolder();
const withLibrary = { ignore: !folder };
const gpuTest = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "asset manifest: every model has a category, licence and a size its category allows",
  ...withLibrary,
  fn() {
    const rows = assetManifest(folder!);
    assertEquals(rows.length, 795);
    assertEquals(new Set(rows.map((r) => r.key)).size, rows.length, "keys are unique");
    for (const row of rows) {
      assert(CATEGORY_IDS.includes(row.category), `${row.key}: category ${row.category}`);
      assert(/^CC/.test(row.licence) && row.creator, `${row.key}: licence and creator`);
      const [low, high] = CATEGORIES[row.category].size;
      const largest = Math.max(...row.size);
      assert(
        largest >= 0.8 * low && largest <= 1.2 * high,
        `${row.key} (${row.name}): ${largest} m is outside ${row.category}'s ${low}–${high} m`,
      );
      assert(row.mass > 0 && row.friction > 0, `${row.key}: mass and friction`);
      if (row.graspable) assert(largest <= 0.35 && row.mass <= 3, `${row.key}: fits a hand`);
    }
    // the tabletop categories the object actions use are all there
    for (const category of ["cup", "glass", "bottle", "bowl", "food", "book", "phone", "toy"]) {
      assert(selectAssets(rows, { category, tags: ["graspable"] }).length > 0, category);
    }
    const manifest = Deno.readTextFileSync(
      new URL("../assets/furniture_manifest.json", import.meta.url),
    );
    assert(
      manifest === manifestText(rows),
      "assets/furniture_manifest.json is stale: run `deno task assets --manifest`",
    );
  },
});

Deno.test({
  name: "asset manifest: every model loads and has a convex collider within its bounds",
  ...withLibrary,
  fn() {
    for (const row of assetManifest(folder!)) {
      const asset = loadFurniture(folder!, furnitureEntry(folder!, row.key));
      const points = asset.parts.flatMap((p) => [...p.mesh.positions]);
      const hull = hullPoints(points, 32);
      assert(hull.length >= 12, `${row.key}: a hull of ${hull.length / 3} points`);
      // the six axis extremes are kept: the hull spans the model's real size
      for (let k = 0; k < 3; k++) {
        let low = Infinity, high = -Infinity;
        for (let i = k; i < hull.length; i += 3) {
          low = Math.min(low, hull[i]);
          high = Math.max(high, hull[i]);
        }
        assert(
          Math.abs(high - low - row.size[k]) < 1e-4,
          `${row.key}: axis ${k} spans ${high - low}`,
        );
      }
    }
  },
});

Deno.test({
  name: "scenes select models by category; an unknown category names file, line and key",
  ...withLibrary,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "synthvid_category_" });
    try {
      const scene = (category: string) => `
name: cups
objects:
  - { name: cup, mesh: { category: ${category}, tags: [graspable] }, position: [0, 0, 0] }
`;
      await Deno.writeTextFile(`${dir}/ok.yaml`, scene("cup"));
      const config = await loadScene(`${dir}/ok.yaml`, { registry: builtins });
      const cups = selectAssets(assetManifest(folder!), { category: "cup", tags: ["graspable"] });
      const object = (config.doc.objects as Record<string, unknown>[])[0];
      assertEquals(object.mesh, { choice: cups.map((r) => `library:${r.key}`) });
      assertEquals(object.class, "cup");
      assertEquals(Object.keys(config.assets).length, cups.length);
      await Deno.writeTextFile(`${dir}/bad.yaml`, scene("cupp"));
      let message = "";
      try {
        await loadScene(`${dir}/bad.yaml`, { registry: builtins });
      } catch (error) {
        assert(error instanceof SceneError);
        message = error.message;
      }
      assert(
        message.includes(`${dir}/bad.yaml:4:`) && message.includes("objects[0].mesh.category") &&
          message.includes('unknown category "cupp" (did you mean "cup"?)'),
        message,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** The lowest point of an object's mesh in world space. */
function lowest(scene: Scene, object: SceneObject): number {
  const points = meshPoints(scene, object);
  const [x, y, z, w] = object.rotation;
  let low = Infinity;
  for (let i = 0; i < points.length; i += 3) {
    const [px, py, pz] = [points[i], points[i + 1], points[i + 2]];
    // y of the point rotated by the unit quaternion (x, y, z, w)
    const ry = 2 * (x * y + w * z) * px + (1 - 2 * (x * x + z * z)) * py +
      2 * (y * z - w * x) * pz;
    low = Math.min(low, ry + object.position[1]);
  }
  return low;
}

Deno.test({
  name: "a library cup dropped on a table comes to rest on it (its collider, no sinking > 5 mm)",
  ...withLibrary,
  async fn() {
    await initPhysics();
    const cups = libraryPropKinds().filter((k) => k.category === "cup");
    assert(cups.length >= 4, `${cups.length} cups`);
    for (const [i, kind] of cups.entries()) {
      const scene = new Scene();
      scene.meshes.set("cube", [{ mesh: primitives.cube() }]);
      const table = scene.add({
        name: "table",
        mesh: "cube",
        position: [0, 0.37, 0],
        scale: [1.2, 0.74, 0.8],
        material: { preset: "wood" },
      });
      const cup = addLibraryProp(scene, new Rng(i), "cup", [kind]);
      cup.position = [0, 0.74 + cup.scale[1] / 2 + 0.1, 0];
      const physics = new PhysicsWorld({ fps: 24, settleSeconds: 0 });
      physics.addBody(scene, table, { type: "fixed" });
      physics.addBody(scene, cup, { shape: libraryCollider(cup) });
      for (let f = 1; f <= 48; f++) physics.advanceTo(f);
      const bottom = lowest(scene, cup);
      assert(bottom > 0.74 - 0.005, `${kind.key}: its lowest point is ${bottom} m`);
      assert(bottom < 0.74 + 0.005, `${kind.key}: rests on the top, not above (${bottom} m)`);
      assert(Math.hypot(cup.position[0], cup.position[2]) < 0.3, `${kind.key}: stayed on`);
    }
  },
});

Deno.test({
  name:
    "something_something over 50 clips: ≥ 8 categories, ≥ 30 distinct objects, captions name them",
  ...withLibrary,
  async fn() {
    const summary = await planDataset({
      scene: "scenes/something_something.yaml",
      overrides: { clips: 50 },
      log: () => {},
    });
    const categories = new Set<string>(), assets = new Set<string>();
    for (const clip of summary.clips) {
      if (clip.status !== "ok") continue;
      const subjects = clip.records.action.subjects as {
        class: string;
        category?: string;
        asset?: string;
      }[];
      const label = clip.captions.find((c) => c.style === "label")!.text;
      for (const s of subjects) {
        if (!s.category) continue;
        categories.add(s.category);
        assets.add(s.asset!);
        assert(label.includes(s.class), `clip ${clip.clip}: "${label}" names no ${s.class}`);
      }
    }
    assert(categories.size >= 8, `${categories.size} categories: ${[...categories]}`);
    assert(assets.size >= 30, `${assets.size} distinct library objects`);
  },
});

Deno.test({
  name: "credits.json lists every library model the clips used, props of plugins included",
  ...withLibrary,
  ...gpuTest,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "synthvid_credits_" });
    try {
      await renderDataset({
        scene: "scenes/something_something.yaml",
        out,
        overrides: { clips: 3, frames: 30, width: 64, height: 48, quality: "low" },
        gpu: await testGpu(),
        log: () => {},
      });
      const used = new Set<string>();
      for (let c = 0; c < 3; c++) {
        const labels = JSON.parse(
          await Deno.readTextFile(`${out}/clip_${String(c).padStart(5, "0")}/labels.json`),
        );
        for (const a of labels.assets ?? []) used.add(a);
        for (const o of labels.objects) {
          if (typeof o.attributes?.asset === "string") {
            assert(labels.assets.includes(o.attributes.asset), `${o.name}: ${o.attributes.asset}`);
          }
        }
      }
      assert(used.size > 0, "the clips used library props");
      const credits = JSON.parse(await Deno.readTextFile(`${out}/credits.json`));
      assertEquals(credits.assets.map((a: { asset: string }) => a.asset).sort(), [...used].sort());
      for (const a of credits.assets) {
        assert(a.creator && a.licence && a.source, `${a.asset}: creator, licence, source`);
        if (a.licence !== "CC0-1.0") {
          assert(credits.attribution_required.some((line: string) => line.includes(a.creator)));
        }
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
