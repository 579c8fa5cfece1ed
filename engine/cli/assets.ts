/** `deno task assets`: lists the furniture library's models (id, name, category, size, licence). */
import { parseCommandLine } from "./args.ts";
import { fetchFurniture } from "./fetch_furniture.ts";
import { furnitureCatalogue, furnitureFolder, furnitureHint } from "../scene/furniture_library.ts";

const PROJECT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

export const FLAGS = {
  fetch: { type: "boolean", description: "fetch the library into .cache/furniture if missing" },
  json: { type: "boolean", description: "print the catalogue as JSON (the asset manifest)" },
  category: { type: "string", description: "only models of this category (e.g. Kitchen)" },
  help: { type: "boolean", description: "show this help" },
} as const;

export async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, {
    name: "deno task assets",
    summary: "List the real objects a scene can use as `library:<id>` (assets: key).",
    flags: FLAGS,
  });
  if (typeof args === "number") return args;
  let folder = furnitureFolder(PROJECT);
  if (!folder && args.fetch) {
    try {
      folder = await fetchFurniture(PROJECT, (line) => console.error(line));
    } catch (error) {
      console.error(`error: ${(error as Error).message}`);
      return 1;
    }
  }
  if (!folder) {
    console.error(`error: ${furnitureHint(PROJECT)}`);
    return 1;
  }
  const category = args.category as string | undefined;
  const entries = furnitureCatalogue(folder).filter((e) =>
    !category || e.category.toLowerCase() === category.toLowerCase()
  );
  if (args.json) {
    console.log(JSON.stringify(entries, null, 1));
    return 0;
  }
  console.log(`${entries.length} models in ${folder}`);
  for (const e of entries) {
    const size = e.size.map((v) => v.toFixed(2)).join("×");
    console.log(
      `${`library:${e.id}`.padEnd(34)} ${e.name.padEnd(24)} ${e.category.padEnd(14)} ${
        size.padEnd(16)
      } m  ${e.licence.padEnd(12)} ${e.creator}`,
    );
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
