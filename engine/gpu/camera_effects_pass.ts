/**
 * Camera and sensor effects on the finished rgb target (shaders/camera_effects.wgsl): motion
 * blur from the exact flow, depth of field from the exact depth, vignetting, white balance
 * and sensor noise. Recorded after the colour pass; reads the label targets, writes rgb only.
 */
import type { CameraEffects } from "../scene/render_settings.ts";

/** What one frame's effects need beyond the settings: the lens and the frame's place. */
export interface EffectsFrame {
  /** Focal length in pixels (the projection's x scale × half the width). */
  focalPixels: number;
  width: number;
  frame: number;
}

/** Circle-of-confusion radius is capped at this share of the frame width. */
const MAX_COC_SHARE = 0.03;

export class CameraEffectsPass {
  readonly #scratch: GPUTexture;
  readonly #params: GPUBuffer;
  readonly #blur: GPURenderPipeline;
  readonly #lens: GPURenderPipeline;
  readonly #group: GPUBindGroup;
  readonly #targetView: GPUTextureView;

  constructor(
    private readonly device: GPUDevice,
    module: GPUShaderModule,
    frameLayout: GPUBindGroupLayout,
    private readonly rgb: GPUTexture,
    depth: GPUTexture,
    flow: GPUTexture,
  ) {
    this.#scratch = device.createTexture({
      label: "CameraEffectsPass.scratch",
      size: [rgb.width, rgb.height],
      format: rgb.format,
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
    });
    this.#params = device.createBuffer({
      label: "CameraEffectsPass.params",
      size: 64,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    const fragment = GPUShaderStage.FRAGMENT;
    const layout = device.createBindGroupLayout({
      label: "CameraEffectsPass.layout",
      entries: [
        { binding: 0, visibility: fragment, texture: { sampleType: "unfilterable-float" } },
        { binding: 1, visibility: fragment, texture: { sampleType: "uint" } },
        { binding: 2, visibility: fragment, texture: { sampleType: "uint" } },
        { binding: 3, visibility: fragment, buffer: { type: "read-only-storage" } },
      ],
    });
    const pipeline = (entryPoint: string) =>
      device.createRenderPipeline({
        label: `CameraEffectsPass.${entryPoint}`,
        layout: device.createPipelineLayout({ bindGroupLayouts: [frameLayout, layout] }),
        vertex: { module, entryPoint: "vs_full" },
        fragment: { module, entryPoint, targets: [{ format: rgb.format }] },
        primitive: { topology: "triangle-list" },
      });
    this.#blur = pipeline("fs_motion_blur");
    this.#lens = pipeline("fs_lens");
    this.#group = device.createBindGroup({
      label: "CameraEffectsPass.group",
      layout,
      entries: [
        { binding: 0, resource: this.#scratch.createView() },
        { binding: 1, resource: depth.createView() },
        { binding: 2, resource: flow.createView() },
        { binding: 3, resource: { buffer: this.#params } },
      ],
    });
    this.#targetView = rgb.createView();
  }

  /** Whether `effects` change the picture at all (nothing is recorded when not). */
  static active(effects: CameraEffects | undefined): effects is CameraEffects {
    return effects !== undefined && (effects.shutter > 0 || lensActive(effects));
  }

  run(
    encoder: GPUCommandEncoder,
    frameGroup: GPUBindGroup,
    effects: CameraEffects,
    at: EffectsFrame,
  ): void {
    this.#write(effects, at);
    const step = (pipeline: GPURenderPipeline) => {
      encoder.copyTextureToTexture({ texture: this.rgb }, { texture: this.#scratch }, [
        this.rgb.width,
        this.rgb.height,
      ]);
      const pass = encoder.beginRenderPass({
        label: pipeline.label,
        colorAttachments: [{ view: this.#targetView, loadOp: "clear", storeOp: "store" }],
      });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, frameGroup);
      pass.setBindGroup(1, this.#group);
      pass.draw(3);
      pass.end();
    };
    if (effects.shutter > 0) step(this.#blur);
    if (lensActive(effects)) step(this.#lens);
  }

  #write(e: CameraEffects, at: EffectsFrame): void {
    const bytes = new ArrayBuffer(64);
    const f = new Float32Array(bytes);
    const u = new Uint32Array(bytes);
    f[0] = e.shutter;
    if (e.fNumber > 0) {
      // thin lens: blur-circle diameter on the sensor A·F·|z − zf| / (z·(zf − F)), A = F / N
      const sensor = e.sensorWidth / 1000;
      const focal = (at.focalPixels / at.width) * sensor;
      const diameter = (focal * focal) / e.fNumber / Math.max(e.focusDistance - focal, 1e-3);
      f[1] = ((0.5 * diameter) / sensor) * at.width;
    }
    f[2] = e.focusDistance;
    f[3] = MAX_COC_SHARE * at.width;
    f.set(e.whiteBalance, 4);
    f[7] = e.vignetting;
    f[8] = e.noiseGain;
    f[9] = e.noiseFloor;
    u[10] = at.frame;
    u[11] = e.seed >>> 0;
    this.device.queue.writeBuffer(this.#params, 0, bytes);
  }

  destroy(): void {
    this.#scratch.destroy();
    this.#params.destroy();
  }
}

function lensActive(e: CameraEffects): boolean {
  return e.fNumber > 0 || e.vignetting > 0 || e.noiseGain > 0 || e.noiseFloor > 0 ||
    e.whiteBalance.some((g) => g !== 1);
}
