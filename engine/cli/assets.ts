/** `deno task assets`: lists the furniture library's models (id, name, category, size, licence). */
import { parseCommandLine } from "./args.ts";
import { fetchFurniture } from "./fetch_furniture.ts";
import { furnitureCatalogue, furnitureFolder, furnitureHint } from "../scene/furniture_library.ts";
import { assetManifest, manifestText } from "../scene/asset_manifest.ts";
import { writeFileAtomic } from "../dataset/atomic.ts";
import { convertLibrary } from "./convert_library.ts";

const PROJECT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

export const FLAGS = {
  fetch: {
    type: "boolean",
    description: "fetch the library into .cache/furniture if missing, and convert its models to " +
      "GLB once (.cache/models)",
  },
  json: { type: "boolean", description: "print the catalogue as JSON (the asset manifest)" },
  manifest: {
    type: "boolean",
    description: "write the asset manifest (category, size, mass, licence per model) to " +
      "assets/furniture_manifest.json",
  },
  category: {
    type: "string",
    description: "only models of this category: a manifest one (cup, bottle, chair …) or the " +
      "catalogue's room (Kitchen)",
  },
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
  if (args.fetch) await convertLibrary(folder, (line) => console.error(line), PROJECT);
  if (args.manifest) {
    const path = `${PROJECT}/assets/furniture_manifest.json`;
    await Deno.mkdir(`${PROJECT}/assets`, { recursive: true });
    await writeFileAtomic(path, manifestText(assetManifest(folder)));
    console.log(`wrote ${path}`);
    return 0;
  }
  const category = (args.category as string | undefined)?.toLowerCase();
  const rows = assetManifest(folder);
  const entries = furnitureCatalogue(folder).filter((e, i) =>
    !category || e.category.toLowerCase() === category || rows[i].category === category
  );
  if (args.json) {
    console.log(JSON.stringify(entries, null, 1));
    return 0;
  }
  console.log(`${entries.length} models in ${folder}`);
  const categoryOf = new Map(rows.map((r) => [r.key, r.category]));
  for (const e of entries) {
    const size = e.size.map((v) => v.toFixed(2)).join("×");
    const kind = `${categoryOf.get(`${e.library}/${e.id}`)} (${e.category})`;
    console.log(
      `${`library:${e.id}`.padEnd(34)} ${e.name.padEnd(24)} ${kind.padEnd(26)} ${
        size.padEnd(16)
      } m  ${e.licence.padEnd(12)} ${e.creator}`,
    );
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
