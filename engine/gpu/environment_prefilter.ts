/**
 * An environment map as the shaders read it: one rgba16float texture whose
 * level 0 is the map itself (the background and mirror reflections) and whose
 * level k holds it convolved with the GGX lobe of roughness k / (levels − 1)
 * (shaders/prefilter.wgsl), computed on the GPU once per map.
 */
import { environmentMips } from "../scene/environment.ts";
import type { EnvironmentImage } from "../scene/render_settings.ts";

/** Roughness levels of the specular map: 0, 0.2, …, 1 (gbuffer.wgsl reads roughness × 5). */
export const SPECULAR_LEVELS = 6;
/** GGX samples per texel: with filtered importance sampling, enough for a smooth lobe. */
const SAMPLES = 128;

export class EnvironmentPrefilter {
  readonly #pipeline: GPURenderPipeline;
  readonly #sampler: GPUSampler;

  constructor(private readonly device: GPUDevice, module: GPUShaderModule) {
    this.#pipeline = device.createRenderPipeline({
      label: "EnvironmentPrefilter",
      layout: "auto",
      vertex: { module, entryPoint: "vs_full" },
      fragment: { module, entryPoint: "fs_prefilter", targets: [{ format: "rgba16float" }] },
      primitive: { topology: "triangle-list" },
    });
    this.#sampler = device.createSampler({
      label: "EnvironmentPrefilter.sampler",
      magFilter: "linear",
      minFilter: "linear",
      mipmapFilter: "linear",
      addressModeU: "repeat",
      addressModeV: "clamp-to-edge",
    });
  }

  /** The specular texture of `image` (SPECULAR_LEVELS levels, fewer for tiny maps). */
  run(image: EnvironmentImage): GPUTexture {
    const device = this.device;
    const sourceLevels = environmentMips(image);
    const source = device.createTexture({
      label: "EnvironmentPrefilter.source",
      size: [image.width, image.height],
      format: "rgba16float",
      mipLevelCount: sourceLevels.length,
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST |
        GPUTextureUsage.COPY_SRC,
    });
    sourceLevels.forEach((level, mip) => {
      device.queue.writeTexture(
        { texture: source, mipLevel: mip },
        level.data,
        { bytesPerRow: level.width * 8 },
        [level.width, level.height],
      );
    });
    const levels = Math.min(SPECULAR_LEVELS, sourceLevels.length);
    const specular = device.createTexture({
      label: "EnvironmentPrefilter.specular",
      size: [image.width, image.height],
      format: "rgba16float",
      mipLevelCount: levels,
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST |
        GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
    });
    const encoder = device.createCommandEncoder({ label: "EnvironmentPrefilter" });
    encoder.copyTextureToTexture({ texture: source }, { texture: specular }, [
      image.width,
      image.height,
    ]);
    const buffers: GPUBuffer[] = [];
    const sourceView = source.createView();
    for (let level = 1; level < levels; level++) {
      const width = Math.max(1, image.width >> level);
      const height = Math.max(1, image.height >> level);
      const params = device.createBuffer({
        size: 32,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      const bytes = new ArrayBuffer(32);
      new Float32Array(bytes).set([
        level / (levels - 1),
        0,
        width,
        height,
        image.width,
        image.height,
        sourceLevels.length,
        0,
      ]);
      new Uint32Array(bytes, 4, 1)[0] = SAMPLES;
      device.queue.writeBuffer(params, 0, bytes);
      buffers.push(params);
      const pass = encoder.beginRenderPass({
        label: `EnvironmentPrefilter.level${level}`,
        colorAttachments: [{
          view: specular.createView({ baseMipLevel: level, mipLevelCount: 1 }),
          loadOp: "clear",
          storeOp: "store",
        }],
      });
      pass.setPipeline(this.#pipeline);
      pass.setBindGroup(
        0,
        device.createBindGroup({
          layout: this.#pipeline.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: sourceView },
            { binding: 1, resource: this.#sampler },
            { binding: 2, resource: { buffer: params } },
          ],
        }),
      );
      pass.draw(3);
      pass.end();
    }
    device.queue.submit([encoder.finish()]);
    // freed once the submitted work is done
    source.destroy();
    for (const b of buffers) b.destroy();
    return specular;
  }
}
