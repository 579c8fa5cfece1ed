/**
 * `deno task bench:peer`: the bench scene (same cubes, motion, camera, light,
 * resolution) rendered by Blender — Cycles at 16 and 64 samples per pixel
 * with rgb/depth/normal/object-index passes (what Kubric writes), and
 * Workbench (rgb only) — and by synthvid (rgb, depth, normals, instance, flow,
 * labels, to disk) in the same run. Prints seconds per frame and per clip
 * (process start-up included) and synthvid's speed-up over each.
 * Skipped with a message when `blender` is not installed (apt `blender`).
 *
 *   deno task bench:peer [--objects 20,200] [--size 256x256] [--frames 12] [--json PATH]
 */
import { parseCommandLine, UsageError } from "../engine/cli/args.ts";
import { acquireGpu, describeGpu } from "../engine/gpu/gpu.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { srgbToLinear } from "../engine/scene/color.ts";
import { SUN_DIAMETER } from "../engine/scene/scene.ts";
import type { Vec3 } from "../engine/scene/vector.ts";
import {
  type BlenderScene,
  blenderVersion,
  primitiveMesh,
  runBlender,
  sunStrength,
} from "./blender.ts";
import { type BenchScene, benchScene, benchSceneYaml } from "./scene.ts";

const FLAGS = {
  objects: { type: "list", description: "object counts (default 20)" },
  size: { type: "size", description: "frame size (default 256x256)" },
  frames: { type: "integer", description: "frames per clip (default 12)" },
  modes: { type: "string", description: "Blender modes (default cycles16,cycles64,workbench)" },
  json: { type: "string", description: "write results here (default bench/results/peer.json)" },
  help: { type: "boolean", description: "show this help" },
} as const;

interface PeerTiming {
  mode: string;
  /** Render seconds per frame (scene already built). */
  frameSeconds: number;
  /** Whole process per clip: start-up, scene build, render, files. */
  clipSeconds: number;
  version?: string;
}

interface PeerRow {
  objects: number;
  width: number;
  height: number;
  frames: number;
  synthvid: { frameSeconds: number; clipSeconds: number };
  blender: PeerTiming[];
}

/** The bench scene as bench/peer_blender.py builds it (one cube mesh, two keys per cube). */
export function blenderBenchScene(s: BenchScene): BlenderScene {
  const linear = (c: readonly number[]) => c.map(srgbToLinear) as Vec3;
  const last = s.frames - 1;
  return {
    width: s.width,
    height: s.height,
    fps: s.fps,
    frames: s.frames,
    camera: s.camera,
    // The world shows the background colour (and lights with it, as Blender's world does).
    world: { color: linear(s.background), strength: 1 },
    lights: [{
      type: "sun",
      direction: s.light.direction,
      strength: sunStrength(s.light.intensity),
      color: [1, 1, 1],
      angle: SUN_DIAMETER,
    }],
    meshes: { cube: primitiveMesh("cube") },
    objects: s.cubes.map((c, i) => ({
      name: c.name,
      mesh: "cube",
      color: linear(c.color),
      roughness: 0.5,
      metalness: 0,
      passIndex: i + 1,
      keys: [
        {
          frame: 0,
          position: c.from,
          rotation: [0, c.spinFrom, 0],
          scale: [c.scale, c.scale, c.scale],
        },
        {
          frame: last,
          position: c.to,
          rotation: [0, c.spinTo, 0],
          scale: [c.scale, c.scale, c.scale],
        },
      ],
    })),
  };
}

async function peerBlender(sceneJson: string, outDir: string, mode: string): Promise<PeerTiming> {
  const result = await runBlender(sceneJson, outDir, mode);
  // Every pass must really be on disk: one file per frame.
  const files = [...Deno.readDirSync(outDir)].filter((e) => e.name.startsWith("frame_"));
  if (files.length !== result.frames) {
    throw new Error(`blender ${mode}: ${files.length} of ${result.frames} frames written`);
  }
  return {
    mode,
    // steady state (first frame's set-up left out) when Blender reported it
    frameSeconds: result.steady_s_per_frame ?? result.render_s / result.frames,
    clipSeconds: result.clipSeconds,
    version: result.blender,
  };
}

/** synthvid on the same scene: warm per-frame time in-process, and a fresh CLI process per clip. */
async function runSynthvid(dir: string, yamlFile: string, frames: number) {
  const gpu = await acquireGpu();
  try {
    // Warm-up clip (shader compile, encoder load), then 3 clips; per frame is the time between
    // the first and the last clip being written (steady state: no renderer or worker start-up,
    // like Blender's render time per frame; start-up is in the per-clip figure).
    await renderDataset({
      scene: yamlFile,
      out: `${dir}/warm`,
      gpu,
      registry: [],
      log: () => {},
      overrides: { clips: 1 },
    });
    const written: number[] = [];
    const summary = await renderDataset({
      scene: yamlFile,
      out: `${dir}/timed`,
      gpu,
      registry: [],
      log: () => {},
      overrides: { clips: 3 },
      onClip: () => void written.push(performance.now()),
    });
    if (summary.failed) {
      throw new Error(`synthvid failed: ${summary.clips.find((c) => c.error)?.error}`);
    }
    const steadyClips = written.length - 1;
    const frameSeconds = (written[written.length - 1] - written[0]) / 1000 /
      (steadyClips * (summary.frames / written.length));
    const cli = new URL("../engine/cli/render.ts", import.meta.url).pathname;
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        cli,
        "--scene",
        yamlFile,
        "--out",
        `${dir}/cli`,
        "--clips",
        "1",
        "--quiet",
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`synthvid CLI failed: ${new TextDecoder().decode(out.stderr).slice(-500)}`);
    }
    const clipSeconds = (performance.now() - t0) / 1000;
    void frames;
    return { frameSeconds, clipSeconds, gpu: describeGpu(gpu) };
  } finally {
    gpu.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, {
    name: "deno task bench:peer",
    summary: "synthvid vs Blender on the same scene.",
    flags: FLAGS,
    check(args) {
      if (args._.length > 0) throw new UsageError(`Unexpected argument "${args._[0]}"`);
    },
  });
  if (typeof args === "number") return args;
  const version = await blenderVersion();
  if (!version) {
    console.log(
      "bench:peer skipped: `blender` is not installed (apt-get install -y --no-install-recommends blender)",
    );
    return 0;
  }
  const [width, height] = (args.size as [number, number]) ?? [256, 256];
  const frames = (args.frames as number) ?? 12;
  const modes = ((args.modes as string) ?? "cycles16,cycles64,workbench").split(",").map((m) =>
    m.trim()
  );
  const counts = (args.objects as number[]) ?? [20];
  console.error(`peer: ${version}`);
  const rows: PeerRow[] = [];
  let gpuLine = "";
  for (const objects of counts) {
    const dir = await Deno.makeTempDir({ prefix: "synthvid_peer_" });
    try {
      const scene = benchScene(objects, width, height, frames);
      await Deno.writeTextFile(`${dir}/scene.json`, JSON.stringify(blenderBenchScene(scene)));
      await Deno.writeTextFile(`${dir}/scene.yaml`, benchSceneYaml(scene, 1));
      const synthvid = await runSynthvid(dir, `${dir}/scene.yaml`, frames);
      gpuLine = synthvid.gpu;
      const blender: PeerTiming[] = [];
      for (const mode of modes) {
        const outDir = `${dir}/blender_${mode}`;
        await Deno.mkdir(outDir);
        console.error(`  ${objects} objects: blender ${mode}…`);
        blender.push(await peerBlender(`${dir}/scene.json`, outDir, mode));
      }
      rows.push({ objects, width, height, frames, synthvid, blender });
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }

  const lines = [
    `synthvid: ${gpuLine} · Blender: ${version} (CPU) · ${width}×${height}, ${frames} frames per clip`,
  ];
  lines.push(
    `${"objects".padStart(7)} ${"renderer".padEnd(22)} ${"s/frame".padStart(9)} ${
      "s/clip".padStart(8)
    } ${"× frame".padStart(9)} ${"× clip".padStart(8)}`,
  );
  for (const r of rows) {
    const label = (mode: string) =>
      mode === "workbench" ? "Blender Workbench (rgb)" : `Blender Cycles ${mode.slice(6)} spp`;
    lines.push(
      `${String(r.objects).padStart(7)} ${"synthvid (all passes)".padEnd(22)} ${
        r.synthvid.frameSeconds.toFixed(4).padStart(9)
      } ${r.synthvid.clipSeconds.toFixed(2).padStart(8)}`,
    );
    for (const b of r.blender) {
      lines.push(
        `${String(r.objects).padStart(7)} ${label(b.mode).padEnd(22)} ${
          b.frameSeconds.toFixed(4).padStart(9)
        } ${b.clipSeconds.toFixed(2).padStart(8)} ${
          (b.frameSeconds / r.synthvid.frameSeconds).toFixed(1).padStart(8)
        }× ${(b.clipSeconds / r.synthvid.clipSeconds).toFixed(1).padStart(7)}×`,
      );
    }
  }
  lines.push(
    "× = Blender time / synthvid time (higher: synthvid faster). s/clip includes process start-up.",
  );
  console.log(lines.join("\n"));
  const path = (args.json as string) ?? new URL("./results/peer.json", import.meta.url).pathname;
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")) || ".", { recursive: true });
  await Deno.writeTextFile(
    path,
    JSON.stringify(
      { date: new Date().toISOString(), gpu: gpuLine, blender: version, rows },
      null,
      2,
    ) + "\n",
  );
  console.log(`wrote ${path}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
