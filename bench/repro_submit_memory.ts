/**
 * Repro (no engine code): Deno's WebGPU keeps the native memory of every
 * submitted command encoder/buffer until V8 collects the JS wrappers, and only
 * a major GC does. A loop of empty submits grows RSS by ~3 KB per submit;
 * with a forced GC every 500 submits it stays flat after warm-up.
 *
 *   deno run -A bench/repro_submit_memory.ts [SUBMITS]
 *   deno run -A --v8-flags=--expose-gc bench/repro_submit_memory.ts [SUBMITS] --gc
 *
 * Measured (Deno 2.9.6, 8000 submits, a wait every 100): llvmpipe GL 105 -> 128 MiB
 * without GC, 105 -> 112 MiB with it; lavapipe Vulkan 126 MiB vs 110 MiB at the end.
 * In a render run the first major GC comes only after ~400 bench clips, so this
 * memory (with old-space garbage) piles up until then: most of the growth the
 * memory bench still reports.
 */
const submits = Number(Deno.args[0] ?? 8000);
const forceGc = Deno.args.includes("--gc");
const gc = (globalThis as { gc?: () => void }).gc;
if (forceGc && !gc) throw new Error("--gc needs --v8-flags=--expose-gc");

const adapter = await navigator.gpu.requestAdapter();
if (!adapter) throw new Error("no WebGPU adapter");
const device = await adapter.requestDevice();
const mib = () => (Deno.memoryUsage().rss / 2 ** 20).toFixed(1);
for (let i = 0; i < submits; i++) {
  device.queue.submit([device.createCommandEncoder().finish()]);
  if (i % 100 === 99) await device.queue.onSubmittedWorkDone();
  if (forceGc && i % 500 === 0) gc!();
  if (i % 2000 === 0) console.log(`${i} submits: RSS ${mib()} MiB`);
}
await device.queue.onSubmittedWorkDone();
console.log(`${submits} submits: RSS ${mib()} MiB${forceGc ? " (gc every 500)" : ""}`);
device.destroy();
