/** Furniture models converted to GLB once (model_cache.ts) read back exactly as OBJ import makes them. */
import { assert, assertEquals } from "./assert.ts";
import {
  furnitureEntry,
  furnitureFolder,
  loadFurniture,
} from "../engine/scene/furniture_library.ts";
import { modelCacheFolder, modelGlbPath, readModelGlb } from "../engine/scene/model_cache.ts";
import { writeModelGlb } from "../engine/cli/convert_library.ts";

const folder = furnitureFolder();

Deno.test({
  name: "a converted model reads back bit for bit; a corrupt one is named",
  ignore: !folder,
  async fn() {
    const root = await Deno.makeTempDir();
    try {
      const cache = modelCacheFolder(folder!, root);
      assert(cache.startsWith(`${root}/.cache/models/v`));
      // textured, with a normal map, many parts; and one with zero normals in its OBJ
      for (const key of ["BlendSwap-CC-0/rangeHood", "BlendSwap-CC-0/televisionCabinet"]) {
        const entry = furnitureEntry(folder!, key);
        const made = loadFurniture(folder!, entry);
        assertEquals(await readModelGlb(cache, entry), undefined, "not converted yet");
        await writeModelGlb(made, entry, modelGlbPath(cache, entry));
        const back = (await readModelGlb(cache, entry))!;
        assertEquals(back.parts.length, made.parts.length);
        made.parts.forEach((p, i) => {
          const q = back.parts[i];
          assertEquals(q.name, p.name);
          for (const a of ["positions", "normals", "uvs", "indices"] as const) {
            assertEquals(q.mesh[a], p.mesh[a], `${key} part ${i} ${a}`);
          }
          assertEquals(q.mesh.convex, p.mesh.convex);
          assertEquals(q.baseColor, p.baseColor);
          assertEquals([q.roughness, q.metalness], [p.roughness, p.metalness]);
          for (const t of ["texture", "normalTexture", "metalRoughTexture"] as const) {
            assertEquals(q[t]?.data, p[t]?.data, `${key} part ${i} ${t}`);
          }
        });
        assertEquals(back.bounds, made.bounds);
      }
      const entry = furnitureEntry(folder!, "BlendSwap-CC-0/rangeHood");
      await Deno.writeFile(modelGlbPath(cache, entry), new Uint8Array([1, 2, 3]));
      const error = await readModelGlb(cache, entry).then(() => undefined, (e: Error) => e);
      assert(error?.message.includes("rangeHood.glb"), `names the file: ${error?.message}`);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
