/**
 * All textures of a scene as layers of one 2D array texture. Image textures
 * are uploaded (resampled to 256²); procedural ones are generated on the GPU.
 */
import type { Texture } from "../scene/scene.ts";
import { isProcedural } from "../scene/procedural_texture.ts";
import type { TextureGenerator } from "./texture_generator.ts";

export const TEXTURE_SIZE = 256;

export class TextureStore {
  readonly sampler: GPUSampler;
  /** Colour textures (base colour, emissive): rgba8unorm-srgb, decoded to linear on sampling. */
  readonly #color: LayerArray;
  /** Data maps (normal, metallic-roughness, occlusion): rgba8unorm, sampled as stored. */
  readonly #data: LayerArray;

  constructor(private readonly device: GPUDevice, generator?: TextureGenerator) {
    this.sampler = device.createSampler({
      label: "TextureStore.sampler",
      magFilter: "linear",
      minFilter: "linear",
      addressModeU: "repeat",
      addressModeV: "repeat",
    });
    this.#color = new LayerArray(device, "rgba8unorm-srgb", "TextureStore.array", generator);
    this.#data = new LayerArray(device, "rgba8unorm", "TextureStore.data", generator);
  }

  get view(): GPUTextureView {
    return this.#color.view;
  }

  get dataView(): GPUTextureView {
    return this.#data.view;
  }

  /** Bumped whenever an array is recreated, so bind groups know to follow. */
  get version(): number {
    return this.#color.version + this.#data.version;
  }

  /**
   * Called before a frame's textures are looked up: when more than `limit`
   * layers are in use, forgets them all so layers are reused (frames already
   * submitted read the old texels first: the queue runs in order).
   */
  beginFrame(limit = 64): void {
    this.#color.beginFrame(limit);
    this.#data.beginFrame(limit);
  }

  /** Layer of colour texture `texture` in the sRGB array, uploading or generating it on first use. */
  layer(texture: Texture): number {
    return this.#color.layer(texture);
  }

  /** Layer of data map `texture` (normal, metallic-roughness, occlusion) in the linear array. */
  dataLayer(texture: Texture): number {
    return this.#data.layer(texture);
  }

  destroy(): void {
    this.#color.destroy();
    this.#data.destroy();
  }
}

/** One 2D array texture of TEXTURE_SIZE² layers, grown by doubling. */
class LayerArray {
  texture!: GPUTexture;
  view!: GPUTextureView;
  readonly #layers = new Map<Texture, number>();
  version = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly format: GPUTextureFormat,
    private readonly label: string,
    private readonly generator?: TextureGenerator,
  ) {
    this.#allocate(2); // 2+ layers: GL infers a 2d-array view only from layer count
  }

  beginFrame(limit: number): void {
    if (this.#layers.size > limit) this.#layers.clear();
  }

  layer(texture: Texture): number {
    let layer = this.#layers.get(texture);
    if (layer !== undefined) return layer;
    layer = this.#layers.size;
    this.#layers.set(texture, layer);
    if (layer >= this.texture.depthOrArrayLayers) {
      this.texture.destroy();
      this.#allocate(Math.max(4, layer * 2));
      for (const [t, l] of this.#layers) if (l !== layer) this.#upload(t, l);
    }
    this.#upload(texture, layer);
    return layer;
  }

  destroy(): void {
    this.texture.destroy();
  }

  #allocate(layers: number) {
    this.texture = this.device.createTexture({
      label: this.label,
      size: [TEXTURE_SIZE, TEXTURE_SIZE, layers],
      format: this.format,
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
    });
    this.view = this.texture.createView({ label: `${this.label}.view`, dimension: "2d-array" });
    this.version++;
  }

  #upload(texture: Texture, layer: number) {
    if (isProcedural(texture)) {
      if (!this.generator) throw new Error("TextureStore has no generator for procedural textures");
      this.generator.generateTextureInto(texture, this.texture, layer);
      return;
    }
    this.device.queue.writeTexture(
      { texture: this.texture, origin: [0, 0, layer] },
      resample(texture),
      { bytesPerRow: TEXTURE_SIZE * 4 },
      [TEXTURE_SIZE, TEXTURE_SIZE, 1],
    );
  }
}

/** Bilinear resample to TEXTURE_SIZE² (of the stored bytes; fine for albedo and data maps). */
function resample(t: Texture): Uint8Array<ArrayBuffer> {
  if (t.width === TEXTURE_SIZE && t.height === TEXTURE_SIZE) return new Uint8Array(t.data);
  const out = new Uint8Array(TEXTURE_SIZE * TEXTURE_SIZE * 4);
  for (let y = 0; y < TEXTURE_SIZE; y++) {
    const sy = Math.max(0, ((y + 0.5) * t.height) / TEXTURE_SIZE - 0.5);
    const y0 = Math.min(Math.floor(sy), t.height - 1);
    const y1 = Math.min(y0 + 1, t.height - 1);
    const fy = sy - y0;
    for (let x = 0; x < TEXTURE_SIZE; x++) {
      const sx = Math.max(0, ((x + 0.5) * t.width) / TEXTURE_SIZE - 0.5);
      const x0 = Math.min(Math.floor(sx), t.width - 1);
      const x1 = Math.min(x0 + 1, t.width - 1);
      const fx = sx - x0;
      for (let c = 0; c < 4; c++) {
        const a = t.data[(y0 * t.width + x0) * 4 + c] * (1 - fx) +
          t.data[(y0 * t.width + x1) * 4 + c] * fx;
        const b = t.data[(y1 * t.width + x0) * 4 + c] * (1 - fx) +
          t.data[(y1 * t.width + x1) * 4 + c] * fx;
        out[(y * TEXTURE_SIZE + x) * 4 + c] = Math.round(a * (1 - fy) + b * fy);
      }
    }
  }
  return out;
}
