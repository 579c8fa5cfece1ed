/**
 * `mesh: { category: cup, tags: [ceramic] }` in a scene's objects: a model of the furniture
 * library drawn per clip from the manifest rows of that category (engine/scene/asset_manifest.ts).
 * Before the scene is validated, each such mesh becomes `{ choice: [...] }` over asset keys the
 * loader knows (`library:<library>/<id>`, added to `assets:`), so drawing, loading once per run
 * and credits work as for a named model. The object's class is the category unless it names one.
 */
import { CATEGORY_IDS } from "../scene/asset_categories.ts";
import { assetManifest, selectAssets } from "../scene/asset_manifest.ts";
import { furnitureFolder, furnitureHint } from "../scene/furniture_library.ts";
import { didYouMean, type Issue } from "../plugin/schema.ts";

const TAGS = ["graspable", "ceramic", "glass", "plastic", "metal", "wood", "fabric", "paper"];

/** Rewrites every category mesh of `scene.objects` in place; problems go to `report`. */
export function expandCategoryMeshes(
  scene: Record<string, unknown>,
  report: (issue: Issue) => void,
): void {
  const objects = Array.isArray(scene.objects) ? scene.objects : [];
  objects.forEach((o: Record<string, unknown>, i) => {
    const mesh = o?.mesh as Record<string, unknown> | undefined;
    if (!mesh || typeof mesh !== "object" || Array.isArray(mesh) || !("category" in mesh)) return;
    const path = ["objects", i, "mesh"];
    const category = mesh.category;
    if (typeof category !== "string" || !(CATEGORY_IDS as string[]).includes(category)) {
      report({
        path: [...path, "category"],
        message: `unknown category ${JSON.stringify(category)}${
          didYouMean(String(category), CATEGORY_IDS)
        }; expected one of ${CATEGORY_IDS.join(", ")}`,
      });
      o.mesh = "cube"; // reported; a stand-in keeps the other checks going
      return;
    }
    const tags = mesh.tags ?? [];
    if (!Array.isArray(tags) || tags.some((t) => !TAGS.includes(t))) {
      report({
        path: [...path, "tags"],
        message: `expected a list of ${TAGS.join(", ")}, got ${JSON.stringify(tags)}`,
      });
      o.mesh = "cube";
      return;
    }
    const unknown = Object.keys(mesh).filter((k) => k !== "category" && k !== "tags");
    for (const key of unknown) {
      report({ path: [...path, key], atKey: true, message: `unknown key (category, tags)` });
    }
    const folder = furnitureFolder();
    const rows = folder ? selectAssets(assetManifest(folder), { category, tags }) : [];
    if (!folder || rows.length === 0) {
      report({
        path: [...path, "category"],
        message: folder
          ? `no model of category "${category}" has the tags ${tags.join(", ")}`
          : furnitureHint(),
      });
      o.mesh = "cube";
      return;
    }
    const assets = (scene.assets ?? {}) as Record<string, unknown>;
    for (const row of rows) assets[`library:${row.key}`] = `library:${row.key}`;
    scene.assets = assets;
    o.mesh = { choice: rows.map((row) => `library:${row.key}`) };
    o.class ??= category;
  });
}
