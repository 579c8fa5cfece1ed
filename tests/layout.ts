/**
 * The engine's layout as a rule the code is checked against (docs/architecture.md). engine/ is
 * split into wings; a file may import files of its own wing and of wings on a lower floor, never
 * a wing on its own floor or above. No file may import a file that imports it back, in any
 * number of steps, anywhere in the project.
 */

/** Floors, lowest first. Wings on one floor are independent of each other. */
export const FLOORS: readonly (readonly string[])[] = [
  ["engine/scene"], // the scene model: objects, camera, meshes, materials, environments, rng
  ["engine/gpu"], // device, passes, readback, host frames
  ["engine/plugin"], // the plugin contract, option schema and checks
  ["engine/config", "engine/human", "engine/caption", "engine/physics"], // libraries on the contract
  ["engine/dataset"], // clip files, recorder thread, resume, shards, merge, pack
  ["engine/audio"], // sound stems and the mix (written with the dataset's atomic writes)
  ["plugins"], // the built-in plugins
  ["engine/run"], // the per-clip loop and the dataset run
  ["engine/cli"], // commands
];

/** One import that breaks the rule, or a circle. */
export interface LayoutProblem {
  file: string;
  message: string;
}

/** The wing a project path belongs to, or undefined for files outside the layered part. */
export function wingOf(path: string): string | undefined {
  for (const floor of FLOORS) {
    for (const wing of floor) if (path === wing || path.startsWith(wing + "/")) return wing;
  }
  return undefined;
}

function floorOf(wing: string): number {
  return FLOORS.findIndex((floor) => floor.includes(wing));
}

// Static imports and re-exports, dynamic imports of a literal, and worker URLs.
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)["'](\.{1,2}\/[^"'$]+\.(?:ts|js))["']/g;

/** Relative specifiers a source file imports (comment lines are skipped: examples live there). */
export function importsOf(source: string): string[] {
  const code = source.split("\n").filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line)).join("\n");
  return [...code.matchAll(SPECIFIER)].map((m) => m[1]);
}

function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

/**
 * Checks a project given as path → source text (paths relative to the project root): every
 * import between wings goes down a floor, no engine file sits outside a wing, and no file
 * reaches itself through its imports.
 */
export function checkLayout(sources: ReadonlyMap<string, string>): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const graph = new Map<string, string[]>();
  for (const [file, source] of sources) {
    const targets = importsOf(source).map((s) => resolve(file, s)).filter((t) => sources.has(t));
    graph.set(file, targets);
    const from = wingOf(file);
    if (file.startsWith("engine/") && !from) {
      problems.push({ file, message: "is in engine/ but in no wing (tests/layout.ts FLOORS)" });
    }
    if (!from) continue;
    for (const target of targets) {
      const to = wingOf(target);
      if (!to || to === from) continue;
      if (floorOf(to) >= floorOf(from)) {
        const where = floorOf(to) === floorOf(from) ? "a wing on the same floor" : "a wing above";
        problems.push({ file, message: `imports ${target}: ${to} is ${where} ${from}` });
      }
    }
  }
  for (const circle of circles(graph)) {
    problems.push({ file: circle[0], message: `import circle: ${circle.join(" → ")}` });
  }
  return problems;
}

/** Each strongly connected group of files (Tarjan), as a path that closes on itself. */
function circles(graph: ReadonlyMap<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    const selfImport = (graph.get(v) ?? []).includes(v);
    if (group.length > 1 || selfImport) found.push([...group.reverse(), group[0]]);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** Every .ts file of the project (node_modules and out/ left out), relative to `root`. */
export async function readProject(root: string): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(`${root}/${dir}`)) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory) {
        if (!["node_modules", "out", ".git"].includes(entry.name)) await walk(path);
      } else if (entry.name.endsWith(".ts")) {
        sources.set(path, await Deno.readTextFile(`${root}/${path}`));
      }
    }
  };
  await walk("");
  return sources;
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const problems = checkLayout(await readProject(root));
  for (const p of problems) console.log(`${p.file}: ${p.message}`);
  console.log(problems.length === 0 ? "layout ok" : `${problems.length} problem(s)`);
  Deno.exit(problems.length === 0 ? 0 : 1);
}
