/** Plugins of this family, in the order they are registered. */
import type { PluginDefinition } from "../../engine/plugin.ts";

// deno-lint-ignore no-explicit-any
export const objectActions: readonly PluginDefinition<any>[] = [];
