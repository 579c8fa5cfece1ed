/** The engine's layout stays true: imports go down the floors, and no file imports itself back. */
import { assert, assertEquals } from "./assert.ts";
import { checkLayout, FLOORS, importsOf, readProject, wingOf } from "./layout.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("checkLayout finds no upward import and no import circle in the project", async () => {
  const sources = await readProject(ROOT);
  assert(sources.size > 100, `read only ${sources.size} files`);
  const problems = checkLayout(sources);
  assertEquals(problems.map((p) => `${p.file}: ${p.message}`), []);
});

Deno.test("checkLayout reports an upward import, a same-floor import, a circle and a loose file", () => {
  const sources = new Map([
    ["engine/scene/a.ts", 'import { b } from "../gpu/b.ts";\n'],
    ["engine/gpu/b.ts", 'import { a } from "../scene/a.ts";\nexport const b = 1;\n'],
    ["engine/human/h.ts", 'import { c } from "../caption/c.ts";\n'],
    ["engine/caption/c.ts", "export const c = 1;\n"],
    ["engine/loose.ts", "export const x = 1;\n"],
    ["tests/t.ts", 'import "../engine/gpu/b.ts";\n'],
  ]);
  const messages = checkLayout(sources).map((p) => `${p.file}: ${p.message}`);
  assert(
    messages.some((m) =>
      m.startsWith("engine/scene/a.ts: imports engine/gpu/b.ts") && /above/.test(m)
    ),
    messages.join("\n"),
  );
  assert(messages.some((m) => m.startsWith("engine/human/h.ts") && /same floor/.test(m)));
  assert(messages.some((m) => /import circle: engine\/gpu\/b\.ts → engine\/scene\/a\.ts/.test(m)));
  assert(messages.some((m) => m.startsWith("engine/loose.ts") && /no wing/.test(m)));
  assertEquals(messages.length, 4, messages.join("\n"));
});

Deno.test("importsOf reads static, dynamic, side-effect and worker imports, not comment examples", () => {
  const source = [
    "/**",
    ' *   import { definePlugin } from "./mod.ts";',
    " */",
    'import type { A } from "./a.ts";',
    'export { B } from "../b.ts";',
    'import "./c.ts";',
    'const m = await import("./d.ts");',
    'new Worker(new URL("./e.ts", import.meta.url).href);',
    'import { f } from "npm:yaml";',
  ].join("\n");
  assertEquals(importsOf(source), ["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./e.ts"]);
});

Deno.test("every engine folder is a wing of exactly one floor", async () => {
  const wings = FLOORS.flat();
  assertEquals(new Set(wings).size, wings.length, "a wing is listed twice");
  for await (const entry of Deno.readDir(`${ROOT}/engine`)) {
    assert(entry.isDirectory, `engine/${entry.name} is a loose file: put it in a wing`);
    assert(wingOf(`engine/${entry.name}/x.ts`), `engine/${entry.name} is not in FLOORS`);
  }
});
