/** Fills texture layers with procedural patterns (shaders/texture_gen.wgsl) on the GPU. */
import { loadShader } from "./gpu.ts";
import {
  FINISHES,
  isSurfaceSpec,
  PATTERNS,
  type ProceduralSpec,
  type ProceduralTexture,
  type SurfaceSpec,
} from "../scene/procedural_texture.ts";

export class TextureGenerator {
  /** Albedo and surface-map pipelines, made on first use (a software GPU compiles each one). */
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  readonly #layout: GPUBindGroupLayout;
  readonly #params: GPUBuffer;
  readonly #scratch: GPUTexture;
  readonly #group: GPUBindGroup;

  constructor(
    private readonly device: GPUDevice,
    private readonly module: GPUShaderModule,
    readonly size = 256,
  ) {
    this.#layout = device.createBindGroupLayout({
      label: "TextureGenerator.layout",
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "read-only-storage" } },
        {
          binding: 1,
          visibility: GPUShaderStage.COMPUTE,
          storageTexture: { access: "write-only", format: "rgba8unorm" },
        },
      ],
    });
    this.#params = device.createBuffer({
      label: "TextureGenerator.params",
      size: 48,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.#scratch = device.createTexture({
      label: "TextureGenerator.scratch",
      size: [size, size],
      format: "rgba8unorm",
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC,
    });
    this.#group = device.createBindGroup({
      layout: this.#layout,
      entries: [
        { binding: 0, resource: { buffer: this.#params } },
        { binding: 1, resource: this.#scratch.createView() },
      ],
    });
  }

  static async create(device: GPUDevice, size = 256): Promise<TextureGenerator> {
    const module = device.createShaderModule({
      label: "texture_gen.wgsl",
      code: await loadShader("texture_gen.wgsl", false),
    });
    return new TextureGenerator(device, module, size);
  }

  /** Generates a procedural texture into `layer` of `target` (its albedo or surface map). */
  generateTextureInto(texture: ProceduralTexture, target: GPUTexture, layer: number): void {
    this.generateInto(texture.procedural, target, layer);
  }

  /**
   * Generates `spec` and copies it into `layer` of `target`, submitted now: albedo into an
   * rgba8unorm-srgb array (bytes are sRGB), surface maps into an rgba8unorm one (linear data).
   */
  generateInto(spec: ProceduralSpec | SurfaceSpec, target: GPUTexture, layer: number): void {
    const encoder = this.device.createCommandEncoder({ label: "TextureGenerator" });
    this.#encode(encoder, spec);
    encoder.copyTextureToTexture(
      { texture: this.#scratch },
      { texture: target, origin: [0, 0, layer] },
      [this.size, this.size, 1],
    );
    this.device.queue.submit([encoder.finish()]);
  }

  /** Generates `spec` and reads back its RGBA8 texels (sRGB albedo or linear map; tests, previews). */
  async generate(spec: ProceduralSpec | SurfaceSpec): Promise<Uint8Array> {
    const bytesPerRow = Math.ceil((this.size * 4) / 256) * 256;
    const staging = this.device.createBuffer({
      size: bytesPerRow * this.size,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    const encoder = this.device.createCommandEncoder({ label: "TextureGenerator.read" });
    this.#encode(encoder, spec);
    encoder.copyTextureToBuffer({ texture: this.#scratch }, { buffer: staging, bytesPerRow }, [
      this.size,
      this.size,
    ]);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = new Uint8Array(staging.getMappedRange());
    const out = new Uint8Array(this.size * this.size * 4);
    for (let y = 0; y < this.size; y++) {
      out.set(mapped.subarray(y * bytesPerRow, y * bytesPerRow + this.size * 4), y * this.size * 4);
    }
    staging.unmap();
    staging.destroy();
    return out;
  }

  #pipeline(entryPoint: string): GPUComputePipeline {
    let pipeline = this.#pipelines.get(entryPoint);
    if (!pipeline) {
      pipeline = this.device.createComputePipeline({
        label: `TextureGenerator.${entryPoint}`,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.#layout] }),
        compute: { module: this.module, entryPoint },
      });
      this.#pipelines.set(entryPoint, pipeline);
    }
    return pipeline;
  }

  destroy(): void {
    this.#params.destroy();
    this.#scratch.destroy();
  }

  #encode(encoder: GPUCommandEncoder, spec: ProceduralSpec | SurfaceSpec) {
    const data = new ArrayBuffer(48);
    const u = new Uint32Array(data);
    const f = new Float32Array(data);
    if (isSurfaceSpec(spec)) {
      const finish = FINISHES.indexOf(spec.finish);
      if (finish < 0) {
        throw new RangeError(
          `Unknown surface finish "${spec.finish}" (known: ${FINISHES.join(", ")})`,
        );
      }
      u[0] = finish;
      u[3] = spec.map === "normal" ? 1 : 2;
    } else {
      const pattern = PATTERNS.indexOf(spec.pattern);
      if (pattern < 0) {
        throw new RangeError(
          `Unknown texture pattern "${spec.pattern}" (known: ${PATTERNS.join(", ")})`,
        );
      }
      u[0] = pattern;
      f.set(spec.colorA, 4);
      f[7] = 1;
      f.set(spec.colorB, 8);
      f[11] = 1;
    }
    u[1] = spec.seed >>> 0;
    u[2] = Math.max(1, Math.round(spec.frequency));
    this.device.queue.writeBuffer(this.#params, 0, data);
    const pass = encoder.beginComputePass({ label: "TextureGenerator" });
    pass.setPipeline(this.#pipeline(isSurfaceSpec(spec) ? "generate_surface" : "generate"));
    pass.setBindGroup(0, this.#group);
    pass.dispatchWorkgroups(Math.ceil(this.size / 8), Math.ceil(this.size / 8));
    pass.end();
  }
}
