/**
 * Built-in plugins, registered by id. A scene selects them with
 * `plugins: [{ use: "<id>", name?: <key>, with: { …options } }]`.
 */
import type { PluginDefinition } from "../engine/plugin/contract.ts";
import { objectActions } from "./action/objects.ts";
import { humanActions } from "./action/humans.ts";
import { randomizers } from "./randomizer/mod.ts";
import { captioners } from "./captioner/mod.ts";
import { audioPlugins } from "./audio/mod.ts";

// deno-lint-ignore no-explicit-any
export const builtins: readonly PluginDefinition<any>[] = [
  ...objectActions,
  ...humanActions,
  ...randomizers,
  ...captioners,
  ...audioPlugins,
];
