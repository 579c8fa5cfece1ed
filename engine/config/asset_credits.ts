/**
 * credits.json: the third-party assets a dataset is made from, each with its creator, licence
 * and source, so that a published dataset credits what it must (CC BY models) and says what it
 * may use freely (CC0). It lists the models the scene's files name and every model a finished
 * clip used (a plugin's props and clutter, a category drawn per clip: labels.json `assets`).
 */
import {
  furnitureCredit,
  furnitureEntry,
  furnitureFolder,
  libraryId,
} from "../scene/furniture_library.ts";
import type { SceneConfig } from "./scene_file.ts";

/** The credits of the scene's named models and of `used` (`library:…` keys clips used). */
export function assetCredits(config: SceneConfig, used: Iterable<string> = []) {
  const folder = furnitureFolder();
  const named = Object.entries(config.assets).filter(([, path]) => libraryId(path) !== undefined);
  const assets: (ReturnType<typeof furnitureCredit> & { key?: string })[] = [];
  const models = new Set<string>();
  const add = (path: string, key?: string) => {
    const credit = furnitureCredit(furnitureEntry(folder!, libraryId(path)!));
    if (models.has(credit.model)) return;
    models.add(credit.model);
    // `asset` as the scene or plugin names it
    assets.push({ ...(key ? { key } : {}), ...credit, asset: path });
  };
  for (const [key, path] of named) add(path, key);
  for (const path of [...used].sort()) if (libraryId(path) !== undefined) add(path);
  return {
    dataset: config.name,
    note: "Library models the scene's files name and that finished clips used (each clip's " +
      "labels.json `assets`). Environment maps drawn per clip are credited in each clip's " +
      "labels.json (randomization.<plugin>.credit).",
    assets,
    attribution_required: assets.filter((a) => a.licence !== "CC0-1.0").map((a) =>
      `"${a.name}" by ${a.creator}, ${a.licence} (${a.licence_url})`
    ),
  };
}

/** Whether a run must write credits.json: its scene names a library model or a clip used one. */
export function needsCredits(config: SceneConfig, used: ReadonlySet<string>): boolean {
  return used.size > 0 || Object.values(config.assets).some((a) => libraryId(a) !== undefined);
}
