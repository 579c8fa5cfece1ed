/**
 * Depth-only pass from the key light into a shadow map, recorded in the
 * frame's command encoder before the G-buffer pass that samples it. Also fits
 * the light's projection around the scene's bounds each frame, so shadows
 * follow moving objects.
 */
import { mat4, vec3 } from "wgpu-matrix";
import type { Draw } from "./gbuffer_pass.ts";
import { MeshStore } from "./mesh_store.ts";
import type { Light, Vec3 } from "../scene/scene.ts";

export class ShadowPass {
  #texture!: GPUTexture;
  view!: GPUTextureView;
  readonly sampler: GPUSampler;
  readonly #pipeline: GPURenderPipeline;
  size = 0;

  constructor(
    private readonly device: GPUDevice,
    module: GPUShaderModule,
    frameLayout: GPUBindGroupLayout,
    size: number,
  ) {
    this.#pipeline = device.createRenderPipeline({
      label: "ShadowPass.pipeline",
      layout: device.createPipelineLayout({ bindGroupLayouts: [frameLayout] }),
      vertex: { module, entryPoint: "vs_shadow", buffers: MeshStore.layouts },
      // both faces: planes and open meshes cast shadows too
      primitive: { topology: "triangle-list", cullMode: "none" },
      depthStencil: {
        format: "depth32float",
        depthWriteEnabled: true,
        depthCompare: "less",
        depthBias: 2,
        depthBiasSlopeScale: 2,
      },
    });
    this.sampler = device.createSampler({
      label: "ShadowPass.sampler",
      compare: "less-equal",
      magFilter: "linear",
      minFilter: "linear",
      addressModeU: "clamp-to-edge",
      addressModeV: "clamp-to-edge",
    });
    this.resize(size);
  }

  /** Recreates the map at `size`² (quality presets change it). */
  resize(size: number): void {
    if (size === this.size) return;
    this.#texture?.destroy();
    this.size = size;
    this.#texture = this.device.createTexture({
      label: "ShadowPass.map",
      size: [size, size],
      format: "depth32float",
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.TEXTURE_BINDING,
    });
    this.view = this.#texture.createView();
  }

  run(
    encoder: GPUCommandEncoder,
    frameGroup: GPUBindGroup,
    meshes: MeshStore,
    draws: Draw[],
  ): void {
    const pass = encoder.beginRenderPass({
      label: "ShadowPass",
      colorAttachments: [],
      depthStencilAttachment: {
        view: this.view,
        depthLoadOp: "clear",
        depthStoreOp: "store",
        depthClearValue: 1,
      },
    });
    pass.setPipeline(this.#pipeline);
    pass.setBindGroup(0, frameGroup);
    meshes.drawAll(pass, draws);
    pass.end();
  }

  destroy(): void {
    this.#texture.destroy();
  }
}

export interface Bounds {
  min: Vec3;
  max: Vec3;
}

export interface ShadowProjection {
  /** Light clip-from-world (WebGPU depth 0..1). */
  viewProj: Float32Array;
  /** World size of one shadow texel around the scene: the shader's normal offset. */
  texelWorld: number;
  /** World depth the map's 0..1 depth spans (orthographic maps; 0 for perspective ones). */
  depthRange: number;
}

/**
 * Fits the key light's projection around `bounds` (world AABB of what casts
 * and receives shadows): orthographic for directional lights, perspective
 * for spot lights (their cone) and point lights (aimed at the bounds; a
 * single map, so a point light shadows only what lies within 75° of that aim).
 */
export function fitShadow(light: Light, bounds: Bounds, size: number): ShadowProjection {
  const center = bounds.min.map((v, i) => (v + bounds.max[i]) / 2) as Vec3;
  const radius = Math.max(1e-3, vec3.distance(bounds.min, bounds.max) / 2);
  const corners: Vec3[] = [];
  for (let i = 0; i < 8; i++) {
    corners.push([
      i & 1 ? bounds.max[0] : bounds.min[0],
      i & 2 ? bounds.max[1] : bounds.min[1],
      i & 4 ? bounds.max[2] : bounds.min[2],
    ]);
  }
  const upFor = (d: Vec3): Vec3 => Math.abs(d[1]) > 0.99 ? [0, 0, 1] : [0, 1, 0];
  if (light.type === "directional") {
    const d = vec3.normalize(light.direction) as unknown as Vec3;
    const eye = vec3.subtract(center, vec3.scale(d, radius * 2)) as unknown as Vec3;
    const view = mat4.lookAt(eye, center, upFor(d));
    let [x0, y0, z0, x1, y1, z1] = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
    for (const c of corners) {
      const p = vec3.transformMat4(c, view);
      x0 = Math.min(x0, p[0]), y0 = Math.min(y0, p[1]), z0 = Math.min(z0, p[2]);
      x1 = Math.max(x1, p[0]), y1 = Math.max(y1, p[1]), z1 = Math.max(z1, p[2]);
    }
    const proj = mat4.ortho(x0, x1, y0, y1, -z1 - 0.1, -z0 + 0.1);
    return {
      viewProj: mat4.multiply(proj, view, new Float32Array(16)) as Float32Array,
      texelWorld: Math.max(x1 - x0, y1 - y0) / size,
      depthRange: z1 - z0 + 0.2,
    };
  }
  const eye = light.position;
  let dir: Vec3;
  let fov: number;
  if (light.type === "spot") {
    dir = vec3.normalize(light.direction) as unknown as Vec3;
    fov = Math.min(170, light.angle * 2 + 4) * Math.PI / 180;
  } else {
    const toCenter = vec3.subtract(center, eye);
    const dist = vec3.length(toCenter);
    dir = (dist > 1e-6 ? vec3.scale(toCenter, 1 / dist) : [0, -1, 0]) as unknown as Vec3;
    fov = dist > radius
      ? Math.min(2 * Math.asin(radius / dist) * 1.05, (150 * Math.PI) / 180)
      : (150 * Math.PI) / 180;
  }
  let far = 0.2;
  for (const c of corners) far = Math.max(far, vec3.distance(c, eye));
  const near = Math.max(0.02, far / 2000);
  const view = mat4.lookAt(eye, vec3.add(eye, dir), upFor(dir));
  const proj = mat4.perspective(fov, 1, near, far + 0.1);
  const distance = Math.max(near, vec3.distance(center, eye));
  return {
    viewProj: mat4.multiply(proj, view, new Float32Array(16)) as Float32Array,
    texelWorld: (2 * distance * Math.tan(fov / 2)) / size,
    depthRange: 0,
  };
}
