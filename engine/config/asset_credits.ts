/**
 * credits.json: the third-party assets a scene's dataset is made from, each with its creator,
 * licence and source, so that a published dataset credits what it must (CC BY models) and says
 * what it may use freely (CC0).
 */
import {
  furnitureCredit,
  furnitureEntry,
  furnitureFolder,
  libraryId,
} from "../scene/furniture_library.ts";
import type { SceneConfig } from "./scene_file.ts";

export function assetCredits(config: SceneConfig) {
  const folder = furnitureFolder();
  const assets = Object.entries(config.assets)
    .filter(([, path]) => libraryId(path) !== undefined)
    .map(([key, path]) => ({
      key,
      ...furnitureCredit(furnitureEntry(folder!, libraryId(path)!)),
      asset: path, // as the scene names it
    }));
  return {
    dataset: config.name,
    note: "Assets the scene's files name. Environment maps drawn per clip are credited in each " +
      "clip's labels.json (randomization.<plugin>.credit).",
    assets,
    attribution_required: assets.filter((a) => a.licence !== "CC0-1.0").map((a) =>
      `"${a.name}" by ${a.creator}, ${a.licence} (${a.licence_url})`
    ),
  };
}
