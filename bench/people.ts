/**
 * `deno task bench:people`: what one person costs — on the CPU, building the body mesh
 * (once per clip), skinning it (once per frame; the renderer and labels share the posed
 * vertices), the joint matrices and the posed bounds; and end to end (scene → plugins →
 * render → encode → write), milliseconds per frame with 0, 1 and 4 people in view.
 *
 *   deno task bench:people [--people N] [--frames N] [--size N] [--no-render]
 */
import { type FlagSpec, parseCommandLine, UsageError } from "../engine/cli/args.ts";
import { sampleAppearance } from "../engine/human/appearance.ts";
import { bake } from "../engine/human/bake.ts";
import { Body } from "../engine/human/body.ts";
import { MOTIONS } from "../engine/human/library.ts";
import { footRadius, restOffsets } from "../engine/human/skeleton.ts";
import { Rng } from "../engine/scene/rng.ts";
import { posedBounds, skinMesh } from "../engine/scene/skin.ts";
import { schedule } from "../plugins/action/human_action.ts";
import { acquireGpu, type Gpu } from "../engine/gpu/gpu.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";

const FLAGS = {
  people: { type: "integer", description: "people to build (default 8)" },
  frames: { type: "integer", description: "walk frames to pose each (default 48)" },
  size: { type: "integer", description: "square image size of the end-to-end runs (default 256)" },
  "no-render": { type: "boolean", description: "CPU figures only" },
  help: { type: "boolean", description: "show this help" },
} satisfies Record<string, FlagSpec>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A clip of `people` walkers (2 clips of `frames`), fixed camera, the default outputs. */
function sceneYaml(people: number, frames: number, size: number): string {
  const plugin = people === 0 ? "plugins: []" : `plugins:
  - { use: action/human, name: people, with: { motion: walk, people: ${people}, camera: fixed, random_heading: false, heading: 0 } }`;
  return `name: bench_people
seed: 1
clips: 2
frames: ${frames}
size: [${size}, ${size}]
outputs: [rgb, depth, normals, instance, flow]
camera: { position: [0, 1.6, 9], look_at: [0, 0.9, 0], fov: 50 }
objects:
  - { name: floor, mesh: plane, class: floor, scale: [30, 1, 30], color: [0.5, 0.5, 0.5] }
${plugin}
`;
}

/** End-to-end milliseconds per frame of the people scene. */
async function endToEnd(gpu: Gpu, dir: string, people: number, frames: number, size: number) {
  const file = `${dir}/people_${people}.yaml`;
  await Deno.writeTextFile(file, sceneYaml(people, frames, size));
  const out = `${dir}/out_${people}`;
  const started = performance.now();
  const summary = await renderDataset({ scene: file, out, gpu, log: () => {} });
  const ms = performance.now() - started;
  await Deno.remove(out, { recursive: true });
  if (summary.failed > 0) {
    throw new Error(`run failed: ${summary.clips.find((c) => c.error)?.error}`);
  }
  return ms / summary.frames;
}

async function main(): Promise<number> {
  const args = parseCommandLine(Deno.args, {
    name: "deno task bench:people",
    summary: "CPU cost of one person: mesh build per clip, skinning and bounds per frame.",
    flags: FLAGS,
    check(args) {
      if (args._.length > 0) throw new UsageError(`Unexpected argument "${args._[0]}"`);
    },
  });
  if (typeof args === "number") return args;
  const people = (args.people as number | undefined) ?? 8;
  const size = (args.size as number | undefined) ?? 256;
  const frames = (args.frames as number | undefined) ?? 48;
  const build: number[] = [],
    matrices: number[] = [],
    skinning: number[] = [],
    bounds: number[] = [];
  let triangles = 0, vertices = 0;
  for (let i = 0; i < people; i++) {
    const look = sampleAppearance(new Rng(`bench-person-${i}`), {});
    const offsets = restOffsets(look.proportions);
    let t = performance.now();
    const body = new Body(look, offsets);
    const parts = body.place();
    build.push(performance.now() - t);
    triangles += body.mesh.triangles;
    vertices += parts.reduce((n, p) => n + p.mesh.positions.length / 3, 0);
    const params = {
      speed: 1,
      amplitude: 1,
      side: "left" as const,
      height: look.proportions.height,
    };
    const { poses } = schedule([MOTIONS.walk], [params], 0, 0.3, frames, 24);
    const baked = bake(poses, {
      offsets,
      parts: body.parts,
      footRadius: footRadius(look.proportions),
      start: [0, 0],
      heading: 0,
      fps: 24,
    });
    for (const b of baked) {
      t = performance.now();
      const m = body.skinMatrices(b.world, b.local.root, b.local.rootRotation);
      matrices.push(performance.now() - t);
      t = performance.now();
      for (const { mesh } of parts) skinMesh(mesh, m);
      skinning.push(performance.now() - t);
      t = performance.now();
      for (const { mesh } of parts) posedBounds(mesh, m);
      bounds.push(performance.now() - t);
    }
  }
  const rows: [string, string][] = [
    [
      "people",
      `${people} (${Math.round(triangles / people)} triangles, ${
        Math.round(vertices / people)
      } vertices each)`,
    ],
    ["build mesh, per person (ms, median)", median(build).toFixed(0)],
    ["joint matrices, per frame (ms)", median(matrices).toFixed(3)],
    ["skinning (DQS), per frame (ms)", median(skinning).toFixed(2)],
    ["posed bounds, per frame (ms)", median(bounds).toFixed(3)],
    [
      "CPU frames per second per person (skinning + matrices)",
      (1000 / (median(skinning) + median(matrices))).toFixed(0),
    ],
  ]; // deno-fmt-ignore
  if (!args["no-render"]) {
    const gpu = await acquireGpu();
    rows.push(["end-to-end adapter", `${gpu.backend}: ${gpu.description}`]);
    const dir = await Deno.makeTempDir({ prefix: "synthvid_bench_people_" });
    try {
      const ms = [];
      for (const n of [0, 1, 4]) ms.push(await endToEnd(gpu, dir, n, frames, size));
      rows.push([`end to end ${size}², 0 / 1 / 4 people (ms per frame)`, ms.map((m) => m.toFixed(1)).join(" / ")]);
      rows.push(["end to end, each person adds (ms per frame, of 4)", ((ms[2] - ms[0]) / 4).toFixed(1)]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  return 0;
}

Deno.exit(await main());
