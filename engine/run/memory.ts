/** Keeping resident memory flat over long runs. */
/** The V8 settings `deno task render` runs with (deno.json); see collectGarbageNow. */
export const V8_FLAGS = "--v8-flags=--expose-gc,--max-semi-space-size=4";

/**
 * A full garbage collection every 10 clips. Deno's WebGPU objects (each submitted command
 * buffer among them) hold native memory that V8 does not count, so V8 may wait hundreds of clips
 * before a full collection releases it, and resident memory climbs meanwhile. `gc` exists only
 * under `--v8-flags=--expose-gc`, which the render and bench tasks pass; elsewhere this is a no-op.
 * Those tasks also cap V8's young generation (`--max-semi-space-size=4`, MB): left alone it
 * doubles a few hundred clips into a run, a step of ~10 MB resident that is never given back.
 * Measured over 1000 clips (bench --memory): +24 % RSS without either, under +4 % with both.
 */
export function collectGarbageNow(clipsDone: number): void {
  if (clipsDone % 10 === 0) (globalThis as { gc?: () => void }).gc?.();
}

/**
 * glibc malloc settings for the renderer's process (`GLIBC_TUNABLES`): keep 64 MB spare at the
 * top of each heap instead of giving freed memory back to the system at once. The software
 * rasterizer allocates and frees its triangle bins every frame (~6 MB at 2000 cubes); returned
 * and faulted in again, those pages cost more than the rendering (lavapipe, 2000 cubes at 256²:
 * 43 → 25 ms a frame; 20 cubes unchanged). A tunable the user already set is kept.
 */
export function mallocTunables(current = ""): string {
  const ours = "glibc.malloc.top_pad=67108864";
  if (current.includes("glibc.malloc.top_pad")) return current;
  return current ? `${current}:${ours}` : ours;
}
