/**
 * The one render pass that writes rgb, depth, normals, instance ids and flow
 * (objects, then the environment on the far plane where nothing was drawn).
 * With supersampling, rgb alone is drawn again at N× and averaged down into
 * the rgb target; every label target stays the exact 1× render.
 */
import { type Draw, MeshStore } from "./mesh_store.ts";

export type { Draw };

export const TARGETS = {
  rgb: "rgba8unorm",
  depth: "r32uint", // float32 metres as raw bits (GL cannot render r32float)
  normals: "rgba16float",
  instance: "r32uint",
  flow: "rg32uint", // float32 pixels as raw bits
} as const satisfies Record<string, GPUTextureFormat>;

export type TargetName = keyof typeof TARGETS;
export const TARGET_NAMES = Object.keys(TARGETS) as TargetName[];

/**
 * Shading features a frame uses. Each combination is its own pipeline with the
 * unused code compiled out (see the overrides in shaders/gbuffer.wgsl).
 */
export interface ShadingFeatures {
  /** A shadow map is bound for the key light. */
  shadows: boolean;
  /** An environment map lights the scene. */
  environment: boolean;
  /** Some instance samples the texture array. */
  textures: boolean;
  /** Tone mapping curve code (TONE_MAPPING_CODE): compiled in, a per-pixel branch costs. */
  tone: number;
}

/** What the G-buffer pass needs besides geometry: bind group, sky, supersampling, features. */
export interface Lighting {
  group: GPUBindGroup;
  sky: boolean;
  supersample: number;
  features: ShadingFeatures;
}

export class GBufferPass {
  readonly targets: Record<TargetName, GPUTexture>;
  readonly depthBuffer: GPUTexture;
  readonly #views: Record<TargetName, GPUTextureView>;
  readonly #depthView: GPUTextureView;
  readonly #variants = new Map<string, GPURenderPipeline>();
  readonly #targetStates: GPUColorTargetState[];
  readonly frameLayout: GPUBindGroupLayout;
  readonly #textureLayout: GPUBindGroupLayout;
  readonly lightingLayout: GPUBindGroupLayout;
  readonly #skyPipeline: GPURenderPipeline;
  #textureGroup?: GPUBindGroup;
  #textureView?: GPUTextureView;
  #supersample?: Supersample;

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
          usage: name === "instance" || name === "depth"
            ? usage | GPUTextureUsage.STORAGE_BINDING // LabelPass reads them as storage textures
            : usage,
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
        // frame: storage, not uniform (see common.wgsl: lavapipe leaks on inlined uniforms)
        { binding: 0, visibility: both, buffer: { type: "read-only-storage" } },
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
    this.lightingLayout = device.createBindGroupLayout({
      label: "GBufferPass.lightingLayout",
      entries: [
        { binding: 0, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: "depth" } },
        { binding: 1, visibility: GPUShaderStage.FRAGMENT, sampler: { type: "comparison" } },
        { binding: 2, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: "float" } },
        { binding: 3, visibility: GPUShaderStage.FRAGMENT, sampler: { type: "filtering" } },
      ],
    });
    this.#layout = device.createPipelineLayout({
      bindGroupLayouts: [this.frameLayout, this.#textureLayout, this.lightingLayout],
    });
    this.#targetStates = TARGET_NAMES.map((name) => ({ format: TARGETS[name] }));
    this.#skyPipeline = this.#sky("GBufferPass.sky", "fs_sky", this.#targetStates);
  }

  readonly #layout: GPUPipelineLayout;

  /** The object pipeline for `entryPoint` with `features` compiled in (made once, then cached). */
  #objects(entryPoint: "fs_main" | "fs_color", features: ShadingFeatures): GPURenderPipeline {
    const flags = [features.shadows, features.environment, features.textures];
    const key = `${entryPoint}:${flags.map(Number).join("")}:${features.tone}`;
    let pipeline = this.#variants.get(key);
    if (!pipeline) {
      const targets = entryPoint === "fs_main" ? this.#targetStates : [{ format: TARGETS.rgb }];
      pipeline = this.#objectPipeline(`GBufferPass.${key}`, entryPoint, targets, {
        SHADOWS: Number(features.shadows),
        ENVIRONMENT: Number(features.environment),
        TEXTURES: Number(features.textures),
        TONE: features.tone,
      });
      this.#variants.set(key, pipeline);
    }
    return pipeline;
  }

  #objectPipeline(
    label: string,
    entryPoint: string,
    targets: GPUColorTargetState[],
    constants: Record<string, number>,
  ) {
    return this.device.createRenderPipeline({
      label,
      layout: this.#layout,
      vertex: { module: this.module, entryPoint: "vs_main", buffers: MeshStore.layouts },
      fragment: { module: this.module, entryPoint, targets, constants },
      // No culling: open surfaces (planes) must show from both sides.
      primitive: { topology: "triangle-list", cullMode: "none" },
      depthStencil: { format: "depth32float", depthWriteEnabled: true, depthCompare: "less" },
    });
  }

  #sky(label: string, entryPoint: string, targets: GPUColorTargetState[]) {
    return this.device.createRenderPipeline({
      label,
      layout: this.#layout,
      vertex: { module: this.module, entryPoint: "vs_sky" },
      fragment: { module: this.module, entryPoint, targets },
      primitive: { topology: "triangle-list" },
      // on the far plane: passes only where the depth buffer still holds its clear value
      depthStencil: {
        format: "depth32float",
        depthWriteEnabled: false,
        depthCompare: "less-equal",
      },
    });
  }

  run(
    encoder: GPUCommandEncoder,
    frameGroup: GPUBindGroup,
    meshes: MeshStore,
    textures: { view: GPUTextureView; sampler: GPUSampler },
    draws: Draw[],
    background: [number, number, number, number],
    lighting: Lighting,
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
    const objects = this.#objects("fs_main", lighting.features);
    this.#draw(pass, objects, this.#skyPipeline, frameGroup, meshes, draws, lighting);
    pass.end();
    if (lighting.supersample > 1) {
      const color = this.#objects("fs_color", lighting.features);
      const ss = this.#supersampled(lighting.supersample);
      ss.run(encoder, background, (p) => {
        this.#draw(p, color, ss.sky, frameGroup, meshes, draws, lighting);
      });
    }
  }

  #draw(
    pass: GPURenderPassEncoder,
    objects: GPURenderPipeline,
    sky: GPURenderPipeline,
    frameGroup: GPUBindGroup,
    meshes: MeshStore,
    draws: Draw[],
    lighting: { group: GPUBindGroup; sky: boolean },
  ) {
    pass.setPipeline(objects);
    pass.setBindGroup(0, frameGroup);
    pass.setBindGroup(1, this.#textureGroup!);
    pass.setBindGroup(2, lighting.group);
    meshes.drawAll(pass, draws);
    if (lighting.sky) {
      pass.setPipeline(sky);
      pass.draw(3);
    }
  }

  #supersampled(factor: number): Supersample {
    if (this.#supersample?.factor !== factor) {
      this.#supersample?.destroy();
      this.#supersample = new Supersample(
        this.device,
        factor,
        this.width,
        this.height,
        this.#views.rgb,
        this.#sky("GBufferPass.skySS", "fs_sky_color", [{ format: TARGETS.rgb }]),
        this.downsampleModule,
      );
    }
    return this.#supersample;
  }

  /** Set by the renderer: shaders/downsample.wgsl. */
  downsampleModule?: GPUShaderModule;

  destroy(): void {
    for (const t of Object.values(this.targets)) t.destroy();
    this.depthBuffer.destroy();
    this.#supersample?.destroy();
  }
}

/** RGB at factor× size, then averaged (in linear light) into the 1× rgb target. */
class Supersample {
  readonly #color: GPUTexture;
  readonly #depth: GPUTexture;
  // made once: a view per frame is a GPU object per frame
  readonly #colorView: GPUTextureView;
  readonly #depthView: GPUTextureView;
  readonly #params: GPUBuffer;
  readonly #down: GPURenderPipeline;
  readonly #group: GPUBindGroup;

  constructor(
    readonly device: GPUDevice,
    readonly factor: number,
    width: number,
    height: number,
    private readonly target: GPUTextureView,
    readonly sky: GPURenderPipeline,
    module: GPUShaderModule | undefined,
  ) {
    if (!module) throw new Error("Supersampling needs the downsample shader");
    const size = [width * factor, height * factor];
    this.#color = device.createTexture({
      label: "Supersample.color",
      size,
      format: TARGETS.rgb,
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.TEXTURE_BINDING,
    });
    this.#depth = device.createTexture({
      label: "Supersample.depth",
      size,
      format: "depth32float",
      usage: GPUTextureUsage.RENDER_ATTACHMENT,
    });
    this.#colorView = this.#color.createView();
    this.#depthView = this.#depth.createView();
    this.#params = device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(this.#params, 0, new Uint32Array([factor, 0, 0, 0]));
    this.#down = device.createRenderPipeline({
      label: "Supersample.down",
      layout: "auto",
      vertex: { module, entryPoint: "vs_full" },
      fragment: { module, entryPoint: "fs_down", targets: [{ format: TARGETS.rgb }] },
      primitive: { topology: "triangle-list" },
    });
    this.#group = device.createBindGroup({
      layout: this.#down.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: this.#colorView },
        { binding: 1, resource: { buffer: this.#params } },
      ],
    });
  }

  run(
    encoder: GPUCommandEncoder,
    background: GPUColor,
    draw: (pass: GPURenderPassEncoder) => void,
  ): void {
    const pass = encoder.beginRenderPass({
      label: "Supersample.color",
      colorAttachments: [{
        view: this.#colorView,
        loadOp: "clear",
        storeOp: "store",
        clearValue: background,
      }],
      depthStencilAttachment: {
        view: this.#depthView,
        depthLoadOp: "clear",
        depthStoreOp: "store",
        depthClearValue: 1,
      },
    });
    draw(pass);
    pass.end();
    const down = encoder.beginRenderPass({
      label: "Supersample.down",
      colorAttachments: [{ view: this.target, loadOp: "load", storeOp: "store" }],
    });
    down.setPipeline(this.#down);
    down.setBindGroup(0, this.#group);
    down.draw(3);
    down.end();
  }

  destroy(): void {
    this.#color.destroy();
    this.#depth.destroy();
    this.#params.destroy();
  }
}

/** Bits of +Infinity as float32: the depth of background pixels. */
const Infinity_BITS = 0x7f800000;
