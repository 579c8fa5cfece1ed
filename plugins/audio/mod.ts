/** Plugins of this family, in the order they are registered. */
import type { PluginDefinition } from "../../engine/plugin/contract.ts";
import { ambience } from "./ambience.ts";
import { clips } from "./clips.ts";
import { impacts } from "./impacts.ts";

// deno-lint-ignore no-explicit-any
export const audioPlugins: readonly PluginDefinition<any>[] = [impacts, clips, ambience];
