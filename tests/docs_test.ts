/** The reference docs say what the code does: generated parts are fresh, every key is described. */
import { assert, assertEquals } from "./assert.ts";
import { readLabels, renderTestScene } from "./helpers.ts";
import { pluginReference, REFERENCE_PATH, undescribedOptions } from "../engine/cli/reference.ts";
import { definePlugin } from "../engine/plugin/contract.ts";
import { loadScene, sceneSchema } from "../engine/config/scene_file.ts";
import type { Schema } from "../engine/plugin/schema.ts";
import { builtins } from "../plugins/mod.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };

Deno.test("docs/plugin-reference.md is what `deno task docs` generates now", async () => {
  const committed = await Deno.readTextFile(REFERENCE_PATH);
  assert(
    committed === pluginReference(),
    `${REFERENCE_PATH} is stale: run \`deno task docs\` and commit the result`,
  );
  for (const plugin of builtins) assert(committed.includes(`### \`${plugin.id}\``), plugin.id);
});

Deno.test("undescribedOptions: every built-in plugin option has a meaning in the reference", () => {
  assertEquals(undescribedOptions(), []);
});

Deno.test("undescribedOptions names the options of a plugin whose source explains none", () => {
  const plugin = definePlugin({
    id: "randomizer/not_in_any_source",
    kind: "randomizer",
    description: "a plugin defined only here",
    defaults: { strength: 1, mode: "a" },
    create: () => ({}),
  });
  assertEquals(undescribedOptions([plugin]), [
    "randomizer/not_in_any_source.strength",
    "randomizer/not_in_any_source.mode",
  ]);
});

/** Every key the scene schema accepts, with its parent, e.g. "camera.look_at". */
function keysOf(schema: Schema, prefix = ""): string[] {
  if (schema.type === "list") return keysOf(schema.items, prefix);
  if (schema.type !== "object") return [];
  return Object.entries(schema.fields).flatMap(([key, field]) => [
    prefix + key,
    ...keysOf(field, `${prefix}${key}.`),
  ]);
}

Deno.test("docs/scenes.md describes every key a scene file accepts", async () => {
  const doc = await Deno.readTextFile("docs/scenes.md");
  const keys = keysOf(sceneSchema);
  assert(keys.includes("camera.look_at") && keys.includes("objects.motion.frame"), "walks nested");
  const missing = keys.filter((path) => !doc.includes(`\`${path.split(".").at(-1)}\``));
  assertEquals(missing, [], "keys missing from docs/scenes.md");
});

Deno.test({
  name: "the complete example in docs/scenes.md loads and renders",
  ...gpuTest,
  async fn() {
    const doc = await Deno.readTextFile("docs/scenes.md");
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    assert(yaml, "docs/scenes.md has a yaml example");
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/example.yaml`, yaml);
      const config = await loadScene(`${dir}/example.yaml`, { registry: builtins });
      assertEquals([config.clips, config.frames, config.width, config.height], [4, 24, 320, 240]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    const { out, dir: rendered } = await renderTestScene(yaml, {
      clips: 1,
      frames: 3,
      size: [64, 48],
    });
    try {
      const labels = await readLabels(out);
      const ball = labels.objects.find((o: { name: string }) => o.name === "ball");
      assert(ball.frames.every((f: { pixels: number }) => f.pixels > 0), "the ball is in view");
    } finally {
      await Deno.remove(rendered, { recursive: true });
    }
  },
});

Deno.test("mod.ts exports the plugin contract and the dataset API", async () => {
  const api = await import("../mod.ts");
  for (const name of ["definePlugin", "renderDataset", "planDataset", "loadScene", "decodeNpy"]) {
    assertEquals(typeof (api as Record<string, unknown>)[name], "function", name);
  }
  assert(api.builtins.some((p) => p.id === "action/human"), "built-in plugins");
});
