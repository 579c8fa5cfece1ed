/** Plugins of this family, in the order they are registered. */
import type { PluginDefinition } from "../../engine/plugin/contract.ts";
import { cameraRandomizer } from "./camera.ts";
import { cameraEffectsRandomizer } from "./camera_effects.ts";
import { clutterRandomizer } from "./clutter.ts";
import { floorRandomizer } from "./floor.ts";
import { lightingRandomizer } from "./lighting.ts";
import { materialsRandomizer } from "./materials.ts";
import { qualityRandomizer } from "./quality.ts";
import { roomSetRandomizer } from "./room_set.ts";
import { sceneTypeRandomizer } from "./scene_type.ts";

// deno-lint-ignore no-explicit-any
export const randomizers: readonly PluginDefinition<any>[] = [
  sceneTypeRandomizer,
  lightingRandomizer,
  materialsRandomizer,
  floorRandomizer,
  roomSetRandomizer,
  clutterRandomizer,
  cameraRandomizer,
  cameraEffectsRandomizer,
  qualityRandomizer,
];
