/**
 * Turns the id and depth targets into per-instance labels on the GPU:
 * visible pixel count, tight 2D box, min/max depth, and unoccluded area.
 */
import type { Draw } from "./gbuffer_pass.ts";
import { MeshStore } from "./mesh_store.ts";

/** u32 fields per instance in the labels buffer (see shaders/labels.wgsl). */
export const LABEL_WORDS = 8;

export interface InstanceLabel {
  id: number;
  /** Visible pixels. */
  pixels: number;
  /** Pixels the instance would cover if nothing occluded it (inside the frame). */
  unoccluded: number;
  /** [x0, y0, x1, y1] in pixel-edge coordinates (x1, y1 exclusive); null when not visible. */
  bbox: [number, number, number, number] | null;
  /** [min, max] metric depth over visible pixels; null when not visible. */
  depth: [number, number] | null;
}

/** Draws grouped by how their unoccluded area can be counted. */
export interface CoverageDraws {
  convex: Draw[];
  flat: Draw[];
  /**
   * Non-convex meshes: each rendered as if alone. `rect` ([x0, y0, x1, y1], pixels, a bound
   * of everything it can cover) lets objects far apart on screen share one pass; without it the
   * object has a pass of its own.
   */
  isolated: IsolatedDraws[];
}

export interface IsolatedDraws {
  id: number;
  draws: Draw[];
  rect?: readonly [number, number, number, number];
}
/**
 * Pixels of a row one fragment of the full-screen passes scans (`segment` in labels.wgsl).
 * 8 measured best on llvmpipe/lavapipe at 256² (16 and 32 close, 64+ slower).
 */
const SEGMENT = 8;

export class LabelPass {
  buffer: GPUBuffer;
  capacity = 0;
  readonly #reducePipeline: GPURenderPipeline;
  readonly #countPipeline: GPURenderPipeline;
  readonly #convexPipeline: GPURenderPipeline;
  readonly #flatPipeline: GPURenderPipeline;
  readonly #idPipeline: GPURenderPipeline;
  readonly #reduceLayout: GPUBindGroupLayout;
  readonly #counterLayout: GPUBindGroupLayout;
  #reduceGroup!: GPUBindGroup;
  #counterGroup!: GPUBindGroup;
  readonly #scratchId: GPUTexture;
  readonly #scratchDepth: GPUTexture;
  readonly #countDepth: GPUTexture;
  readonly #views: {
    scratchId: GPUTextureView;
    scratchDepth: GPUTextureView;
    countDepth: GPUTextureView;
  };

  constructor(
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
    labelsModule: GPUShaderModule,
    amodalModule: GPUShaderModule,
    frameLayout: GPUBindGroupLayout,
    private readonly idTarget: GPUTexture,
    private readonly depthTarget: GPUTexture,
  ) {
    const fragment = GPUShaderStage.FRAGMENT;
    const idTexture = { access: "read-only", format: "r32uint" } as const;
    this.#reduceLayout = device.createBindGroupLayout({
      label: "LabelPass.reduceLayout",
      entries: [
        // read-only storage textures, not sampled ones: llvmpipe loads them in about half
        // the time (the reduce draw 0.8 → 0.5 ms CPU at 256²)
        { binding: 0, visibility: fragment, storageTexture: idTexture },
        { binding: 1, visibility: fragment, storageTexture: idTexture },
        { binding: 2, visibility: fragment, buffer: { type: "storage" } },
      ],
    });
    const reduceLayout = device.createPipelineLayout({ bindGroupLayouts: [this.#reduceLayout] });
    // One fragment per row segment (a triangle over a ceil(width / SEGMENT) × height viewport),
    // nothing written but the labels buffer.
    const fullScreen = (label: string, entryPoint: string) =>
      device.createRenderPipeline({
        label,
        layout: reduceLayout,
        vertex: { module: labelsModule, entryPoint: "vs_full" },
        fragment: {
          module: labelsModule,
          entryPoint,
          targets: [],
          constants: { segment: SEGMENT },
        },
        primitive: { topology: "triangle-list" },
        depthStencil: { format: "depth32float", depthWriteEnabled: false, depthCompare: "always" },
      });
    this.#reducePipeline = fullScreen("LabelPass.reduce", "reduce");
    this.#countPipeline = fullScreen("LabelPass.countLayer", "count_layer");

    this.#counterLayout = device.createBindGroupLayout({
      label: "LabelPass.counterLayout",
      entries: [{ binding: 0, visibility: GPUShaderStage.FRAGMENT, buffer: { type: "storage" } }],
    });
    const counting = (cullMode: GPUCullMode) =>
      device.createRenderPipeline({
        label: `LabelPass.unoccluded.${cullMode}`,
        layout: device.createPipelineLayout({
          bindGroupLayouts: [frameLayout, this.#counterLayout],
        }),
        vertex: { module: amodalModule, entryPoint: "vs_main", buffers: MeshStore.layouts },
        fragment: { module: amodalModule, entryPoint: "fs_count", targets: [] },
        primitive: { topology: "triangle-list", cullMode },
        depthStencil: { format: "depth32float", depthWriteEnabled: false, depthCompare: "always" },
      });
    this.#convexPipeline = counting("back");
    this.#flatPipeline = counting("none");
    this.#idPipeline = device.createRenderPipeline({
      label: "LabelPass.isolatedId",
      layout: device.createPipelineLayout({ bindGroupLayouts: [frameLayout] }),
      vertex: { module: amodalModule, entryPoint: "vs_main", buffers: MeshStore.layouts },
      fragment: { module: amodalModule, entryPoint: "fs_id", targets: [{ format: "r32uint" }] },
      primitive: { topology: "triangle-list", cullMode: "none" },
      depthStencil: { format: "depth32float", depthWriteEnabled: true, depthCompare: "less" },
    });

    const texture = (label: string, format: GPUTextureFormat, extra = 0) =>
      device.createTexture({
        label: `LabelPass.${label}`,
        size: [width, height],
        format,
        usage: GPUTextureUsage.RENDER_ATTACHMENT | extra,
      });
    this.#scratchId = texture("scratchId", "r32uint", GPUTextureUsage.STORAGE_BINDING);
    this.#scratchDepth = texture("scratchDepth", "depth32float");
    this.#countDepth = texture("countDepth", "depth32float");
    this.#views = {
      scratchId: this.#scratchId.createView(),
      scratchDepth: this.#scratchDepth.createView(),
      countDepth: this.#countDepth.createView(),
    };
    this.buffer = this.#allocate(1024);
  }

  /** Grows the labels buffer to hold ids 0..maxId. Returns true when it was reallocated. */
  reserve(maxId: number): boolean {
    if (maxId < this.capacity) return false;
    this.buffer.destroy();
    this.buffer = this.#allocate(Math.max(this.capacity * 2, maxId + 1));
    return true;
  }

  get byteSize(): number {
    return this.capacity * LABEL_WORDS * 4;
  }

  /** A pass that only counts: fragments write the label buffer, no colour target. */
  #countingPass(encoder: GPUCommandEncoder, label: string): GPURenderPassEncoder {
    return encoder.beginRenderPass({
      label,
      colorAttachments: [],
      // only there because a render pass needs an attachment
      depthStencilAttachment: {
        view: this.#views.countDepth,
        depthLoadOp: "clear",
        depthStoreOp: "discard",
        depthClearValue: 1,
      },
    });
  }

  run(
    encoder: GPUCommandEncoder,
    frameGroup: GPUBindGroup,
    meshes: MeshStore,
    coverage: CoverageDraws,
  ): void {
    encoder.clearBuffer(this.buffer);
    // Visible pixels, boxes and depth ranges (full screen), then unoccluded areas (the meshes
    // again, without depth test).
    const pass = this.#countingPass(encoder, "LabelPass.counts");
    pass.setPipeline(this.#reducePipeline);
    pass.setBindGroup(0, this.#reduceGroup);
    this.#segmentViewport(pass);
    pass.draw(3);
    if (coverage.convex.length + coverage.flat.length > 0) {
      pass.setViewport(0, 0, this.width, this.height, 0, 1);
      pass.setBindGroup(0, frameGroup);
      pass.setBindGroup(1, this.#counterGroup);
      for (
        const [pipeline, draws] of [[this.#convexPipeline, coverage.convex], [
          this.#flatPipeline,
          coverage.flat,
        ]] as const
      ) {
        if (draws.length === 0) continue;
        pass.setPipeline(pipeline);
        meshes.drawAll(pass, draws);
      }
    }
    pass.end();

    for (const [k, layer] of layers(coverage.isolated).entries()) {
      const pass = encoder.beginRenderPass({
        label: `LabelPass.isolated${k}`,
        colorAttachments: [{
          view: this.#views.scratchId,
          loadOp: "clear",
          storeOp: "store",
          clearValue: [0, 0, 0, 0],
        }],
        depthStencilAttachment: {
          view: this.#views.scratchDepth,
          depthLoadOp: "clear",
          depthStoreOp: "discard",
          depthClearValue: 1,
        },
      });
      pass.setPipeline(this.#idPipeline);
      pass.setBindGroup(0, frameGroup);
      for (const object of layer) meshes.drawAll(pass, object.draws);
      pass.end();
      const count = this.#countingPass(encoder, `LabelPass.countIsolated${k}`);
      count.setPipeline(this.#countPipeline);
      count.setBindGroup(0, this.#isolatedCountGroup());
      this.#segmentViewport(count);
      count.draw(3);
      count.end();
    }
  }

  /** One fragment per row segment: a viewport ceil(width / SEGMENT) wide. */
  #segmentViewport(pass: GPURenderPassEncoder) {
    pass.setViewport(0, 0, Math.ceil(this.width / SEGMENT), this.height, 0, 1);
  }

  destroy(): void {
    this.buffer.destroy();
    this.#scratchId.destroy();
    this.#scratchDepth.destroy();
    this.#countDepth.destroy();
  }

  #isolatedGroupCache?: GPUBindGroup;
  #isolatedCountGroup(): GPUBindGroup {
    return this.#isolatedGroupCache ??= this.device.createBindGroup({
      label: "LabelPass.isolatedCountGroup",
      layout: this.#reduceLayout,
      entries: [
        { binding: 0, resource: this.#views.scratchId },
        { binding: 1, resource: this.depthTarget.createView() },
        { binding: 2, resource: { buffer: this.buffer } },
      ],
    });
  }

  #allocate(capacity: number): GPUBuffer {
    this.capacity = capacity;
    const buffer = this.device.createBuffer({
      label: "LabelPass.labels",
      size: capacity * LABEL_WORDS * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.#isolatedGroupCache = undefined;
    this.#reduceGroup = this.device.createBindGroup({
      label: "LabelPass.reduceGroup",
      layout: this.#reduceLayout,
      entries: [
        { binding: 0, resource: this.idTarget.createView() },
        { binding: 1, resource: this.depthTarget.createView() },
        { binding: 2, resource: { buffer } },
      ],
    });
    this.#counterGroup = this.device.createBindGroup({
      label: "LabelPass.counter",
      layout: this.#counterLayout,
      entries: [{ binding: 0, resource: { buffer } }],
    });
    return buffer;
  }
}

/**
 * Isolated objects in layers whose members' screen rects do not overlap (first fit, in order):
 * drawn together, each pixel still shows the one object that alone would cover it.
 */
function layers(isolated: readonly IsolatedDraws[]): IsolatedDraws[][] {
  const out: IsolatedDraws[][] = [];
  const apart = (a: IsolatedDraws, b: IsolatedDraws) =>
    a.rect !== undefined && b.rect !== undefined &&
    (a.rect[2] <= b.rect[0] || b.rect[2] <= a.rect[0] || a.rect[3] <= b.rect[1] ||
      b.rect[3] <= a.rect[1]);
  for (const object of isolated) {
    const layer = out.find((members) => members.every((m) => apart(m, object)));
    if (layer) layer.push(object);
    else out.push([object]);
  }
  return out;
}

/** Decodes the labels buffer (as read back) into one record per id 1..maxId. */
export function decodeLabels(words: Uint32Array, maxId: number): InstanceLabel[] {
  const out: InstanceLabel[] = [];
  for (let id = 1; id <= maxId; id++) {
    const w = words.subarray(id * LABEL_WORDS, id * LABEL_WORDS + LABEL_WORDS);
    const pixels = w[0];
    const visible = pixels > 0;
    out.push({
      id,
      pixels,
      unoccluded: w[7],
      bbox: visible ? [0xffffffff - w[1], 0xffffffff - w[2], w[3], w[4]] : null,
      depth: visible ? [bitsToFloat(0xffffffff - w[5]), bitsToFloat(w[6])] : null,
    });
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));
function bitsToFloat(bits: number): number {
  scratch.setUint32(0, bits, true);
  return scratch.getFloat32(0, true);
}
