/**
 * Where a frame's render time goes: the bench scene rendered with one part of
 * the work removed at a time (a pass dropped from the command stream, or a
 * shader cost replaced), variants interleaved over several rounds so machine
 * noise hits them alike; prints the median ms per frame of each.
 *
 *   deno run -A bench/render_profile.ts [--size 256] [--objects 20] [--frames 48] [--rounds 5]
 *     [--variants full,noReadback,...]
 *
 * Variants patch shader text and GPUCommandEncoder in this process only.
 */
import { parseArgs } from "../engine/cli/args.ts";
import { type FrameState, snapshot } from "../engine/scene/frame_state.ts";
import { acquireGpu, describeGpu } from "../engine/gpu/gpu.ts";
import { applyKeyframes } from "../engine/scene/keyframes.ts";
import { Renderer } from "../engine/gpu/renderer.ts";
import { Rng } from "../engine/scene/rng.ts";
import { buildScene, MeshLibrary } from "../engine/config/scene_build.ts";
import { loadScene } from "../engine/config/scene_file.ts";
import { benchScene, benchSceneYaml } from "./scene.ts";

interface Variant {
  /** Pass labels (prefix match) whose passes record nothing. */
  drop?: string[];
  /** Drop copies into MAP_READ buffers (the mapped bytes are then stale, which is fine here). */
  noReadback?: boolean;
  /** Shader text replacements, per file. */
  shader?: Record<string, [string | RegExp, string][]>;
}

const SHADE_CALL = "out.rgb = vec4f(linear_to_srgb(shade(in, front)), 1.0);";
const VARIANTS: Record<string, Variant> = {
  full: {},
  noReadback: { noReadback: true },
  noLabels: { noReadback: true, drop: ["LabelPass"] },
  noLabelsNoShadow: { noReadback: true, drop: ["LabelPass", "ShadowPass"] },
  noShadowPass: { drop: ["ShadowPass"] },
  noShadowSampling: {
    shader: { "gbuffer.wgsl": [["visible = shadow_factor(in.world_pos, n, lr.xyz);", ""]] },
  },
  // one centre tap (weight 2 × 2) instead of the 3×3 bilinear-tap loop
  pcf1: {
    shader: {
      "gbuffer.wgsl": [["for (var y = 0; y < 3; y++)", "for (var y = 1; y < 2; y++)"], [
        "for (var x = 0; x < 3; x++)",
        "for (var x = 1; x < 2; x++)",
      ], ["return lit / 25.0;", "return lit / 4.0;"]],
    },
  },
  unlit: { shader: { "gbuffer.wgsl": [[SHADE_CALL, "out.rgb = vec4f(1.0);"]] } },
  noGBufferDraws: { drop: ["GBufferPass.draws"] },
  emptyFrame: { noReadback: true, drop: ["LabelPass", "ShadowPass", "GBufferPass.draws"] },
};

const args = parseArgs(
  Deno.args,
  {
    size: { type: "integer", description: "square size" },
    objects: { type: "integer", description: "object count" },
    frames: { type: "integer", description: "frames per measurement" },
    rounds: { type: "integer", description: "interleaved rounds" },
    variants: { type: "string", description: "comma-separated variant names" },
    shadows: { type: "boolean", description: "the key light casts shadows" },
    gap: { type: "integer", description: "busy CPU work (ms) between frames, like encode/write" },
  } as const,
);
const size = (args.size as number) ?? 256;
const objects = (args.objects as number) ?? 20;
const frames = (args.frames as number) ?? 48;
const gap = (args.gap as number) ?? 0;
const rounds = (args.rounds as number) ?? 5;
const names = ((args.variants as string) ?? Object.keys(VARIANTS).join(",")).split(",");

const gpu = await acquireGpu();
console.error(describeGpu(gpu));
const dir = await Deno.makeTempDir({ prefix: "synthvid_profile_" });
const file = `${dir}/scene.yaml`;
await Deno.writeTextFile(file, benchSceneYaml(benchScene(objects, size, size, frames), 1));
const config = await loadScene(file, { registry: [] });
const library = await MeshLibrary.load(config);
const built = buildScene(config, library, Rng.forPlugin(config.seed, 0, "scene"));
if (args.shadows) { for (const light of built.scene.lights) light.castShadow = true; }
const states: FrameState[] = [];
for (let t = 0; t <= frames; t++) {
  for (const object of built.scene.objects) {
    const keys = built.motions.get(object.id);
    if (keys) applyKeyframes(object, keys, t);
  }
  states.push(snapshot(built.scene, size, size));
}

const readTextFile = Deno.readTextFile;
const proto = GPUCommandEncoder.prototype;
const saved = {
  beginRenderPass: proto.beginRenderPass,
  beginComputePass: proto.beginComputePass,
  copyTextureToBuffer: proto.copyTextureToBuffer,
  copyBufferToBuffer: proto.copyBufferToBuffer,
};

/** A renderer built while `variant`'s shader edits are in force. */
async function rendererFor(variant: Variant): Promise<Renderer> {
  Deno.readTextFile = (async (path: string | URL) => {
    let text = await readTextFile(path);
    const name = String(path).split("/").pop()!;
    for (const [from, to] of variant.shader?.[name] ?? []) {
      const next = text.replace(from, to);
      if (next === text) throw new Error(`variant edit not found in ${name}: ${from}`);
      text = next;
    }
    return text;
  }) as typeof Deno.readTextFile;
  try {
    return await Renderer.create(gpu, { width: size, height: size });
  } finally {
    Deno.readTextFile = readTextFile;
  }
}

function patch(variant: Variant) {
  const inert = new Proxy({}, { get: () => () => {} }) as never;
  const dropped = (label?: string) => variant.drop?.some((d) => label?.startsWith(d)) ?? false;
  const toHost = (b: GPUBuffer) => variant.noReadback && (b.usage & GPUBufferUsage.MAP_READ) !== 0;
  proto.beginRenderPass = function (this: GPUCommandEncoder, d: GPURenderPassDescriptor) {
    if (dropped(d.label)) return inert;
    const pass = saved.beginRenderPass.call(this, d);
    if (d.label === "GBufferPass" && variant.drop?.includes("GBufferPass.draws")) {
      // keep the clears, drop the draws
      return new Proxy(pass, {
        get: (t, k) => {
          const v = Reflect.get(t, k);
          if (k === "drawIndexed" || k === "draw") return () => {};
          return typeof v === "function" ? v.bind(t) : v;
        },
      });
    }
    return pass;
  };
  proto.beginComputePass = function (this: GPUCommandEncoder, d?: GPUComputePassDescriptor) {
    return dropped(d?.label) ? inert : saved.beginComputePass.call(this, d);
  };
  proto.copyTextureToBuffer = function (this: GPUCommandEncoder, src, dst, extent) {
    if (!toHost(dst.buffer)) saved.copyTextureToBuffer.call(this, src, dst, extent);
  };
  proto.copyBufferToBuffer = function (this: GPUCommandEncoder, ...a: unknown[]) {
    // deno-lint-ignore no-explicit-any
    if (!toHost(a[2] as GPUBuffer)) (saved.copyBufferToBuffer as any).apply(this, a);
  } as typeof proto.copyBufferToBuffer;
}

// Time inside queue.submit: on the GL backend part of the frame's GPU work runs there.
let submitMs = 0;
const submit = GPUQueue.prototype.submit;
GPUQueue.prototype.submit = function (this: GPUQueue, buffers: GPUCommandBuffer[]) {
  const started = performance.now();
  submit.call(this, buffers);
  submitMs += performance.now() - started;
};

/** CPU time of this process so far (all threads, llvmpipe's included), ms. */
function cpuMs(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measure(renderer: Renderer, variant: Variant): Promise<[number, number, number]> {
  patch(variant);
  try {
    const scene = built.scene;
    for (let t = 0; t < 4; t++) {
      await renderer.render(scene, states[t], states[t + 1], {
        clip: 0,
        frame: t,
        maxId: scene.maxId,
      }, () => {});
    }
    await renderer.drain(() => {});
    submitMs = 0;
    const started = performance.now();
    const cpuStarted = cpuMs();
    for (let t = 0; t < frames; t++) {
      await renderer.render(scene, states[t], states[t + 1], {
        clip: 1,
        frame: t,
        maxId: scene.maxId,
      }, () => {});
      for (const until = performance.now() + gap; performance.now() < until;) { /* busy */ }
    }
    await renderer.drain(() => {});
    return [
      (performance.now() - started) / frames,
      submitMs / frames,
      (cpuMs() - cpuStarted) / frames,
    ];
  } finally {
    Object.assign(proto, saved);
  }
}

const renderers = new Map<string, Renderer>();
for (const name of names) {
  if (!VARIANTS[name]) throw new Error(`unknown variant ${name}`);
  renderers.set(name, await rendererFor(VARIANTS[name]));
}
const times = new Map<string, number[]>(names.map((n) => [n, []]));
const submits = new Map<string, number[]>(names.map((n) => [n, []]));
const cpus = new Map<string, number[]>(names.map((n) => [n, []]));
for (let r = 0; r < rounds; r++) {
  for (const name of names) {
    const [ms, submitted, cpu] = await measure(renderers.get(name)!, VARIANTS[name]);
    times.get(name)!.push(ms);
    submits.get(name)!.push(submitted);
    cpus.get(name)!.push(cpu);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${size}² · ${objects} objects · ${frames} frames × ${rounds} rounds · ${gpu.backend}`);
for (const name of names) {
  const ms = median(times.get(name)!);
  console.log(
    `${name.padEnd(18)} wall ${ms.toFixed(2).padStart(6)} ms/frame (${
      (1000 / ms).toFixed(0).padStart(4)
    } fps) · in submit ${median(submits.get(name)!).toFixed(2)} · cpu ${
      median(cpus.get(name)!).toFixed(2)
    } ms/frame (all threads)`,
  );
}
for (const r of renderers.values()) r.destroy();
gpu.check();
await Deno.remove(dir, { recursive: true });
gpu.destroy();
