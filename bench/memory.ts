/**
 * Memory over a long run: renders many tiny clips through renderDataset (the
 * real runner, writer and renderer, one GPU device) and samples resident
 * memory after every clip. The claim checked: RSS at the end is at most 10 %
 * above RSS after the first 50 clips.
 */
import type { Gpu } from "../engine/gpu/gpu.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { benchScene, benchSceneYaml } from "./scene.ts";

export interface MemoryResult {
  clips: number;
  size: number;
  frames: number;
  baselineClip: number;
  baselineRss: number;
  finalRss: number;
  peakRss: number;
  growthPercent: number;
  /** RSS in bytes after every `every`-th clip. */
  samples: number[];
  every: number;
  seconds: number;
}

export async function memoryRun(
  gpu: Gpu,
  dir: string,
  clips: number,
  log: (line: string) => void,
  options: { size?: number; frames?: number; baselineClip?: number } = {},
): Promise<MemoryResult> {
  const size = options.size ?? 32;
  const frames = options.frames ?? 4;
  const baselineClip = Math.min(options.baselineClip ?? 50, clips);
  const file = `${dir}/memory.yaml`;
  await Deno.writeTextFile(file, benchSceneYaml(benchScene(5, size, size, frames), clips));
  const out = `${dir}/memory_out`;
  const every = Math.max(1, Math.floor(clips / 100));
  const samples: number[] = [];
  let baselineRss = 0;
  let peakRss = 0;
  const started = performance.now();
  const summary = await renderDataset({
    scene: file,
    out,
    gpu,
    registry: [],
    log: () => {},
    onClip(done) {
      const rss = Deno.memoryUsage().rss;
      if (done === baselineClip) baselineRss = rss;
      if (done >= baselineClip) peakRss = Math.max(peakRss, rss);
      if (done % every === 0) samples.push(rss);
      if (done % 100 === 0) {
        log(`  memory: ${done}/${clips} clips · RSS ${(rss / 2 ** 20).toFixed(0)} MiB`);
      }
    },
  });
  const finalRss = Deno.memoryUsage().rss;
  await Deno.remove(out, { recursive: true }).catch(() => {});
  if (summary.failed > 0) throw new Error(`memory run: ${summary.failed} clips failed`);
  return {
    clips,
    size,
    frames,
    baselineClip,
    baselineRss,
    finalRss,
    peakRss,
    growthPercent: (finalRss / baselineRss - 1) * 100,
    samples,
    every,
    seconds: (performance.now() - started) / 1000,
  };
}
