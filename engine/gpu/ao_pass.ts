/**
 * Screen-space ambient occlusion (shaders/ao.wgsl) from the exact 1× depth and
 * normal targets, recorded after the label pass and before the colour pass that
 * reads it. RGB only: occlusion dims ambient and environment light, never a label.
 */

import type { AoSettings } from "../scene/render_settings.ts";

export type { AoSettings };

export class AoPass {
  readonly #raw: GPUTexture;
  readonly #result: GPUTexture;
  readonly #rawView: GPUTextureView;
  /** The blurred occlusion (r8unorm, 1 = unoccluded) the colour pass samples. */
  readonly view: GPUTextureView;
  readonly #params: GPUBuffer;
  readonly #occlusion: GPURenderPipeline;
  readonly #blur: GPURenderPipeline;
  readonly #occlusionGroup: GPUBindGroup;
  readonly #blurGroup: GPUBindGroup;
  readonly #written = new Float32Array(4);

  constructor(
    private readonly device: GPUDevice,
    module: GPUShaderModule,
    frameLayout: GPUBindGroupLayout,
    width: number,
    height: number,
    depth: GPUTexture,
    normals: GPUTexture,
  ) {
    const make = (label: string, format: GPUTextureFormat) =>
      device.createTexture({
        label,
        size: [width, height],
        format,
        usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.TEXTURE_BINDING,
      });
    // visible and whole arcs, summed over slices (see ao.wgsl)
    this.#raw = make("AoPass.raw", "rg16float");
    this.#result = make("AoPass.result", "r8unorm");
    this.#rawView = this.#raw.createView();
    this.view = this.#result.createView();
    this.#params = device.createBuffer({
      label: "AoPass.params",
      size: 16,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    const fragment = GPUShaderStage.FRAGMENT;
    const inputs: GPUBindGroupLayoutEntry[] = [
      { binding: 0, visibility: fragment, texture: { sampleType: "uint" } },
      { binding: 1, visibility: fragment, texture: { sampleType: "unfilterable-float" } },
      { binding: 2, visibility: fragment, buffer: { type: "read-only-storage" } },
    ];
    const occlusionLayout = device.createBindGroupLayout({
      label: "AoPass.occlusionLayout",
      entries: inputs,
    });
    const blurLayout = device.createBindGroupLayout({
      label: "AoPass.blurLayout",
      entries: [
        ...inputs,
        { binding: 3, visibility: fragment, texture: { sampleType: "unfilterable-float" } },
      ],
    });
    const pipeline = (entryPoint: string, layout: GPUBindGroupLayout, format: GPUTextureFormat) =>
      device.createRenderPipeline({
        label: `AoPass.${entryPoint}`,
        layout: device.createPipelineLayout({ bindGroupLayouts: [frameLayout, layout] }),
        vertex: { module, entryPoint: "vs_full" },
        fragment: { module, entryPoint, targets: [{ format }] },
        primitive: { topology: "triangle-list" },
      });
    this.#occlusion = pipeline("fs_occlusion", occlusionLayout, "rg16float");
    this.#blur = pipeline("fs_blur", blurLayout, "r8unorm");
    const shared = [
      { binding: 0, resource: depth.createView() },
      { binding: 1, resource: normals.createView() },
      { binding: 2, resource: { buffer: this.#params } },
    ];
    this.#occlusionGroup = device.createBindGroup({
      label: "AoPass.occlusion",
      layout: occlusionLayout,
      entries: shared,
    });
    this.#blurGroup = device.createBindGroup({
      label: "AoPass.blur",
      layout: blurLayout,
      entries: [...shared, { binding: 3, resource: this.#rawView }],
    });
  }

  run(encoder: GPUCommandEncoder, frameGroup: GPUBindGroup, settings: AoSettings): void {
    this.#write(settings);
    const step = (target: GPUTextureView, pipeline: GPURenderPipeline, group: GPUBindGroup) => {
      const pass = encoder.beginRenderPass({
        label: pipeline.label,
        colorAttachments: [{ view: target, loadOp: "clear", storeOp: "store" }],
      });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, frameGroup);
      pass.setBindGroup(1, group);
      pass.draw(3);
      pass.end();
    };
    step(this.#rawView, this.#occlusion, this.#occlusionGroup);
    step(this.view, this.#blur, this.#blurGroup);
  }

  /** Uploads the settings when they change (a write per frame would be a copy per frame). */
  #write(s: AoSettings): void {
    const w = this.#written;
    if (w[0] === s.radius && w[1] === s.strength && w[2] === s.slices && w[3] === s.steps) return;
    w.set([s.radius, s.strength, s.slices, s.steps]);
    const bytes = new ArrayBuffer(16);
    new Float32Array(bytes, 0, 2).set([s.radius, s.strength]);
    new Uint32Array(bytes, 8, 2).set([s.slices, s.steps]);
    this.device.queue.writeBuffer(this.#params, 0, bytes);
  }

  destroy(): void {
    this.#raw.destroy();
    this.#result.destroy();
    this.#params.destroy();
  }
}
