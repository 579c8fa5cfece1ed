/** Plugins of this family, in the order they are registered. */
import type { PluginDefinition } from "../../engine/plugin/contract.ts";
import { objectActionPlugins } from "./object_action_list.ts";
import somethingSomething from "./something_something.ts";

// deno-lint-ignore no-explicit-any
export const objectActions: readonly PluginDefinition<any>[] = [
  ...objectActionPlugins,
  somethingSomething,
];
