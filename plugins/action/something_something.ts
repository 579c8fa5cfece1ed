/**
 * One object action per clip, for class-balanced datasets: `order: cycle` gives clip i the
 * action i mod N (balanced), `order: random` draws one. The chosen action runs with its own
 * defaults, each number scaled by a random factor in [1 − jitter, 1 + jitter]. Which action
 * and which options were used land in labels.json `plugins.<key>.{action, options}`.
 */
import { definePlugin, type Options, type PluginHooks } from "../../engine/plugin/contract.ts";
import { checkNames } from "../../engine/plugin/checks.ts";
import { initPhysics } from "../../engine/physics/world.ts";
import { preloadLibraryProps } from "./library_props.ts";
import { objectActionPlugins } from "./object_action_list.ts";

const NAMES = objectActionPlugins.map((p) => p.spec.name);

/** A context whose `options` are replaced; methods stay bound to the engine's own object. */
function withOptions<C extends object>(ctx: C, options: Options): C {
  return new Proxy(ctx, {
    get(target, prop) {
      if (prop === "options") return options;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export default definePlugin({
  id: "action/something_something",
  kind: "action",
  description: "Runs one object action per clip (cycled for class balance, or drawn at random).",
  defaults: {
    /** "all", or a comma-separated list of object action names (e.g. "drop, roll") to use. */
    actions: "all",
    /** cycle: clip i runs action i mod N (class-balanced); random: one drawn per clip. */
    order: "cycle",
    /** Each numeric default of the chosen action is scaled by a factor drawn in 1 ± jitter. */
    jitter: 0.2,
    /**
     * Share of the action's objects that are real models of the furniture library (a coffee
     * cup, a milk carton, a phone …; docs/assets.md) instead of procedural props; 0 = none.
     */
    library_props: 0,
  },
  limits: {
    order: { oneOf: ["cycle", "random"] },
    jitter: { min: 0, max: 0.9 },
    library_props: { min: 0, max: 1 },
  },
  check: (o) =>
    typeof o.actions === "string" && o.actions !== "all"
      ? checkNames("actions", o.actions, NAMES)
      : [],
  creates: (key) => objectActionPlugins[0].creates!(key),
  create() {
    const hooks = objectActionPlugins.map((p) =>
      [p.spec.name, p.create()] as [string, PluginHooks<Options>]
    );
    let chosen: { hooks: PluginHooks<Options>; options: Options } | undefined;
    let names = NAMES;
    return {
      async setup(ctx) {
        const wanted = String(ctx.rawOptions.actions);
        names = wanted === "all" ? NAMES : wanted.split(",").map((s) => s.trim());
        const unknown = names.filter((n) => !NAMES.includes(n));
        if (unknown.length) {
          throw new RangeError(
            `Unknown object actions ${unknown.join(", ")} (known: ${NAMES.join(", ")})`,
          );
        }
        await initPhysics();
        await preloadLibraryProps(ctx.rawOptions.library_props);
      },
      clipStart(ctx) {
        const name = ctx.options.order === "random"
          ? ctx.rng.choice(names)
          : names[ctx.clip % names.length];
        const plugin = objectActionPlugins.find((p) => p.spec.name === name)!;
        const jitter = Number(ctx.options.jitter);
        const options: Record<string, Options[string]> = {};
        for (const [k, v] of Object.entries(plugin.spec.defaults as Options)) {
          options[k] = typeof v === "number" ? v * ctx.rng.uniform(1 - jitter, 1 + jitter) : v;
        }
        if (Number(ctx.options.library_props) > 0) {
          options.library_props = ctx.options.library_props;
        }
        chosen = { hooks: hooks.find(([n]) => n === name)![1], options };
        ctx.record("action", name);
        ctx.record("options", options);
        return chosen.hooks.clipStart?.(withOptions(ctx, options));
      },
      frame(ctx) {
        return chosen?.hooks.frame?.(withOptions(ctx, chosen.options));
      },
      clipEnd(ctx) {
        const result = chosen?.hooks.clipEnd?.(withOptions(ctx, chosen!.options));
        chosen = undefined;
        return result;
      },
    };
  },
});
