/**
 * Repro (no engine code, our G-buffer shader text only): on lavapipe (Mesa
 * 22.3, Debian 12) a pipeline whose shader branches on uniform-buffer values
 * leaks a JIT-compiled shader on every bind. lavapipe inlines those values,
 * compiles a new variant in update_inline_shader_state (lvp_execute.c) and
 * never frees it. The same data in a read-only storage buffer is not inlined.
 *
 *   DENO_WEBGPU_BACKEND=vulkan deno run -A bench/repro_lavapipe_uniform.ts uniform|storage [FRAMES]
 *
 * Measured (32², one triangle, one draw per frame, 300 frames): uniform
 * 192 -> 509 MiB (+1.3 MB per frame), storage 133 -> 136 MiB; GL (llvmpipe)
 * flat either way. engine/: the frame, downsample and texture-generator
 * parameters are storage buffers for this reason.
 */
const space = Deno.args[0] ?? "uniform";
const frames = Number(Deno.args[1] ?? 300);
if (space !== "uniform" && space !== "storage") throw new Error("uniform or storage");

const read = (name: string) => Deno.readTextFile(new URL(`../shaders/${name}`, import.meta.url));
const code = `${await read("common.wgsl")}\n${await read("gbuffer.wgsl")}`.replace(
  /var<storage, read> frame: Frame;/,
  space === "uniform" ? "var<uniform> frame: Frame;" : "var<storage, read> frame: Frame;",
);
const adapter = await navigator.gpu.requestAdapter();
if (!adapter) throw new Error("no WebGPU adapter");
const device = await adapter.requestDevice({
  requiredLimits: {
    maxColorAttachmentBytesPerSample: adapter.limits.maxColorAttachmentBytesPerSample,
  },
});
const module = device.createShaderModule({ code });
const targets = ["rgba8unorm", "r32uint", "rgba16float", "r32uint", "rg32uint"] as const;
const pipeline = device.createRenderPipeline({
  layout: "auto",
  vertex: {
    module,
    entryPoint: "vs_main",
    buffers: [{
      arrayStride: 32,
      attributes: [
        { shaderLocation: 0, offset: 0, format: "float32x3" },
        { shaderLocation: 1, offset: 12, format: "float32x3" },
        { shaderLocation: 2, offset: 24, format: "float32x2" },
      ],
    }],
  },
  fragment: { module, entryPoint: "fs_main", targets: targets.map((format) => ({ format })) },
  depthStencil: { format: "depth32float", depthWriteEnabled: true, depthCompare: "less" },
});
const buffer = (size: number, usage: number, data?: ArrayBufferView) => {
  const b = device.createBuffer({ size, usage: usage | GPUBufferUsage.COPY_DST });
  if (data) device.queue.writeBuffer(b, 0, data as unknown as BufferSource);
  return b;
};
// Frame: identity view/projection, one directional shadow-casting light, no environment.
const frameData = new Float32Array(300);
for (const m of [0, 16, 32, 48, 240]) for (let i = 0; i < 4; i++) frameData[m + i * 5] = 1;
new Uint32Array(frameData.buffer)[76] = 1; // light_count
new Uint32Array(frameData.buffer)[81] = 1; // cast_shadow
frameData.set([0, 0, -1, 0], 88); // direction
frameData.set([3, 3, 3, 0], 92); // color
frameData.set([1, 0, 1 / 1024, 0.01], 256); // shadow on, light 0
const instance = new Float32Array(60);
for (const m of [0, 16, 32]) for (let i = 0; i < 4; i++) instance[m + i * 5] = 1;
instance.set([0.8, 0.4, 0.2, 1, 0.5, 0, -1, 0], 48);
new Uint32Array(instance.buffer)[56] = 1;
const frameUsage = space === "uniform" ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE;
const texture = (format: GPUTextureFormat, usage: number, layers = 1) =>
  device.createTexture({ size: [32, 32, layers], format, usage });
const sampled = GPUTextureUsage.TEXTURE_BINDING;
const group = (index: number, resources: GPUBindingResource[]) =>
  device.createBindGroup({
    layout: pipeline.getBindGroupLayout(index),
    entries: resources.map((resource, binding) => ({ binding, resource })),
  });
const groups = [
  group(0, [
    { buffer: buffer(1200, frameUsage, frameData) },
    { buffer: buffer(240, GPUBufferUsage.STORAGE, instance) },
  ]),
  group(1, [
    texture("rgba8unorm-srgb", sampled, 2).createView({ dimension: "2d-array" }),
    device.createSampler(),
  ]),
  group(2, [
    texture("depth32float", sampled).createView(),
    device.createSampler({ compare: "less-equal" }),
    texture("rgba16float", sampled).createView(),
    device.createSampler(),
  ]),
];
const vertices = buffer(
  96,
  GPUBufferUsage.VERTEX,
  new Float32Array([
    ...[-1, -1, 0.5, 0, 0, 1, 0, 0],
    ...[1, -1, 0.5, 0, 0, 1, 1, 0],
    ...[0, 1, 0.5, 0, 0, 1, 0, 1],
  ]),
);
const attachment = GPUTextureUsage.RENDER_ATTACHMENT;
const views = targets.map((format) => texture(format, attachment).createView());
const depth = texture("depth32float", attachment).createView();

const mib = () => (Deno.memoryUsage().rss / 2 ** 20).toFixed(1);
let start = "";
for (let f = 0; f < frames; f++) {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginRenderPass({
    colorAttachments: views.map((view) => ({ view, loadOp: "clear", storeOp: "store" })),
    depthStencilAttachment: {
      view: depth,
      depthLoadOp: "clear",
      depthStoreOp: "store",
      depthClearValue: 1,
    },
  });
  pass.setPipeline(pipeline);
  groups.forEach((g, i) => pass.setBindGroup(i, g));
  pass.setVertexBuffer(0, vertices);
  pass.draw(3);
  pass.end();
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
  if (f === 50) start = mib();
}
console.log(`${space}: RSS ${start} MiB at frame 50 -> ${mib()} MiB at frame ${frames}`);
device.destroy();
