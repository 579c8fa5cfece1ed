/** Plugins of this family, in the order they are registered. */
import type { PluginDefinition } from "../../engine/plugin/contract.ts";
import template from "./template.ts";
import generic from "./generic.ts";
import fine from "./fine.ts";

// deno-lint-ignore no-explicit-any
export const captioners: readonly PluginDefinition<any>[] = [template, generic, fine];
