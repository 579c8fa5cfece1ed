/** Helpers for tests that render real scenes at small sizes. */
import type { Quality } from "../engine/scene/render_settings.ts";
import type { GtFormat } from "../engine/config/gt_format.ts";
import { acquireGpu, type Gpu } from "../engine/gpu/gpu.ts";
import { renderDataset, type RunSummary } from "../engine/run/dataset_run.ts";
import { definePlugin, type PluginDefinition } from "../engine/plugin/contract.ts";
import { copyFrame } from "../engine/gpu/host_frame.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";

let shared: Promise<Gpu> | undefined;

/** One GPU device for the whole test process (creating devices is slow on the software adapter). */
export function testGpu(): Promise<Gpu> {
  if (!shared) {
    shared = acquireGpu();
    // Destroyed before the process exits: GL drivers crash less often tearing down an idle device.
    shared.then((gpu) => globalThis.addEventListener("unload", () => gpu.destroy()));
  }
  return shared;
}

export interface TestRenderOptions {
  clips?: number;
  frames?: number;
  size?: [number, number];
  seed?: number;
  only?: number[];
  // deno-lint-ignore no-explicit-any
  registry?: readonly PluginDefinition<any>[];
  /** How the ground-truth arrays are stored (the scene's gt_format otherwise). */
  gtFormat?: GtFormat;
  /** Forces a quality preset over the scene's (--quality). */
  quality?: Quality;
  /** Extra files to write next to the scene (name → contents). */
  files?: Record<string, string | Uint8Array>;
}

/**
 * Writes `yaml` to a temp folder, renders it, and returns the output folder
 * (and the run summary). Overrides apply only when given.
 */
export async function renderTestScene(
  yaml: string,
  options: TestRenderOptions = {},
): Promise<{ out: string; dir: string; summary: RunSummary }> {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_test_" });
  await Deno.writeTextFile(`${dir}/scene.yaml`, yaml);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    if (typeof content === "string") await Deno.writeTextFile(`${dir}/${name}`, content);
    else await Deno.writeFile(`${dir}/${name}`, content);
  }
  const out = `${dir}/out`;
  const summary = await renderDataset({
    scene: `${dir}/scene.yaml`,
    out,
    overrides: {
      clips: options.clips,
      frames: options.frames,
      seed: options.seed,
      width: options.size?.[0],
      height: options.size?.[1],
      gtFormat: options.gtFormat,
      quality: options.quality,
    },
    only: options.only,
    registry: options.registry,
    gpu: await testGpu(),
    log: () => {},
  });
  return { out, dir, summary };
}

/** Reads a clip's labels.json. */
export async function readLabels(out: string, clip = 0) {
  const dir = `${out}/clip_${String(clip).padStart(5, "0")}`;
  return JSON.parse(await Deno.readTextFile(`${dir}/labels.json`));
}

/** Frames seen by `randomizer/test_probe` (list it in a scene's plugins), oldest first. */
export const probedFrames: RenderedFrame[] = [];

/**
 * A plugin that keeps a copy of every rendered frame in `probedFrames` (the renderer reuses a
 * frame's arrays once the hook returns). Clear `probedFrames` before each render.
 */
export const frameProbe = definePlugin({
  id: "randomizer/test_probe",
  kind: "randomizer",
  description: "keeps rendered frames for the test",
  defaults: {},
  create: () => ({ rendered: (_ctx, frame) => void probedFrames.push(copyFrame(frame)) }),
});
