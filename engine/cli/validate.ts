/** `deno task validate FILE…`: checks scenes without rendering; exit 1 when any has problems. */
import { loadScene, SceneError } from "../config/scene_file.ts";
import { builtins } from "../../plugins/mod.ts";

export async function main(files: string[]): Promise<number> {
  if (files.length === 0) {
    console.error("usage: deno task validate SCENE.yaml [MORE.yaml…]");
    return 2;
  }
  let bad = 0;
  for (const file of files) {
    try {
      const config = await loadScene(file, { registry: builtins });
      console.log(
        `ok ${file}: ${config.clips} clips × ${config.frames} frames at ${config.width}×${config.height}, ` +
          `${config.plugins.length} plugin(s)`,
      );
    } catch (error) {
      if (!(error instanceof SceneError)) throw error;
      console.error(error.message);
      bad++;
    }
  }
  return bad > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
