/**
 * The asset manifest: one row per furniture-library model with what scenes and plugins select
 * by — category, real size, physics guesses, graspable, material tags — and its licence. Built
 * from the library's catalogue and the category rules (asset_categories.ts); the checked-in copy
 * (assets/furniture_manifest.json, `deno task assets --manifest`) lets anyone read it without
 * the package, and a test keeps it equal to what this builds.
 */
import { CATEGORIES, type CategoryId, categoryOf, type MaterialTag } from "./asset_categories.ts";
import { furnitureCatalogue, type FurnitureEntry } from "./furniture_library.ts";

export interface ManifestEntry {
  /** `library:<key>` in a scene. */
  key: string;
  name: string;
  category: CategoryId;
  /** Width (x), height (y), depth (z), metres. */
  size: [number, number, number];
  /** Axes once loaded: Y up, the model's front toward +z (Sweet Home 3D's convention). */
  up: "+y";
  front: "+z";
  /** Guessed from the category's bounding-box density, kg. */
  mass: number;
  friction: number;
  graspable: boolean;
  materials: MaterialTag[];
  /** A convex hull of the model's points (engine/scene/hull_points.ts), made when it loads. */
  collider: "hull";
  licence: string;
  creator: string;
}

/** Largest side a hand holds, metres, and the heaviest thing it lifts, kg. */
const HAND_SPAN = 0.35;
const HAND_LOAD = 3;

/** The manifest row of one catalogue entry. */
export function manifestEntry(entry: FurnitureEntry): ManifestEntry {
  const category = categoryOf(entry.name, entry.category, entry.size);
  const spec = CATEGORIES[category];
  const [w, h, d] = entry.size;
  // the catalogue gives centimetres; flat things (a ruler) have a side of 0
  const volume = Math.max(w, 0.002) * Math.max(h, 0.002) * Math.max(d, 0.002);
  // to the gram, a ring weighs one at least
  const mass = Math.max(1, Math.round(spec.density * volume * 1000)) / 1000;
  return {
    key: `${entry.library}/${entry.id}`,
    name: entry.name,
    category,
    size: entry.size.map((v) => Math.round(v * 1e4) / 1e4) as [number, number, number],
    up: "+y",
    front: "+z",
    mass,
    friction: spec.friction,
    graspable: spec.graspable && Math.max(w, h, d) <= HAND_SPAN && mass <= HAND_LOAD,
    materials: [...spec.materials],
    collider: "hull",
    licence: entry.licence,
    creator: entry.creator,
  };
}

const manifests = new Map<string, ManifestEntry[]>();

/** The manifest of the library in `folder`, in catalogue order. */
export function assetManifest(folder: string): ManifestEntry[] {
  let rows = manifests.get(folder);
  if (!rows) {
    rows = furnitureCatalogue(folder).map(manifestEntry);
    manifests.set(folder, rows);
  }
  return rows;
}

/** A selection by category and tags: `mesh: { category: cup, tags: [graspable] }`. */
export interface AssetQuery {
  category: string;
  /** Each must hold: a material tag, or "graspable". */
  tags?: string[];
}

/** The rows a query selects (possibly none). */
export function selectAssets(rows: readonly ManifestEntry[], query: AssetQuery): ManifestEntry[] {
  return rows.filter((row) =>
    row.category === query.category &&
    (query.tags ?? []).every((tag) =>
      tag === "graspable" ? row.graspable : row.materials.includes(tag as MaterialTag)
    )
  );
}

/** The checked-in file: a header, then one model per line (diffs show which rows changed). */
export function manifestText(rows: readonly ManifestEntry[]): string {
  const header = {
    about: "synthvid asset manifest of the Sweet Home 3D furniture libraries (Debian package " +
      "sweethome3d-furniture); written by `deno task assets --manifest`, checked by " +
      "tests/asset_manifest_test.ts. Sizes in metres, masses in kg (guessed from the category).",
    categories: Object.keys(CATEGORIES).length,
    models: rows.length,
  };
  const lines = rows.map((row) => "  " + JSON.stringify(row));
  return `{"header": ${JSON.stringify(header)},\n"models": [\n${lines.join(",\n")}\n]}\n`;
}
