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
