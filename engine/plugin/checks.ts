/** Ready-made `check` helpers for plugin options (see PluginDefinition.check). */
import type { CheckContext, OptionProblem } from "./contract.ts";
import { didYouMean } from "./schema.ts";

/** A `check` problem for a file option: required, inside the scene's folder, and present. */
export function checkFile(
  option: string,
  path: string,
  scene: Pick<CheckContext, "resolve">,
  what = "a file",
): OptionProblem[] {
  if (!path) return [{ option, message: `required: ${what}, relative to the scene file` }];
  try {
    const resolved = scene.resolve(path);
    if (!Deno.statSync(resolved).isFile) return [{ option, message: `"${path}" is not a file` }];
    return [];
  } catch (error) {
    const message = error instanceof Deno.errors.NotFound
      ? `"${path}" does not exist (paths are relative to the scene file)`
      : (error as { problems?: string[] }).problems?.[0] ?? (error as Error).message;
    return [{ option, message }];
  }
}

/** A `check` problem for a comma-separated list option whose items must be known names. */
export function checkNames(
  option: string,
  list: string,
  known: readonly string[],
): OptionProblem[] {
  const items = list.split(",").map((s) => s.trim()).filter(Boolean);
  return items.flatMap((item) => checkName(option, item, known, "a comma-separated list of"));
}

/** A `check` problem for an option that must be one of the known names. */
export function checkName(
  option: string,
  value: string,
  known: readonly string[],
  expected = "one of",
): OptionProblem[] {
  if (known.includes(value)) return [];
  return [{
    option,
    message: `unknown "${value}"${didYouMean(value, known)}; expected ${expected} ${
      known.join(", ")
    }`,
  }];
}

/** How `checkObjects` reads an option. */
export interface ObjectOption {
  /** Classes count as well as names. */
  classes?: boolean;
  /** The option is a comma-separated list. */
  list?: boolean;
  /** Values the option gives a meaning of its own ("", "all", "scene", …); they always pass. */
  special?: readonly string[];
}

/**
 * A `check` problem for an option that names objects of the scene (see CheckContext.objectNames:
 * the scene file's objects and what plugins declare they add). A `{ choice: […] }` sampler has
 * each choice checked; other samplers are left to the clip.
 */
export function checkObjects(
  option: string,
  value: unknown,
  scene: Pick<CheckContext, "objectNames" | "objectClasses">,
  how: ObjectOption = {},
): OptionProblem[] {
  const choices =
    value && typeof value === "object" && Array.isArray((value as Record<string, unknown>).choice)
      ? (value as { choice: unknown[] }).choice
      : [value];
  const known = [...scene.objectNames, ...(how.classes ? scene.objectClasses : [])];
  const special = how.special ?? [];
  const matches = (item: string) =>
    special.includes(item) ||
    known.some((k) => k === item || (k.endsWith("*") && item.startsWith(k.slice(0, -1))));
  const what = how.classes ? "object name or class" : "object name";
  const expected = [
    ...special.map((s) => JSON.stringify(s)),
    `${how.list ? "a comma-separated list of the scene's" : "one of the scene's"} ${
      how.classes ? "object names and classes" : "object names"
    }`,
  ].join(" or ");
  const shown = [...new Set(known)].join(", ") || "none";
  return choices.filter((c): c is string => typeof c === "string").flatMap((text) => {
    const items = how.list && !special.includes(text)
      ? text.split(",").map((s) => s.trim()).filter(Boolean)
      : [text];
    return items.filter((item) => !matches(item)).map((item) => ({
      option,
      message: `no ${what} "${item}" in the scene${
        didYouMean(item, [...known, ...special])
      }; expected ${expected} (${shown})`,
    }));
  });
}
