/**
 * The launcher behind `deno task render`: it resolves the scene and the output folder, then runs
 * the renderer (engine/cli/render.ts) in a child Deno with exactly the permissions that run
 * needs, so scene plugins (user TypeScript) run inside that sandbox:
 *   read   the project, the scene's folder, the output folder;
 *   write  the output folder only;
 *   ffi    the encoder's native addon files (never a folder, never anything writable by the run);
 *   env    the variables the engine reads (RENDER_ENV);  sys  the host name (for the run lock);
 *   no subprocesses, no network.
 * Signals reach the child, the child's exit code is the launcher's, and the child stops by itself
 * when the launcher goes (its stdin pipe closes); the launcher stops it when a process that
 * started it (npx, the node wrapper, deno task) is gone. The launcher itself loads no scene
 * code; it runs with all permissions because Deno grants /proc (where it watches those
 * processes) only to such runs.
 */
import { parse } from "yaml";
import { mallocTunables, V8_FLAGS } from "../run/memory.ts";
import { furnitureFolder, libraryId } from "../scene/furniture_library.ts";
import { fetchFurniture } from "./fetch_furniture.ts";
import { convertLibrary } from "./convert_library.ts";
import { blenderHdriFolder, isBlenderHdri } from "../scene/blender_hdris.ts";
import { fetchBlenderHdris } from "./fetch_debian.ts";

/** Environment variables the renderer reads, and nothing else. */
export const RENDER_ENV = [
  "DENO_WEBGPU_BACKEND", // which WebGPU backend (gpu.ts)
  "XDG_RUNTIME_DIR", // set to /tmp when missing: the GL driver wants it (gpu.ts)
  "JOB_COMPLETION_INDEX", // Kubernetes indexed Job (--shard auto)
  "SLURM_ARRAY_TASK_ID", // Slurm job arrays (--shard auto)
  "SLURM_ARRAY_TASK_MIN",
  "SLURM_ARRAY_TASK_STEP",
  "SLURM_ARRAY_TASK_COUNT",
  "SYNTHVID_SHARD_COUNT",
  "SYNTHVID_LAUNCHED", // tells the renderer to stop when the launcher's pipe closes
  "NAPI_RS_NATIVE_LIBRARY_PATH", // read by the encoder addon's loader
  "SYNTHVID_FURNITURE", // where the furniture library's .sh3f files are (furniture_library.ts)
  "SYNTHVID_BLENDER_HDRI", // where Blender's world HDRIs are (blender_hdris.ts)
  "NAPI_RS_FORCE_WASI",
  "NAPI_RS_ENFORCE_VERSION_CHECK",
  "LOG_TOKENS", // read by the yaml parser's debug switch
  "LOG_STREAM",
];

const PROJECT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** The commands the launcher runs, sandboxed: they load scene files and the plugins they import. */
const COMMANDS = {
  render: `${PROJECT}/engine/cli/render.ts`,
  plan: `${PROJECT}/engine/cli/plan.ts`,
  validate: `${PROJECT}/engine/cli/validate.ts`,
};
export type Command = keyof typeof COMMANDS;
const RENDERER = COMMANDS.render;

/** The value of `--name VALUE` or `--name=VALUE` in argv, and where it is. */
function flagValue(argv: string[], name: string): { value?: string; index: number } {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return { value: argv[i + 1], index: i + 1 };
    if (argv[i].startsWith(`--${name}=`)) {
      return { value: argv[i].slice(name.length + 3), index: i };
    }
  }
  return { index: -1 };
}

function absolute(path: string, base: string): string {
  const joined = path.startsWith("/") ? path : `${base}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** `path` with symbolic links resolved as far as it exists (an output folder may not yet). */
function real(path: string): string {
  const rest: string[] = [];
  let head = path;
  while (head !== "/") {
    try {
      return absolute(rest.reverse().join("/") || ".", Deno.realPathSync(head));
    } catch {
      rest.push(head.slice(head.lastIndexOf("/") + 1));
      head = head.slice(0, head.lastIndexOf("/")) || "/";
    }
  }
  return path;
}

const inside = (path: string, root: string) => path === root || path.startsWith(`${root}/`);

/** The encoder's native addon files: the exact files, so nothing else can be loaded. */
function nativeLibraries(): string[] {
  const scope = `${PROJECT}/node_modules/@napi-rs`;
  const files: string[] = [];
  try {
    for (const entry of Deno.readDirSync(scope)) {
      if (!entry.name.startsWith("webcodecs-")) continue;
      for (const file of Deno.readDirSync(`${scope}/${entry.name}`)) {
        if (file.name.endsWith(".node")) files.push(real(`${scope}/${entry.name}/${file.name}`));
      }
    }
  } catch {
    // Not installed: the renderer says so when it needs the encoder.
  }
  return files.sort();
}

/** The folders a scene lists under `read:` (absolute), as far as the file can be read here. */
function sceneReads(scene: string): string[] {
  const dir = scene.slice(0, scene.lastIndexOf("/")) || "/";
  try {
    const doc = parse(Deno.readTextFileSync(scene)) as { read?: unknown };
    if (!Array.isArray(doc?.read)) return [];
    return doc.read.filter((p): p is string => typeof p === "string").map((p) =>
      real(absolute(p, dir))
    );
  } catch {
    // The child reports a missing or broken scene file with its line and column.
    return [];
  }
}

/** The scene files a command will load. */
function sceneFiles(command: string, argv: string[], cwd: string): string[] {
  if (command === "validate") {
    return argv.filter((a) => !a.startsWith("-")).map((a) => absolute(a, cwd));
  }
  return [absolute(flagValue(argv, "scene").value ?? "scenes/default.yaml", cwd)];
}

/** Whether a scene names a `library:` model under assets: or asks for library props. */
function usesLibrary(scene: string): boolean {
  try {
    const text = Deno.readTextFileSync(scene);
    const doc = parse(text) as { assets?: Record<string, unknown> };
    // `library_props` above 0: the object actions draw real props from the library; a room
    // set furnishes with it, and clutter may draw from it
    return /\blibrary_props:\s*(0*\.0*[1-9]|[1-9])/.test(text) ||
      /\brandomizer\/(room_set|clutter)\b/.test(text) ||
      Object.values(doc?.assets ?? {}).some((v) =>
        typeof v === "string" && libraryId(v) !== undefined
      );
  } catch {
    return false;
  }
}

/** Whether a scene names one of Blender's HDRIs in an `hdri:` option (a group does not fetch). */
function usesBlenderHdri(scene: string): boolean {
  const names = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(names);
    if (!value || typeof value !== "object") return false;
    return Object.entries(value).some(([key, v]) =>
      key === "hdri" && typeof v === "string"
        ? v.split(",").some((item) => isBlenderHdri(item.trim()))
        : names(v)
    );
  };
  try {
    return names(parse(Deno.readTextFileSync(scene)));
  } catch {
    return false;
  }
}

export interface RenderPlan {
  /** deno run arguments for the child. */
  args: string[];
  /** The child's environment additions. */
  env: Record<string, string>;
  scene: string;
  out: string;
}

/** The child's command line for `argv` (render flags), or an error message. */
export function planRender(argv: string[], cwd: string): RenderPlan | string {
  const scene = absolute(flagValue(argv, "scene").value ?? "scenes/default.yaml", cwd);
  const out = absolute(flagValue(argv, "out").value ?? "out", cwd);
  const realScene = real(scene);
  const realOut = real(out);
  const sceneDir = realScene.slice(0, realScene.lastIndexOf("/")) || "/";
  const project = real(PROJECT);
  // The run may write only its output folder: never the project itself or anything it runs.
  for (const protectedDir of ["", "/engine", "/plugins", "/shaders", "/node_modules"]) {
    const dir = `${project}${protectedDir}`;
    if (inside(realOut, dir) && (protectedDir !== "" || realOut === project)) {
      return `--out ${out} is ${
        realOut === dir ? "" : "inside "
      }${dir}: the renderer's own code and libraries are not an output folder`;
    }
  }
  if (inside(project, realOut)) return `--out ${out} contains the project ${project}`;
  const libraries = nativeLibraries();
  for (const library of libraries) {
    if (inside(library, realOut)) return `--out ${out} contains the encoder ${library}`;
  }
  // Relative paths given on the command line are the user's; the child runs in the project.
  const rewritten = [...argv];
  for (const [name, value] of [["scene", scene], ["out", out]] as const) {
    const { index } = flagValue(rewritten, name);
    if (index < 0) rewritten.push(`--${name}`, value);
    else if (rewritten[index].startsWith(`--${name}=`)) rewritten[index] = `--${name}=${value}`;
    else rewritten[index] = value;
  }
  const furniture = furnitureFolder(project);
  const hdri = blenderHdriFolder(project);
  const read = [
    ...new Set([
      project,
      sceneDir,
      ...sceneReads(realScene),
      realOut,
      ...(furniture ? [furniture] : []),
      ...(hdri ? [hdri] : []),
    ]),
  ];
  const args = [
    "run",
    "--no-prompt",
    V8_FLAGS,
    `--allow-read=${read.join(",")}`,
    `--allow-write=${realOut}`,
    `--allow-env=${RENDER_ENV.join(",")}`,
    ...(libraries.length ? [`--allow-ffi=${libraries.join(",")}`] : []),
    "--allow-sys=hostname", // the run lock names the host
    RENDERER,
    ...rewritten,
  ];
  // Naming the addon file spares its loader probing the system (/usr/bin/ldd, a process report).
  const env: Record<string, string> = {
    SYNTHVID_LAUNCHED: "1",
    GLIBC_TUNABLES: mallocTunables(Deno.env.get("GLIBC_TUNABLES")),
  };
  if (libraries.length === 1) env.NAPI_RS_NATIVE_LIBRARY_PATH = libraries[0];
  if (furniture) env.SYNTHVID_FURNITURE = furniture;
  if (hdri) env.SYNTHVID_BLENDER_HDRI = hdri;
  return { args, env, scene: realScene, out: realOut };
}

/**
 * `deno task plan` / `validate`: they load scenes and their plugins but write nothing, so the
 * child may read the project and the scenes' folders (and their `read:` folders), nothing else.
 */
export function planReadOnly(
  command: "plan" | "validate",
  argv: string[],
  cwd: string,
): RenderPlan {
  const rewritten = [...argv];
  const scenes: string[] = [];
  if (command === "plan") {
    const { value, index } = flagValue(rewritten, "scene");
    const scene = absolute(value ?? "scenes/default.yaml", cwd);
    scenes.push(scene);
    if (index < 0) rewritten.push("--scene", scene);
    else if (rewritten[index].startsWith("--scene=")) rewritten[index] = `--scene=${scene}`;
    else rewritten[index] = scene;
  } else {
    rewritten.forEach((arg, i) => {
      if (arg.startsWith("-")) return;
      rewritten[i] = absolute(arg, cwd);
      scenes.push(rewritten[i]);
    });
  }
  const read = new Set([real(PROJECT)]);
  const furniture = furnitureFolder(real(PROJECT));
  if (furniture) read.add(furniture);
  const hdri = blenderHdriFolder(real(PROJECT));
  if (hdri) read.add(hdri);
  for (const scene of scenes) {
    const file = real(scene);
    read.add(file.slice(0, file.lastIndexOf("/")) || "/");
    for (const folder of sceneReads(file)) read.add(folder);
  }
  const args = [
    "run",
    "--no-prompt",
    `--allow-read=${[...read].join(",")}`,
    `--allow-env=${RENDER_ENV.join(",")}`,
    COMMANDS[command],
    ...rewritten,
  ];
  return {
    args,
    env: {
      ...(furniture ? { SYNTHVID_FURNITURE: furniture } : {}),
      ...(hdri ? { SYNTHVID_BLENDER_HDRI: hdri } : {}),
    },
    scene: scenes[0] ?? "",
    out: "",
  };
}

/** One process that started the launcher, as /proc knows it. */
interface Ancestor {
  pid: number;
  started: string;
}

function procStat(pid: number): { parent: number; started: string; name: string } | undefined {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    return {
      parent: Number(fields[1]),
      started: fields[19],
      name: text.slice(text.indexOf("(") + 1, close),
    };
  } catch {
    return undefined;
  }
}

/** The chain of node and deno processes above this one (npx, the node wrapper, deno task). */
function launchers(): Ancestor[] {
  const chain: Ancestor[] = [];
  let pid = Deno.ppid;
  while (pid > 1) {
    const stat = procStat(pid);
    if (!stat || !/^(node|deno|npm|npx)/.test(stat.name)) break;
    chain.push({ pid, started: stat.started });
    pid = stat.parent;
  }
  return chain;
}

const alive = (a: Ancestor) => procStat(a.pid)?.started === a.started;

export async function launch(command: string, argv: string[]): Promise<number> {
  if (!(command in COMMANDS)) {
    console.error(`usage: launch.ts ${Object.keys(COMMANDS).join("|")} [flags]`);
    return 2;
  }
  if (argv.includes("--help") || argv.includes("-h")) {
    // Help needs no sandbox: the command prints it.
    const help = new Deno.Command(Deno.execPath(), {
      args: ["run", COMMANDS[command as Command], ...argv],
    }).spawn();
    return (await help.status).code;
  }
  const cwd = Deno.env.get("INIT_CWD") ?? Deno.cwd();
  // A scene that films furniture-library models gets the library first (once, from Debian).
  if (!furnitureFolder(real(PROJECT)) && sceneFiles(command, argv, cwd).some(usesLibrary)) {
    try {
      await fetchFurniture(real(PROJECT), (line) => console.error(line));
    } catch (error) {
      // the renderer then names the scene's library assets and how to get the library
      console.error(`warning: ${(error as Error).message}`);
    }
  }
  // ...converted to GLB once (the render may write only its output, so it is done here)
  const furniture = furnitureFolder(real(PROJECT));
  if (furniture && sceneFiles(command, argv, cwd).some(usesLibrary)) {
    try {
      await convertLibrary(furniture, (line) => console.error(line), real(PROJECT));
    } catch (error) {
      // the renderer then parses the OBJs it uses, as before
      console.error(`warning: converting the furniture library: ${(error as Error).message}`);
    }
  }
  // ...and one that names Blender's HDRIs gets blender-data's world maps (once, ~31 MB).
  // (not where the user names a folder of their own: the scene check then says it lacks them)
  if (
    !Deno.env.get("SYNTHVID_BLENDER_HDRI") && !blenderHdriFolder(real(PROJECT)) &&
    sceneFiles(command, argv, cwd).some(usesBlenderHdri)
  ) {
    try {
      await fetchBlenderHdris(real(PROJECT), (line) => console.error(line));
    } catch (error) {
      // the scene check then names the map and how to get it
      console.error(`warning: ${(error as Error).message}`);
    }
  }
  const plan = command === "render"
    ? planRender(argv, cwd)
    : planReadOnly(command as "plan" | "validate", argv, cwd);
  if (typeof plan === "string") {
    console.error(`error: ${plan}`);
    return 2;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: plan.args,
    cwd: PROJECT,
    env: plan.env,
    stdin: "piped",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const forward = (signal: Deno.Signal) => () => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [s, forward(s)] as const);
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  // A scheduler's SIGKILL to npx or deno task cannot be forwarded: notice they are gone.
  const chain = launchers();
  const watch = setInterval(() => {
    if (chain.every(alive)) return;
    console.error("error: the command that started this render is gone; stopping the renderer");
    forward("SIGTERM")();
    setTimeout(forward("SIGKILL"), 5000);
  }, 500);
  const status = await child.status;
  clearInterval(watch);
  for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  await child.stdin.close().catch(() => {});
  if (status.signal) return 128 + signalNumber(status.signal);
  return status.code;
}

function signalNumber(signal: Deno.Signal): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ??
    1;
}

if (import.meta.main) Deno.exit(await launch(Deno.args[0] ?? "", Deno.args.slice(1)));
