/**
 * Mistakes are caught when a scene loads, with file:line:column and key, by `validate` and by a
 * render (which then writes nothing): object names in plugin options, keyframes past the clip,
 * a YAML alias bomb.
 */
import { assert, assertEquals } from "./assert.ts";
import { loadScene, SceneError } from "../engine/config/scene_file.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { builtins } from "../plugins/mod.ts";

const TYPOS = `frames: 4
objects:
  - { name: ball, mesh: sphere, motion: [{ frame: 0, position: [0, 0.5, 0] }, { frame: 9, position: [1, 0.5, 0] }] }
plugins:
  - { use: randomizer/camera, with: { subject: bal } }
  - { use: randomizer/materials, with: { targets: nothing } }
  - { use: audio/clips, with: { object: bal } }
`;

/** The problems a scene's load reports, as "line:column key message" strings. */
async function problems(yaml: string): Promise<{ file: string; lines: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_checks_" });
  const file = `${dir}/scene.yaml`;
  await Deno.writeTextFile(file, yaml);
  try {
    await loadScene(file, { registry: builtins });
    return { file, lines: [] };
  } catch (error) {
    assert(error instanceof SceneError, `not a SceneError: ${error}`);
    return { file, lines: error.problems };
  }
}

Deno.test("loadScene names each misspelled object, class and late keyframe with file:line:column", async () => {
  const { file, lines } = await problems(TYPOS);
  const at = (line: number, key: string) =>
    lines.find((p) => p.startsWith(`${file}:${line}:`) && p.includes(key));
  assert(at(3, "objects[0].motion[1].frame") && at(3, "past the clip"), lines.join("\n"));
  assert(at(5, "plugins[0].with.subject")?.includes('did you mean "ball"'), lines.join("\n"));
  assert(at(6, "plugins[1].with.targets")?.includes('"nothing"'), lines.join("\n"));
  assert(at(7, "plugins[2].with.object")?.includes('"bal"'), lines.join("\n"));
  // audio/clips also needs its `file`: that is the fifth problem
  assertEquals(lines.length, 5, lines.join("\n"));
});

Deno.test("renderDataset refuses a scene with a misspelled name and writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_checks_" });
  await Deno.writeTextFile(`${dir}/scene.yaml`, TYPOS);
  let error: unknown;
  try {
    await renderDataset({ scene: `${dir}/scene.yaml`, out: `${dir}/out`, log: () => {} });
  } catch (e) {
    error = e;
  }
  assert(error instanceof SceneError, `expected a SceneError, got ${error}`);
  const entries = [...Deno.readDirSync(dir)].map((e) => e.name);
  assertEquals(entries, ["scene.yaml"], "the output folder must not exist");
});

Deno.test("the validate command reports the misspellings and exits 1", async () => {
  const { file } = await problems("frames: 2\n");
  await Deno.writeTextFile(file, TYPOS);
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "engine/cli/validate.ts", file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(run.stderr);
  assertEquals(run.code, 1, stderr);
  assert(stderr.includes(`${file}:5:`) && stderr.includes("subject"), stderr);
});

Deno.test("a YAML alias bomb is refused as a located scene error", async () => {
  const bomb = [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
    "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]",
    "",
  ].join("\n");
  const { file, lines } = await problems(bomb);
  assert(lines.length > 0 && lines.every((p) => p.startsWith(`${file}:`)), lines.join("\n"));
});
