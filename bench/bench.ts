/**
 * `deno task bench`: per-stage and end-to-end frames per second at 128², 256²
 * and 512² with 1, 20, 200 and 2000 objects, on every WebGPU backend present
 * (one subprocess per backend, since Deno picks the backend at start-up from
 * DENO_WEBGPU_BACKEND). Prints a table and writes JSON.
 *
 * Then rows that grow triangles (20 dense spheres, 10 k / 100 k / 1 M triangles in view, 256²)
 * and physics milliseconds per frame at 20 / 200 / 2000 bodies (a falling heap, resting clutter).
 *
 *   deno task bench [--quick] [--json PATH] [--backends gl,vulkan] [--memory]
 */
import { V8_FLAGS } from "../engine/run/dataset_run.ts";
import { mallocTunables } from "../engine/run/memory.ts";
import { parseCommandLine, UsageError } from "../engine/cli/args.ts";
import { GT_FORMATS, type GtFormat } from "../engine/config/gt_format.ts";
import { acquireGpu, describeGpu } from "../engine/gpu/gpu.ts";
import { type MemoryResult, memoryRun } from "./memory.ts";
import { benchScene } from "./scene.ts";
import { measureStages, type StageOptions, type StageResult } from "./stages.ts";
import { writeDenseSphere } from "./dense_mesh.ts";
import { measurePhysics, type PhysicsResult } from "./physics.ts";
import { FURNISHED_ROOM_OBJECTS, furnishedRoomYaml } from "./furnished_room.ts";
import { furnitureFolder } from "../engine/scene/furniture_library.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { loadScene } from "../engine/config/scene_file.ts";
import { MeshLibrary } from "../engine/config/scene_build.ts";
import { Scene } from "../engine/scene/scene.ts";

const FLAGS = {
  quick: { type: "boolean", description: "short run: fewer frames, clips and sizes" },
  json: { type: "string", description: "write results here (default bench/results/latest.json)" },
  backends: { type: "string", description: "comma-separated backends to try (default gl,vulkan)" },
  sizes: { type: "list", description: "square sizes (default 128,256,512)" },
  objects: { type: "list", description: "object counts (default 1,20,200,2000)" },
  triangles: {
    type: "list",
    description: "triangles in view for the dense-mesh rows, 256² (default 10000,100000,1000000)",
  },
  bodies: { type: "list", description: "physics rows' body counts (default 20,200,2000)" },
  "gt-format": {
    type: "string",
    description:
      "ground-truth storage for the write and e2e stages: npy | npz | png16 (default npy)",
  },
  memory: {
    type: "boolean",
    description: "memory mode: 1000 tiny clips, RSS growth after the first 50",
  },
  clips: { type: "integer", description: "memory mode: clips to render (default 1000)" },
  child: {
    type: "string",
    description: "(internal) run one backend's measurements, print JSON lines",
  },
  help: { type: "boolean", description: "show this help" },
} as const;

const RESULT = "BENCH_RESULT ";
const INFO = "BENCH_INFO ";

interface BackendReport {
  backend: string;
  adapter?: string;
  fallback?: boolean;
  skipped?: string;
  results: StageResult[];
  physics: PhysicsResult[];
  memory?: MemoryResult;
}

/** Objects of the dense-mesh rows (the triangles are shared among them). */
const DENSE_OBJECTS = 20;
/** The dense rows' second run: levels of detail within this many pixels. */
const DENSE_LOD = 0.5;
/** The furnished room's levels of detail (pixels). */
const ROOM_LOD = 0.5;

function stageOptions(quick: boolean): StageOptions {
  return quick
    ? { frames: 24, clips: 2, clipFrames: 24, maxSeconds: 4 }
    : { frames: 96, clips: 4, clipFrames: 48, maxSeconds: 8 };
}

/** Child: one backend (chosen by the environment), every size × object count. */
async function child(args: Record<string, unknown>) {
  const gpu = await acquireGpu();
  const print = (prefix: string, value: unknown) => console.log(prefix + JSON.stringify(value));
  print(INFO, { backend: gpu.backend, adapter: gpu.description, fallback: gpu.fallback });
  console.error(describeGpu(gpu));
  const dir = await Deno.makeTempDir({ prefix: "synthvid_bench_" });
  try {
    if (args.memory) {
      print(RESULT, {
        memory: await memoryRun(gpu, dir, (args.clips as number) ?? 1000, console.error),
      });
      return;
    }
    const options = {
      ...stageOptions(Boolean(args.quick)),
      gtFormat: (args["gt-format"] as GtFormat | undefined) ?? "npy",
    };
    const sizes = args.sizes as number[];
    const counts = args.objects as number[];
    for (const size of sizes) {
      for (const objects of counts) {
        const bench = benchScene(objects, size, size, options.frames);
        // Big scenes are slow on software adapters: fewer frames keep the run bounded.
        const scaled = objects >= 2000 || size >= 512
          ? {
            ...options,
            frames: Math.max(12, options.frames >> 2),
            clips: Math.max(1, options.clips >> 1),
          }
          : options;
        const result = await measureStages(gpu, dir, bench, scaled);
        print(RESULT, result);
        console.error(`  ${row(result)}`);
      }
    }
    for (const total of args.triangles as number[]) {
      // beside the scene files the stages write into `dir` (scenes name assets relatively)
      const file = `dense_${total}.glb`;
      const each = await writeDenseSphere(`${dir}/${file}`, total / DENSE_OBJECTS);
      // the full meshes, then levels of detail within half a pixel (engine/scene/lod.ts)
      for (const lod of [undefined, DENSE_LOD]) {
        const bench = {
          ...benchScene(DENSE_OBJECTS, 256, 256, options.frames),
          mesh: { file, triangles: each * DENSE_OBJECTS },
          lod,
        };
        // a million triangles take a second a frame on a software adapter
        const scaled = total >= 1_000_000 && lod === undefined
          ? { ...options, frames: 12, clips: 1, clipFrames: Math.min(12, options.clipFrames) }
          : options;
        const result = await measureStages(gpu, dir, bench, scaled);
        print(RESULT, result);
        console.error(`  ${row(result)}`);
      }
    }
    const room = await furnishedRoomRow(gpu, dir, options);
    if (room) {
      print(RESULT, room);
      console.error(`  ${row(room)}`);
    }
    for (const layout of ["resting", "heap"] as const) {
      for (const bodies of args.bodies as number[]) {
        const physics = await measurePhysics(layout, bodies, options.clipFrames);
        print(RESULT, { physics });
        console.error(`  ${physicsRow(physics)}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    gpu.destroy();
  }
}

/**
 * The furnished room (bench/furnished_room.ts) end to end with levels of detail on, or
 * undefined when the furniture library is not installed.
 */
async function furnishedRoomRow(
  gpu: Awaited<ReturnType<typeof acquireGpu>>,
  dir: string,
  options: StageOptions & { gtFormat: GtFormat },
): Promise<StageResult | undefined> {
  if (!furnitureFolder()) {
    console.error("  furnished room: skipped (deno task assets --fetch installs the library)");
    return undefined;
  }
  const file = `${dir}/furnished_room.yaml`;
  const frames = options.clipFrames;
  await Deno.writeTextFile(file, furnishedRoomYaml(256, frames, options.clips, ROOM_LOD));
  const started = performance.now();
  const summary = await renderDataset({
    scene: file,
    out: `${dir}/room_out`,
    gpu,
    overrides: { gtFormat: options.gtFormat },
    log: () => {},
  });
  const seconds = (performance.now() - started) / 1000;
  await Deno.remove(`${dir}/room_out`, { recursive: true });
  if (summary.failed > 0) {
    throw new Error(`furnished room: ${summary.clips.find((c) => c.error)?.error}`);
  }
  const e2e = summary.frames / seconds;
  return {
    backend: gpu.backend,
    adapter: gpu.description,
    width: 256,
    height: 256,
    objects: FURNISHED_ROOM_OBJECTS,
    triangles: await sceneTriangles(file),
    lod: ROOM_LOD,
    scene: "furnished room",
    fps: { simulate: NaN, render: NaN, labels: NaN, readback: NaN, encode: NaN, write: NaN, e2e },
    gtFormat: options.gtFormat,
    writtenBytesPerFrame: NaN,
    clipSeconds: seconds / options.clips,
    clips: options.clips,
    framesPerClip: frames,
  };
}

/** Triangles of every object of a scene file's objects list, as loaded. */
async function sceneTriangles(file: string): Promise<number> {
  const config = await loadScene(file, { registry: [] });
  const library = await MeshLibrary.load(config);
  const scene = new Scene();
  library.install(scene);
  let triangles = 0;
  for (const o of (config.doc.objects as { mesh: string }[] | undefined) ?? []) {
    for (const part of scene.meshes.get(o.mesh) ?? []) triangles += part.mesh.indices.length / 3;
  }
  return triangles;
}

/** Parent: spawns one child per backend and gathers their JSON lines. */
async function runBackend(backend: string, argv: string[]): Promise<BackendReport> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      // the same V8 settings as `deno task render` (see collectGarbageNow in engine/run/memory.ts)
      V8_FLAGS,
      new URL(import.meta.url).pathname,
      "--child",
      backend,
      ...argv,
    ],
    env: {
      DENO_WEBGPU_BACKEND: backend,
      GLIBC_TUNABLES: mallocTunables(Deno.env.get("GLIBC_TUNABLES")),
    },
    stdout: "piped",
    stderr: "piped",
  });
  const process = command.spawn();
  const report: BackendReport = { backend, results: [], physics: [] };
  const errors: string[] = [];
  const readLines = async (stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) => {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      lines.forEach(onLine);
    }
    if (rest) onLine(rest);
  };
  await Promise.all([
    readLines(process.stdout, (line) => {
      if (line.startsWith(INFO)) Object.assign(report, JSON.parse(line.slice(INFO.length)));
      else if (line.startsWith(RESULT)) {
        const value = JSON.parse(line.slice(RESULT.length));
        if (value.memory) report.memory = value.memory;
        else if (value.physics) report.physics.push(value.physics);
        else report.results.push(value);
      }
    }),
    readLines(process.stderr, (line) => {
      // Vulkan loader noise on machines without a session runtime dir.
      if (
        /XDG_RUNTIME_DIR|wgpu-hal heuristics|textures with `depth_or_array_layers|^\s*$/.test(line)
      ) return;
      errors.push(line);
      console.error(`[${backend}] ${line}`);
    }),
  ]);
  const status = await process.status;
  if (!status.success) {
    const noAdapter = errors.some((e) => e.includes("No WebGPU adapter"));
    report.skipped = noAdapter
      ? `no ${backend} adapter on this machine`
      : `child exited with code ${status.code}: ${errors.slice(-3).join(" | ")}`;
  }
  return report;
}

const COLUMNS = ["simulate", "render", "labels", "readback", "encode", "write", "e2e"] as const;

function fmt(fps: number | null): string {
  // null: a stage the row does not measure (JSON has no NaN)
  if (fps === null || !Number.isFinite(fps)) return "–";
  return fps >= 10000
    ? `${(fps / 1000).toFixed(0)}k`
    : fps >= 100
    ? fps.toFixed(0)
    : fps.toFixed(1);
}

function row(r: StageResult): string {
  const cells = COLUMNS.map((c) => fmt(r.fps[c]).padStart(9));
  const kb = (r.writtenBytesPerFrame / 1024).toFixed(0);
  const triangles = r.triangles >= 1e6
    ? `${(r.triangles / 1e6).toFixed(1)}M`
    : `${(r.triangles / 1e3).toFixed(r.triangles < 1e4 ? 1 : 0)}k`;
  return `${`${r.width}²`.padStart(5)} ${String(r.objects).padStart(5)} ${triangles.padStart(6)} ${
    cells.join("")
  } ${r.clipSeconds.toFixed(2).padStart(7)} ${`${kb} KiB`.padStart(9)} ${r.gtFormat}${
    (r.lod !== undefined ? ` · lod ${r.lod} px` : "") + (r.scene ? ` · ${r.scene}` : "")
  }`;
}

function physicsRow(p: PhysicsResult): string {
  return `physics ${p.layout.padStart(7)} ${String(p.bodies).padStart(7)} ${
    p.msPerFrame.toFixed(2).padStart(9)
  } ${String(p.sleeping).padStart(7)} ${String(p.contacts).padStart(9)}`;
}

function table(reports: BackendReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push("");
    if (r.skipped) {
      lines.push(`backend ${r.backend}: skipped (${r.skipped})`);
      continue;
    }
    lines.push(`backend ${r.backend} · ${r.adapter}${r.fallback ? " · software fallback" : ""}`);
    if (r.results.length > 0) {
      lines.push(
        ` size  objs   tris ${COLUMNS.map((c) => c.padStart(9)).join("")}  s/clip  written/f gt`,
      );
      for (const result of r.results) lines.push(row(result));
    }
    if (r.physics.length > 0) {
      lines.push("", "physics  layout  bodies  ms/frame  asleep  contacts");
      for (const p of r.physics) lines.push(physicsRow(p));
    }
    if (r.memory) {
      const m = r.memory;
      lines.push(
        `memory: ${m.clips} clips of ${m.size}² × ${m.frames} frames · RSS after clip ${m.baselineClip} ` +
          `${(m.baselineRss / 2 ** 20).toFixed(0)} MiB → ${
            (m.finalRss / 2 ** 20).toFixed(0)
          } MiB at the end ` +
          `(${m.growthPercent >= 0 ? "+" : ""}${m.growthPercent.toFixed(1)} %, peak ${
            (m.peakRss / 2 ** 20).toFixed(0)
          } MiB) · ` +
          (m.growthPercent <= 10 ? "flat (≤ 10 %)" : "GROWS (> 10 %)"),
      );
    }
  }
  lines.push(
    "",
    "fps per stage: render = G-buffer only; labels = + GPU label passes; readback = + copy to host, map, decode",
    "(all cumulative, frames in flight); encode = H.264; write = ground truth (gt: its format) + labels +",
    "preview, written/f = the write stage's bytes per frame; e2e = whole clips to disk. tris = triangles",
    "in the scene; the rows of 20 objects with 10k+ are dense spheres. physics = ms of simulation per",
    "frame shown (Rapier, 240 Hz substeps): heap = bodies dropped in a pile, resting = clutter placed",
    "asleep on the floor with one ball rolled through it.",
  );
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, {
    name: "deno task bench",
    summary: "Per-stage and end-to-end throughput.",
    flags: FLAGS,
    check(args) {
      if (args._.length > 0) throw new UsageError(`Unexpected argument "${args._[0]}"`);
      const format = args["gt-format"] as string | undefined;
      if (format !== undefined && !(GT_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--gt-format is one of ${GT_FORMATS.join(", ")}, not "${format}"`);
      }
    },
  });
  if (typeof args === "number") return args;
  const quick = Boolean(args.quick);
  args.sizes ??= quick ? [128, 256] : [128, 256, 512];
  args.objects ??= [1, 20, 200, 2000];
  args.triangles ??= [10_000, 100_000, 1_000_000];
  args.bodies ??= [20, 200, 2000];
  if (args.child) {
    await child(args);
    return 0;
  }
  const forward = argv.filter((a, i) =>
    a !== "--json" && argv[i - 1] !== "--json" && !a.startsWith("--json=")
  );
  const backends = ((args.backends as string) ?? "gl,vulkan").split(",").map((b) => b.trim())
    .filter(Boolean);
  const reports: BackendReport[] = [];
  for (const backend of backends) {
    console.error(`backend ${backend}: measuring…`);
    reports.push(await runBackend(backend, forward));
  }
  console.log(table(reports));
  const path = (args.json as string) ?? new URL("./results/latest.json", import.meta.url).pathname;
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir || "/", { recursive: true });
  const json = {
    date: new Date().toISOString(),
    machine: {
      os: Deno.build.os,
      arch: Deno.build.arch,
      cpus: navigator.hardwareConcurrency,
      deno: Deno.version.deno,
    },
    mode: args.memory ? "memory" : quick ? "quick" : "full",
    backends: reports,
  };
  await Deno.writeTextFile(path, JSON.stringify(json, null, 2) + "\n");
  console.log(`\nwrote ${path}`);
  const measured = reports.filter((r) => !r.skipped);
  if (measured.length === 0) return 1;
  if (args.memory && measured.some((r) => r.memory && r.memory.growthPercent > 10)) return 1;
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
