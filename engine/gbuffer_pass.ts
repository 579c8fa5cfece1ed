/** The one render pass that writes rgb, depth, normals, instance ids and flow. */
import { MeshStore } from "./mesh_store.ts";

export const TARGETS = {
  rgb: "rgba8unorm",
  depth: "r32uint", // float32 metres as raw bits (GL cannot render r32float)
  normals: "rgba16float",
  instance: "r32uint",
  flow: "rg32uint", // float32 pixels as raw bits
} as const satisfies Record<string, GPUTextureFormat>;

export type TargetName = keyof typeof TARGETS;
export const TARGET_NAMES = Object.keys(TARGETS) as TargetName[];

/** One instanced draw of a mesh range. */
export interface Draw {
  firstIndex: number;
  indexCount: number;
  baseVertex: number;
  firstInstance: number;
  instanceCount: number;
}

export class GBufferPass {
  readonly targets: Record<TargetName, GPUTexture>;
  readonly depthBuffer: GPUTexture;
  readonly #views: Record<TargetName, GPUTextureView>;
  readonly #depthView: GPUTextureView;
  readonly #pipeline: GPURenderPipeline;
  readonly frameLayout: GPUBindGroupLayout;
  readonly #textureLayout: GPUBindGroupLayout;
  #textureGroup?: GPUBindGroup;
  #textureView?: GPUTextureView;

  constructor(
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
    readonly module: GPUShaderModule,
  ) {
    const usage = GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC |
      GPUTextureUsage.TEXTURE_BINDING;
    this.targets = Object.fromEntries(
      TARGET_NAMES.map((name) => [
        name,
        device.createTexture({
          label: `GBufferPass.${name}`,
          size: [width, height],
          format: TARGETS[name],
          usage,
        }),
      ]),
    ) as Record<TargetName, GPUTexture>;
    this.depthBuffer = device.createTexture({
      label: "GBufferPass.zbuffer",
      size: [width, height],
      format: "depth32float",
      usage: GPUTextureUsage.RENDER_ATTACHMENT,
    });
    this.#views = Object.fromEntries(
      TARGET_NAMES.map((name) => [name, this.targets[name].createView()]),
    ) as Record<TargetName, GPUTextureView>;
    this.#depthView = this.depthBuffer.createView();
    const both = GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT;
    this.frameLayout = device.createBindGroupLayout({
      label: "GBufferPass.frameLayout",
      entries: [
        { binding: 0, visibility: both, buffer: { type: "uniform" } },
        { binding: 1, visibility: both, buffer: { type: "read-only-storage" } },
      ],
    });
    this.#textureLayout = device.createBindGroupLayout({
      label: "GBufferPass.textureLayout",
      entries: [
        { binding: 0, visibility: GPUShaderStage.FRAGMENT, texture: { viewDimension: "2d-array" } },
        { binding: 1, visibility: GPUShaderStage.FRAGMENT, sampler: {} },
      ],
    });
    this.#pipeline = device.createRenderPipeline({
      label: "GBufferPass.pipeline",
      layout: device.createPipelineLayout({
        bindGroupLayouts: [this.frameLayout, this.#textureLayout],
      }),
      vertex: { module, entryPoint: "vs_main", buffers: [MeshStore.layout] },
      fragment: {
        module,
        entryPoint: "fs_main",
        targets: TARGET_NAMES.map((name) => ({ format: TARGETS[name] })),
      },
      // No culling: open surfaces (planes) must show from both sides.
      primitive: { topology: "triangle-list", cullMode: "none" },
      depthStencil: { format: "depth32float", depthWriteEnabled: true, depthCompare: "less" },
    });
  }

  run(
    encoder: GPUCommandEncoder,
    frameGroup: GPUBindGroup,
    meshes: MeshStore,
    textures: { view: GPUTextureView; sampler: GPUSampler },
    draws: Draw[],
    background: [number, number, number, number],
  ): void {
    if (this.#textureView !== textures.view) {
      this.#textureView = textures.view;
      this.#textureGroup = this.device.createBindGroup({
        label: "GBufferPass.textures",
        layout: this.#textureLayout,
        entries: [
          { binding: 0, resource: textures.view },
          { binding: 1, resource: textures.sampler },
        ],
      });
    }
    const clear: Record<TargetName, GPUColor> = {
      rgb: background,
      depth: [Infinity_BITS, 0, 0, 0],
      normals: [0, 0, 0, 0],
      instance: [0, 0, 0, 0],
      flow: [0, 0, 0, 0],
    };
    const pass = encoder.beginRenderPass({
      label: "GBufferPass",
      colorAttachments: TARGET_NAMES.map((name) => ({
        view: this.#views[name],
        loadOp: "clear",
        storeOp: "store",
        clearValue: clear[name],
      })),
      depthStencilAttachment: {
        view: this.#depthView,
        depthLoadOp: "clear",
        depthStoreOp: "store",
        depthClearValue: 1,
      },
    });
    pass.setPipeline(this.#pipeline);
    pass.setBindGroup(0, frameGroup);
    pass.setBindGroup(1, this.#textureGroup!);
    pass.setVertexBuffer(0, meshes.vertexBuffer);
    pass.setIndexBuffer(meshes.indexBuffer, "uint32");
    for (const d of draws) {
      pass.drawIndexed(d.indexCount, d.instanceCount, d.firstIndex, d.baseVertex, d.firstInstance);
    }
    pass.end();
  }

  destroy(): void {
    for (const t of Object.values(this.targets)) t.destroy();
    this.depthBuffer.destroy();
  }
}

/** Bits of +Infinity as float32: the depth of background pixels. */
const Infinity_BITS = 0x7f800000;
