/**
 * The one render pass that writes rgb, depth, normals, instance ids and flow
 * (objects, then the environment on the far plane where nothing was drawn).
 * With supersampling or ambient occlusion, that pass writes the labels only and
 * rgb is drawn by a colour pass of its own: at N× and averaged down into the rgb
 * target, or at 1× over the label pass's depth buffer (only the visible surface
 * is shaded), after the occlusion was traced from the label targets. Every label
 * target stays the exact 1× render.
 */
import { type Draw, MeshStore } from "./mesh_store.ts";
import { AoPass, type AoSettings } from "./ao_pass.ts";
import { CameraEffectsPass, type EffectsFrame } from "./camera_effects_pass.ts";
import type { CameraEffects } from "../scene/render_settings.ts";

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
  /** Ambient and environment light are dimmed by the traced occlusion. */
  ao: boolean;
  /** Samples of the soft (PCSS) shadow filter; 0 = the fixed filter. */
  softShadows: number;
  /** Some instance has a normal, metallic-roughness, occlusion or emissive map, or emits. */
  maps?: boolean;
}

/** What the G-buffer pass needs besides geometry: bind group, sky, supersampling, features. */
export interface Lighting {
  group: GPUBindGroup;
  sky: boolean;
  supersample: number;
  features: ShadingFeatures;
  /** How occlusion is traced when features.ao is on. */
  ao?: AoSettings;
  /** Camera and sensor effects applied to the finished rgb, with the frame they are for. */
  camera?: { effects: CameraEffects; at: EffectsFrame };
}

/** Shader modules of the pass: the G-buffer itself, the supersample filter, the occlusion. */
export interface GBufferModules {
  gbuffer: GPUShaderModule;
  downsample: GPUShaderModule;
  ao: GPUShaderModule;
  cameraEffects: GPUShaderModule;
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
  #dataView?: GPUTextureView;
  #supersample?: Supersample;
  readonly #skyColor: GPURenderPipeline;
  readonly module: GPUShaderModule;
  /** Occlusion traced from this pass's depth and normals; the lighting group binds its view. */
  readonly ao: AoPass;
  readonly #camera: CameraEffectsPass;

  constructor(
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
    private readonly modules: GBufferModules,
  ) {
    this.module = modules.gbuffer;
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
        { binding: 2, visibility: GPUShaderStage.FRAGMENT, texture: { viewDimension: "2d-array" } },
      ],
    });
    this.lightingLayout = device.createBindGroupLayout({
      label: "GBufferPass.lightingLayout",
      entries: [
        { binding: 0, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: "depth" } },
        { binding: 1, visibility: GPUShaderStage.FRAGMENT, sampler: { type: "comparison" } },
        { binding: 2, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: "float" } },
        { binding: 3, visibility: GPUShaderStage.FRAGMENT, sampler: { type: "filtering" } },
        {
          binding: 4,
          visibility: GPUShaderStage.FRAGMENT,
          texture: { sampleType: "unfilterable-float" },
        },
        { binding: 5, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: "float" } },
        { binding: 6, visibility: GPUShaderStage.FRAGMENT, sampler: { type: "filtering" } },
        {
          binding: 7,
          visibility: GPUShaderStage.FRAGMENT,
          texture: { sampleType: "unfilterable-float" },
        },
      ],
    });
    this.#layout = device.createPipelineLayout({
      bindGroupLayouts: [this.frameLayout, this.#textureLayout, this.lightingLayout],
    });
    this.#targetStates = TARGET_NAMES.map((name) => ({ format: TARGETS[name] }));
    this.#skyPipeline = this.#sky("GBufferPass.sky", "fs_sky", this.#targetStates);
    this.#skyColor = this.#sky("GBufferPass.skyColor", "fs_sky_color", [
      { format: TARGETS.rgb },
    ]);
    this.ao = new AoPass(
      device,
      modules.ao,
      this.frameLayout,
      width,
      height,
      this.targets.depth,
      this.targets.normals,
    );
    this.#camera = new CameraEffectsPass(
      device,
      modules.cameraEffects,
      this.frameLayout,
      this.targets.rgb,
      this.targets.depth,
      this.targets.flow,
    );
  }

  readonly #layout: GPUPipelineLayout;

  /**
   * The object pipeline with `features` compiled in (made once, then cached) for one of:
   * `labels` (fs_main: every target, rgb shaded), `labelsOnly` (fs_main with rgb left black
   * for a colour pass to fill), `color` (fs_color into its own depth buffer) or `colorOver`
   * (fs_color over the label pass's depth buffer, shading only the fragment that won there).
   */
  #objects(
    kind: "labels" | "labelsOnly" | "color" | "colorOver",
    features: ShadingFeatures,
    cullBack = false,
  ): GPURenderPipeline {
    const flags = [
      features.shadows,
      features.environment,
      features.textures,
      features.ao,
      features.maps ?? false,
      cullBack,
    ];
    const key = `${kind}:${flags.map(Number).join("")}:${features.tone}:${features.softShadows}`;
    let pipeline = this.#variants.get(key);
    if (!pipeline) {
      const labels = kind === "labels" || kind === "labelsOnly";
      pipeline = this.#objectPipeline(
        `GBufferPass.${key}`,
        labels ? "fs_main" : "fs_color",
        labels ? this.#targetStates : [{ format: TARGETS.rgb }],
        {
          SHADOWS: Number(features.shadows),
          ENVIRONMENT: Number(features.environment),
          TEXTURES: Number(features.textures),
          TONE: features.tone,
          AO: Number(features.ao),
          SOFT_SHADOW_SAMPLES: features.softShadows,
          MATERIAL_MAPS: Number(features.maps ?? false),
          SHADE: Number(kind !== "labelsOnly"),
        },
        kind === "colorOver"
          ? { format: "depth32float", depthWriteEnabled: false, depthCompare: "equal" }
          : { format: "depth32float", depthWriteEnabled: true, depthCompare: "less" },
        cullBack ? "back" : "none",
      );
      this.#variants.set(key, pipeline);
    }
    return pipeline;
  }

  #objectPipeline(
    label: string,
    entryPoint: string,
    targets: GPUColorTargetState[],
    constants: Record<string, number>,
    depthStencil: GPUDepthStencilState,
    cullMode: GPUCullMode,
  ) {
    return this.device.createRenderPipeline({
      label,
      layout: this.#layout,
      vertex: { module: this.module, entryPoint: "vs_main", buffers: MeshStore.layouts },
      fragment: { module: this.module, entryPoint, targets, constants },
      // Open surfaces (planes) must show from both sides: only draws marked cullBack skip back
      // faces (software rasterizers pay per triangle set up, drawn or hidden).
      primitive: { topology: "triangle-list", cullMode },
      depthStencil,
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
    textures: { view: GPUTextureView; dataView: GPUTextureView; sampler: GPUSampler },
    draws: Draw[],
    background: [number, number, number, number],
    lighting: Lighting,
  ): void {
    if (this.#textureView !== textures.view || this.#dataView !== textures.dataView) {
      this.#textureView = textures.view;
      this.#dataView = textures.dataView;
      this.#textureGroup = this.device.createBindGroup({
        label: "GBufferPass.textures",
        layout: this.#textureLayout,
        entries: [
          { binding: 0, resource: textures.view },
          { binding: 1, resource: textures.sampler },
          { binding: 2, resource: textures.dataView },
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
    const features = lighting.features;
    const colorPass = lighting.supersample > 1 || features.ao;
    // the sky adds rgb only: with a colour pass to follow, the label pass leaves it out
    const labelLighting = colorPass ? { ...lighting, sky: false } : lighting;
    const objects = (cull: boolean) =>
      this.#objects(colorPass ? "labelsOnly" : "labels", features, cull);
    this.#draw(pass, objects, this.#skyPipeline, frameGroup, meshes, draws, labelLighting);
    pass.end();
    if (features.ao) {
      if (!lighting.ao) throw new Error("Ambient occlusion is on but has no settings");
      this.ao.run(encoder, frameGroup, lighting.ao);
    }
    if (lighting.supersample > 1) {
      const color = (cull: boolean) => this.#objects("color", features, cull);
      const ss = this.#supersampled(lighting.supersample);
      ss.run(encoder, background, (p) => {
        this.#draw(p, color, ss.sky, frameGroup, meshes, draws, lighting);
      });
    } else if (colorPass) {
      const over = encoder.beginRenderPass({
        label: "GBufferPass.color",
        colorAttachments: [{
          view: this.#views.rgb,
          loadOp: "clear",
          storeOp: "store",
          clearValue: background,
        }],
        depthStencilAttachment: {
          view: this.#depthView,
          depthLoadOp: "load",
          depthStoreOp: "store",
        },
      });
      const color = (cull: boolean) => this.#objects("colorOver", features, cull);
      this.#draw(over, color, this.#skyColor, frameGroup, meshes, draws, lighting);
      over.end();
    }
    if (lighting.camera && CameraEffectsPass.active(lighting.camera.effects)) {
      this.#camera.run(encoder, frameGroup, lighting.camera.effects, lighting.camera.at);
    }
  }

  /** Draws `draws` in order, each with the object pipeline for its culling, then the sky. */
  #draw(
    pass: GPURenderPassEncoder,
    objects: (cullBack: boolean) => GPURenderPipeline,
    sky: GPURenderPipeline,
    frameGroup: GPUBindGroup,
    meshes: MeshStore,
    draws: Draw[],
    lighting: { group: GPUBindGroup; sky: boolean },
  ) {
    pass.setBindGroup(0, frameGroup);
    pass.setBindGroup(1, this.#textureGroup!);
    pass.setBindGroup(2, lighting.group);
    for (let start = 0; start < draws.length;) {
      const cull = draws[start].cullBack ?? false;
      let end = start + 1;
      while (end < draws.length && (draws[end].cullBack ?? false) === cull) end++;
      pass.setPipeline(objects(cull));
      meshes.drawAll(pass, draws.slice(start, end));
      start = end;
    }
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
        this.modules.downsample,
      );
    }
    return this.#supersample;
  }

  destroy(): void {
    for (const t of Object.values(this.targets)) t.destroy();
    this.depthBuffer.destroy();
    this.#supersample?.destroy();
    this.ao.destroy();
    this.#camera.destroy();
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
    module: GPUShaderModule,
  ) {
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
