/**
 * Floors: gives the scene's floor objects a floor look per clip (engine/scene/floor_looks.ts):
 * a colour of the "floor" palette that names its material (wood planks, tiles with grout,
 * carpet, concrete), that material's pattern and finish repeated per metre, and its roughness,
 * so captions say "a dark wood floor" of a floor of dark boards.
 */
import { definePlugin } from "../../engine/plugin/contract.ts";
import { checkObjects } from "../../engine/plugin/checks.ts";
import { applyFloorLook } from "../../engine/scene/floor_looks.ts";

export const floorRandomizer = definePlugin({
  id: "randomizer/floor",
  kind: "randomizer",
  description:
    "Floor looks: a named floor colour (light wood, white tile, gray carpet, …) with its planks, " +
    "tiles or carpet pattern and finish, repeated per metre",
  defaults: {
    /** Comma-separated classes or object names of the floors (planes or boxes, u along x). */
    targets: "floor",
    /** Chance a floor gets a look this clip, 0 … 1; otherwise it keeps the scene's. */
    chance: 1,
    /** Seeds per pattern: few keep the floors' maps on the GPU from clip to clip. */
    variants: 8,
  },
  limits: {
    chance: { min: 0, max: 1 },
    variants: { min: 1, max: 1024, integer: true },
  },
  check: (o, scene) => checkObjects("targets", o.targets, scene, { classes: true, list: true }),
  create() {
    return {
      clipStart(ctx) {
        const names = new Set(ctx.options.targets.split(",").map((t) => t.trim()));
        const floors = ctx.scene.objects.filter((o) => names.has(o.cls) || names.has(o.name));
        const record: Record<string, unknown> = {};
        for (const floor of floors) {
          if (!ctx.rng.chance(ctx.options.chance)) continue;
          record[floor.name] = applyFloorLook(ctx.rng, ctx.scene, floor, ctx.options.variants);
        }
        ctx.record("randomization", { floors: record });
      },
    };
  },
});
