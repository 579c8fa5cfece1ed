/**
 * Renders frame states into G-buffers and labels, with readback pipelined
 * over a ring of staging buffers. One submit per frame; frames come back to
 * the consumer strictly in order.
 */
import { mat4 } from "wgpu-matrix";
import type { FrameState, ObjectState } from "../scene/frame_state.ts";
import {
  type Draw,
  GBufferPass,
  type Lighting,
  TARGET_NAMES,
  type TargetName,
  TARGETS,
} from "./gbuffer_pass.ts";
import { type Gpu, loadShader } from "./gpu.ts";
import { type CoverageDraws, decodeLabels, LabelPass } from "./label_pass.ts";
import type { FrameConsumer, FrameMeta, RenderedFrame } from "./frame.ts";
import { MeshStore } from "./mesh_store.ts";
import { posedBounds, posedMesh } from "../scene/skin.ts";
import { HostFrame, HostFramePool } from "./host_frame.ts";
import { ReadbackRing } from "./readback.ts";
import type { Material, MeshPart, Scene, Vec3 } from "../scene/scene.ts";
import { TextureStore } from "./texture_store.ts";
import { TextureGenerator } from "./texture_generator.ts";
import { type Bounds, fitShadow, ShadowPass } from "./shadow_pass.ts";
import { type Environment, renderSettings } from "../scene/render_settings.ts";
import { TONE_MAPPING_CODE } from "../scene/tone_mapping.ts";
import { irradianceSh, shIrradiance } from "../scene/environment.ts";
import { floorOf, groundRadiance } from "../scene/ground_bounce.ts";
import { EnvironmentPrefilter } from "./environment_prefilter.ts";
import { BRDF_LUT_SIZE, brdfLut } from "../scene/brdf_lut.ts";
import { chooseLevel, lodLevels } from "../scene/lod.ts";
import {
  frustumPlanes,
  mayCullBackFaces,
  meshRadius,
  placedScale,
  placedSphere,
  sphereInView,
  sphereRect,
} from "./view_cull.ts";

export interface RendererOptions {
  width: number;
  height: number;
  /** Frames in flight between submit and readback (default 8). */
  inFlight?: number;
  culling?: Culling;
}

/**
 * What the camera's passes may leave out or combine (view_cull.ts): objects wholly outside the
 * view frustum, back faces of closed convex meshes seen from outside, and separate label passes
 * for non-convex objects far apart on screen (`layers`: they share one). All on by default.
 */
export interface Culling {
  frustum: boolean;
  backFaces: boolean;
  layers: boolean;
}

const FRAME_UNIFORM_BYTES = 1232; // see Frame in common.wgsl
/** Widest soft-shadow filter radius, in shadow texels. */
const MAX_PENUMBRA_TEXELS = 24;
/** Shadows cover at most this far (metres) around the camera. */
const SHADOW_REACH = 25;
const INSTANCE_FLOATS = 72; // 3 mat4 + 6 vec4 (see Instance in common.wgsl)
const MAX_LIGHTS = 8;

const BYTES_PER_PIXEL: Record<TargetName, number> = {
  rgb: 4,
  depth: 4,
  normals: 8,
  instance: 4,
  flow: 8,
};

/** A map's diffuse SH, and its sky half and unit ground half for the floor's bounce. */
interface EnvironmentSh {
  image: Environment["image"];
  rotation: number;
  sh: Float32Array;
  sky: Float32Array;
  ground: Float32Array;
}

interface Section {
  offset: number;
  bytesPerRow: number;
}

export class Renderer {
  readonly width: number;
  readonly height: number;
  readonly #device: GPUDevice;
  readonly #gbuffer: GBufferPass;
  readonly #labels: LabelPass;
  readonly #meshes: MeshStore;
  readonly #textures: TextureStore;
  readonly #generator: TextureGenerator;
  readonly #shadow: ShadowPass;
  #lightingGroup?: GPUBindGroup;
  #env?: {
    source: Environment["image"];
    texture: GPUTexture;
    view: GPUTextureView;
    levels: number;
  };
  #envSh?: EnvironmentSh;
  readonly #floorSh = new Float32Array(27);
  readonly #blackEnv: GPUTexture;
  readonly #envSampler: GPUSampler;
  readonly #prefilter: EnvironmentPrefilter;
  /** Split-sum table of the specular environment term (engine/scene/brdf_lut.ts). */
  readonly #brdfLut: GPUTexture;
  readonly #clampSampler: GPUSampler;
  readonly #frameUniform: GPUBuffer;
  #instanceBuffer: GPUBuffer;
  #instanceData = new Float32Array(INSTANCE_FLOATS * 64);
  #frameGroup!: GPUBindGroup;
  #ring!: ReadbackRing<FrameMeta>;
  #sections!: Record<TargetName | "labels", Section>;
  /** Host arrays frames are read into; buffers transferred away come back through `give`. */
  readonly hostFrames: HostFramePool;
  /** Triangles the camera's passes drew for the last frame (culling and levels of detail applied). */
  drawnTriangles = 0;
  readonly #inFlight: number;
  readonly #culling: Culling;
  readonly #frameData = new Float32Array(FRAME_UNIFORM_BYTES / 4);
  readonly #scratch = new Float32Array(16);

  private constructor(
    readonly gpu: Gpu,
    options: RendererOptions,
    modules: {
      gbuffer: GPUShaderModule;
      labels: GPUShaderModule;
      amodal: GPUShaderModule;
      shadow: GPUShaderModule;
      downsample: GPUShaderModule;
      ao: GPUShaderModule;
      prefilter: GPUShaderModule;
      cameraEffects: GPUShaderModule;
      textureGen: GPUShaderModule;
    },
  ) {
    const device = gpu.device;
    this.#device = device;
    this.width = options.width;
    this.height = options.height;
    this.#inFlight = options.inFlight ?? 8;
    this.#culling = options.culling ?? { frustum: true, backFaces: true, layers: true };
    this.hostFrames = new HostFramePool(this.width, this.height);
    this.#gbuffer = new GBufferPass(device, this.width, this.height, modules);
    this.#shadow = new ShadowPass(device, modules.shadow, this.#gbuffer.frameLayout, 1024);
    this.#blackEnv = device.createTexture({
      label: "Renderer.noEnvironment",
      size: [1, 1],
      format: "rgba16float",
      usage: GPUTextureUsage.TEXTURE_BINDING,
    });
    this.#envSampler = device.createSampler({
      label: "Renderer.envSampler",
      magFilter: "linear",
      minFilter: "linear",
      mipmapFilter: "linear",
      addressModeU: "repeat",
      addressModeV: "clamp-to-edge",
    });
    this.#prefilter = new EnvironmentPrefilter(device, modules.prefilter);
    this.#brdfLut = device.createTexture({
      label: "Renderer.brdfLut",
      size: [BRDF_LUT_SIZE, BRDF_LUT_SIZE],
      format: "rgba16float",
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
    });
    device.queue.writeTexture({ texture: this.#brdfLut }, brdfLut(), {
      bytesPerRow: BRDF_LUT_SIZE * 8,
    }, [BRDF_LUT_SIZE, BRDF_LUT_SIZE]);
    this.#clampSampler = device.createSampler({
      label: "Renderer.clampSampler",
      magFilter: "linear",
      minFilter: "linear",
    });
    this.#labels = new LabelPass(
      device,
      this.width,
      this.height,
      modules.labels,
      modules.amodal,
      this.#gbuffer.frameLayout,
      this.#gbuffer.targets.instance,
      this.#gbuffer.targets.depth,
    );
    this.#meshes = new MeshStore(device);
    this.#generator = new TextureGenerator(device, modules.textureGen);
    this.#textures = new TextureStore(device, this.#generator);
    this.#frameUniform = device.createBuffer({
      label: "Renderer.frameUniform",
      size: FRAME_UNIFORM_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.#instanceBuffer = this.#createInstanceBuffer(64);
    this.#rebuildRing();
  }

  static async create(gpu: Gpu, options: RendererOptions): Promise<Renderer> {
    const compile = async (label: string, file: string, common: boolean) => {
      const module = gpu.device.createShaderModule({ label, code: await loadShader(file, common) });
      const info = await module.getCompilationInfo();
      const errors = info.messages.filter((m) => m.type === "error");
      if (errors.length > 0) {
        throw new Error(
          `${file}: ${errors.map((e) => `${e.lineNum}:${e.linePos} ${e.message}`).join("\n")}`,
        );
      }
      return module;
    };
    const modules = {
      gbuffer: await compile("gbuffer.wgsl", "gbuffer.wgsl", true),
      labels: await compile("labels.wgsl", "labels.wgsl", false),
      amodal: await compile("amodal.wgsl", "amodal.wgsl", true),
      shadow: await compile("shadow.wgsl", "shadow.wgsl", true),
      downsample: await compile("downsample.wgsl", "downsample.wgsl", false),
      ao: await compile("ao.wgsl", "ao.wgsl", true),
      prefilter: await compile("prefilter.wgsl", "prefilter.wgsl", false),
      cameraEffects: await compile("camera_effects.wgsl", "camera_effects.wgsl", true),
      textureGen: await compile("texture_gen.wgsl", "texture_gen.wgsl", false),
    };
    const renderer = new Renderer(gpu, options, modules);
    gpu.check();
    return renderer;
  }

  /**
   * Records and submits frame `now` (with `next` for forward flow). When the
   * ring is full, the oldest frame in flight is read and given to `consume`.
   */
  async render(
    scene: Scene,
    now: FrameState,
    next: FrameState,
    meta: FrameMeta,
    consume: FrameConsumer,
  ): Promise<void> {
    if (now.width !== this.width || now.height !== this.height) {
      throw new RangeError(
        `Frame is ${now.width}×${now.height}, renderer is ${this.width}×${this.height}`,
      );
    }
    if (this.#labels.capacity <= meta.maxId) {
      await this.drain(consume);
      this.#labels.reserve(meta.maxId);
      this.#rebuildRing();
    }
    const settings = renderSettings(scene);
    this.#shadow.resize(settings.shadowMapSize);
    this.#textures.beginFrame();
    const { draws, shadowDraws, coverage, textured, mapped } = this.#upload(scene, now, next);
    this.drawnTriangles = draws.reduce((n, d) => n + (d.indexCount / 3) * d.instanceCount, 0);
    const shadowed = this.#writeLighting(scene, now);
    this.#meshes.flush();
    const environment = settings.environment;
    const lighting: Lighting = {
      group: this.#lightingBindGroup(),
      sky: Boolean(environment?.background),
      supersample: settings.supersample,
      features: {
        shadows: shadowed,
        environment: environment !== undefined && environment.intensity > 0,
        textures: textured,
        tone: TONE_MAPPING_CODE[settings.toneMapping],
        ao: settings.ambientOcclusion !== undefined,
        softShadows: shadowed ? settings.softShadows : 0,
        maps: mapped,
      },
      ao: settings.ambientOcclusion,
      camera: settings.cameraEffects && {
        effects: settings.cameraEffects,
        at: {
          focalPixels: now.proj[0] * 0.5 * this.width,
          width: this.width,
          frame: meta.frame,
        },
      },
    };
    await this.#ring.push(meta, (staging) => {
      const encoder = this.#device.createCommandEncoder({ label: "Renderer.frame" });
      if (shadowed) this.#shadow.run(encoder, this.#frameGroup, this.#meshes, shadowDraws);
      // the rgb target is rgba8unorm holding sRGB bytes: clear with the sRGB values as given
      const background = now.background;
      this.#gbuffer.run(encoder, this.#frameGroup, this.#meshes, this.#textures, draws, [
        background[0],
        background[1],
        background[2],
        background[3],
      ], lighting);
      this.#labels.run(encoder, this.#frameGroup, this.#meshes, coverage);
      this.#copyOut(encoder, staging);
      this.#device.queue.submit([encoder.finish()]);
    }, (bytes, m) => this.#deliver(bytes, m, consume));
    this.gpu.check();
  }

  /** Reads every frame still in flight. */
  async drain(consume: FrameConsumer): Promise<void> {
    await this.#ring.drain((bytes, m) => this.#deliver(bytes, m, consume));
    this.gpu.check();
  }

  destroy(): void {
    this.#ring.destroy();
    this.#gbuffer.destroy();
    this.#labels.destroy();
    this.#meshes.destroy();
    this.#textures.destroy();
    this.#generator.destroy();
    this.#shadow.destroy();
    this.#env?.texture.destroy();
    this.#blackEnv.destroy();
    this.#brdfLut.destroy();
    this.#frameUniform.destroy();
    this.#instanceBuffer.destroy();
  }

  /** Writes the frame uniform and instance records; returns the draws. */
  #upload(scene: Scene, now: FrameState, next: FrameState) {
    this.#writeFrameUniform(now, next);
    const nextObjects = new Map(next.objects.map((o) => [o.id, o]));
    const view = now.view;
    const depth = now.objects.map((o) =>
      -(view[2] * o.model[12] + view[6] * o.model[13] + view[10] * o.model[14] + view[14])
    );
    // Group parts by the mesh drawn (a level of detail of the part's, when the scene asks)
    // so each mesh is one instanced draw.
    const lod = renderSettings(scene).lod;
    const focal = now.proj[5] * 0.5 * now.height;
    type Placed = { part: MeshPart; index: number; objectIndex: number };
    const groups = new Map<MeshPart["mesh"], Placed[]>();
    const drawn = now.objects.map((o, objectIndex) => {
      const parts = scene.meshes.get(o.mesh);
      if (!parts) throw new RangeError(`Object "${o.name}" uses unknown mesh "${o.mesh}"`);
      if (o.partMatrices && o.partMatrices.length !== parts.length) {
        throw new RangeError(
          `Object "${o.name}" has ${o.partMatrices.length} part matrices for ${parts.length} parts`,
        );
      }
      return parts.map((part, index) => {
        let mesh = part.mesh;
        if (lod !== undefined) {
          place(o.model, partMatrix(o, part, index), this.#scratch);
          const p = this.#scratch;
          const scale = placedScale(p);
          const partDepth = -(view[2] * p[12] + view[6] * p[13] + view[10] * p[14] + view[14]);
          mesh = chooseLevel(
            lodLevels(mesh),
            partDepth,
            meshRadius(mesh),
            scale,
            focal,
            lod,
          );
        }
        let list = groups.get(mesh);
        if (!list) groups.set(mesh, list = []);
        list.push({ part, index, objectIndex });
        return mesh;
      });
    });
    // Nearest first (stable, so ties keep scene order): the software rasterizer tests depth
    // before shading, so fragments hidden behind earlier draws cost little.
    const nearer = (a: { objectIndex: number }, b: { objectIndex: number }) =>
      depth[a.objectIndex] - depth[b.objectIndex];
    for (const list of groups.values()) list.sort(nearer);
    const ordered = [...groups].sort(([, a], [, b]) => nearer(a[0], b[0]));
    this.#meshes.beginFrame(groups.keys());
    let count = 0;
    for (const list of groups.values()) count += list.length;
    if (count * INSTANCE_FLOATS > this.#instanceData.length) {
      const capacity = 2 ** Math.ceil(Math.log2(count));
      this.#instanceData = new Float32Array(capacity * INSTANCE_FLOATS);
      this.#instanceBuffer.destroy();
      this.#instanceBuffer = this.#createInstanceBuffer(capacity);
    }
    const data = this.#instanceData;
    const ids = new Uint32Array(data.buffer);
    // An object's unoccluded area can be counted by fragments only when it is
    // one convex (or flat) part; anything else is rendered alone and counted.
    const isolated = new Set<number>();
    now.objects.forEach((o, objectIndex) => {
      const meshes = drawn[objectIndex];
      if (meshes.length > 1 || meshes.some((m) => this.#meshes.range(m).coverage === "other")) {
        isolated.add(o.id);
      }
    });
    // The camera's passes draw what its frustum may hold; shadows come from everything.
    const draws: Draw[] = [];
    const shadowDraws: Draw[] = [];
    const planes = frustumPlanes(now.proj, now.view);
    const coverage: CoverageDraws = { convex: [], flat: [], isolated: [] };
    const isolatedDraws = new Map<number, Draw[]>();
    // Screen rects of isolated objects (the union of their parts'; null: unbounded, skinned)
    const rects = new Map<number, [number, number, number, number] | null>();
    const [W, H] = [now.width, now.height];
    const near = now.proj[14] / now.proj[10];
    const addRect = (id: number, r: [number, number, number, number] | undefined) => {
      const had = rects.get(id);
      if (had === null) return;
      if (!r) rects.set(id, null);
      else if (!had) rects.set(id, r);
      else {
        rects.set(id, [
          Math.min(had[0], r[0]),
          Math.min(had[1], r[1]),
          Math.max(had[2], r[2]),
          Math.max(had[3], r[3]),
        ]);
      }
    };
    const m = this.#scratch;
    let slot = 0;
    let textured = false;
    let mapped = false;
    for (const [mesh, sorted] of ordered) {
      const range = this.#meshes.range(mesh);
      // A skinned mesh is posed per object: each of its instances is a draw of its own.
      const skinned = mesh.skin !== undefined;
      // Parts out of view go last (they draw no pixel, so the visible ones keep their order).
      let list = sorted;
      let inView = sorted.length;
      let cullBack = this.#culling.backFaces && range.coverage === "convex";
      if (!skinned) {
        const seen: Placed[] = [];
        const unseen: Placed[] = [];
        for (const placed of sorted) {
          const o = now.objects[placed.objectIndex];
          place(o.model, partMatrix(o, placed.part, placed.index), m);
          const sphere = placedSphere(m, meshRadius(mesh));
          if (this.#culling.frustum && !sphereInView(planes, sphere)) unseen.push(placed);
          else {
            seen.push(placed);
            cullBack &&= mayCullBackFaces(planes, m, sphere);
            if (isolated.has(o.id)) {
              addRect(
                o.id,
                this.#culling.layers ? sphereRect(now.proj, view, sphere, near, W, H) : undefined,
              );
            }
          }
        }
        list = unseen.length > 0 ? [...seen, ...unseen] : sorted;
        inView = seen.length;
      }
      const draw: Draw = {
        firstIndex: range.firstIndex,
        indexCount: range.indexCount,
        baseVertex: range.baseVertex,
        firstInstance: slot,
        instanceCount: inView,
        cullBack,
      };
      if (!skinned) {
        if (mesh.castShadow !== false) {
          shadowDraws.push({ ...draw, instanceCount: list.length, cullBack: false });
        }
        if (inView > 0) draws.push(draw);
      }
      const counted = range.coverage === "flat" ? coverage.flat : coverage.convex;
      const allSimple = !skinned &&
        list.every(({ objectIndex }) => !isolated.has(now.objects[objectIndex].id));
      if (allSimple && inView > 0) counted.push(draw);
      for (const [rank, { part, index, objectIndex }] of list.entries()) {
        const o = now.objects[objectIndex];
        const base = slot * INSTANCE_FLOATS;
        const model = data.subarray(base, base + 16);
        place(o.model, partMatrix(o, part, index), model);
        // Flow: the same part where the next frame puts it (articulated parts move on their own).
        const after = nextObjects.get(o.id) ?? o;
        const posed = after.mesh === o.mesh ? after : o;
        place(after.model, partMatrix(posed, part, index), data.subarray(base + 16, base + 32));
        let single: Draw = { ...draw, firstInstance: slot, instanceCount: 1, cullBack: false };
        if (skinned) {
          if (!o.skinMatrices) {
            throw new RangeError(
              `Object "${o.name}" draws a skinned mesh but has no skin matrices`,
            );
          }
          const at = this.#meshes.pose(
            mesh,
            posedMesh(mesh, o.skinMatrices),
            posedMesh(mesh, posed.skinMatrices ?? o.skinMatrices),
          );
          single = { ...single, ...at };
          draws.push(single);
          if (mesh.castShadow !== false) shadowDraws.push(single);
          addRect(o.id, undefined); // posed vertices: no sphere kept
        }
        mat4.transpose(mat4.inverse(model, m), m);
        data.set(m, base + 32);
        const material = o.material.override ? o.material : part.material ?? o.material;
        data.set(material.color, base + 48);
        data[base + 51] = 1;
        const texture = material.texture ? scene.textures.get(material.texture) : undefined;
        if (material.texture && !texture) {
          throw new RangeError(`Object "${o.name}" uses unknown texture "${material.texture}"`);
        }
        data[base + 52] = material.roughness;
        data[base + 53] = material.metalness;
        data[base + 54] = texture ? this.#textures.layer(texture) : -1;
        textured ||= texture !== undefined;
        data[base + 55] = material.occlusionStrength ?? 1;
        mapped = this.#writeMaps(scene, o.name, material, data, base + 56) || mapped;
        ids.fill(0, base + 64, base + 68);
        ids[base + 64] = o.id;
        data.set(material.uvScale ?? [1, 1], base + 68);
        data[base + 70] = 0;
        data[base + 71] = 0;
        if (rank < inView) {
          if (isolated.has(o.id)) {
            let own = isolatedDraws.get(o.id);
            if (!own) isolatedDraws.set(o.id, own = []);
            own.push(single);
          } else if (!allSimple) {
            counted.push(single);
          }
        }
        slot++;
      }
    }
    for (const id of [...isolated].sort((a, b) => a - b)) {
      const own = isolatedDraws.get(id);
      // none: wholly out of view; no rect: drawn in a pass of its own
      if (own) coverage.isolated.push({ id, draws: own, rect: rects.get(id) ?? undefined });
    }
    this.#device.queue.writeBuffer(this.#instanceBuffer, 0, data, 0, slot * INSTANCE_FLOATS);
    return { draws, shadowDraws, coverage, textured, mapped };
  }

  /**
   * Writes the `maps` and `emissive` vec4s of an instance at `at` (layers of the material's
   * normal, metallic-roughness, occlusion and emissive textures); returns whether it has any.
   */
  #writeMaps(
    scene: Scene,
    name: string,
    material: Material,
    data: Float32Array,
    at: number,
  ): boolean {
    const find = (key: string | undefined) => {
      if (key === undefined) return undefined;
      const texture = scene.textures.get(key);
      if (!texture) throw new RangeError(`Object "${name}" uses unknown texture "${key}"`);
      return texture;
    };
    const normal = find(material.normalTexture);
    const metalRough = find(material.metalRoughTexture);
    const occlusion = find(material.occlusionTexture);
    const emissiveTexture = find(material.emissiveTexture);
    const emissive = material.emissive ?? [0, 0, 0];
    data[at] = normal ? this.#textures.dataLayer(normal) : -1;
    data[at + 1] = metalRough ? this.#textures.dataLayer(metalRough) : -1;
    data[at + 2] = occlusion ? this.#textures.dataLayer(occlusion) : -1;
    data[at + 3] = material.normalScale ?? 1;
    data.set(emissive, at + 4);
    data[at + 7] = emissiveTexture ? this.#textures.layer(emissiveTexture) : -1;
    return normal !== undefined || metalRough !== undefined || occlusion !== undefined ||
      emissive.some((c) => c > 0);
  }

  #writeFrameUniform(now: FrameState, next: FrameState) {
    const f = this.#frameData;
    f.fill(0);
    f.set(now.view, 0);
    f.set(now.proj, 16);
    f.set(next.view, 32);
    f.set(next.proj, 48);
    f.set(now.cameraPosition, 64);
    f[68] = this.width;
    f[69] = this.height;
    const a = now.ambient;
    f.set(a.color.map((c) => c * a.intensity), 72);
    const lights = now.lights.slice(0, MAX_LIGHTS);
    new Uint32Array(f.buffer)[76] = lights.length;
    lights.forEach((light, i) => {
      const base = 80 + i * 20;
      const u = new Uint32Array(f.buffer);
      u[base] = light.type === "directional" ? 0 : light.type === "point" ? 1 : 2;
      u[base + 1] = light.castShadow ? 1 : 0;
      f.set(light.position, base + 4);
      f.set(light.direction, base + 8);
      f.set(light.color.map((c) => c * light.intensity), base + 12);
      const outer = (light.angle * Math.PI) / 180;
      f[base + 16] = Math.cos(outer * 0.8);
      f[base + 17] = Math.cos(outer);
    });
  }

  /**
   * Fills the shadow and environment part of the frame uniform and uploads
   * it; returns whether a shadow map must be rendered this frame.
   */
  #writeLighting(scene: Scene, now: FrameState): boolean {
    const f = this.#frameData;
    const settings = renderSettings(scene);
    const lights = now.lights.slice(0, MAX_LIGHTS);
    const key = lights.findIndex((l) => l.castShadow && l.intensity > 0);
    const bounds = key >= 0 ? this.#sceneBounds(scene, now) : undefined;
    if (key >= 0 && bounds) {
      const fit = fitShadow(lights[key], bounds, this.#shadow.size);
      f.set(fit.viewProj, 240);
      f[256] = 1;
      f[257] = key;
      f[258] = 1 / this.#shadow.size;
      f[259] = fit.texelWorld * 1.5;
      // penumbra radius in texels per unit of map depth between blocker and receiver
      const halfAngle = (lights[key].size * Math.PI) / 360;
      f[304] = (fit.depthRange * Math.tan(halfAngle)) / fit.texelWorld;
      f[305] = MAX_PENUMBRA_TEXELS;
    }
    const env = settings.environment;
    if (env && env.intensity > 0) {
      const uploaded = this.#uploadEnvironment(env);
      f[260] = env.intensity;
      f[261] = (env.rotation * Math.PI) / 180;
      f[262] = env.background ? 1 : 0;
      f[263] = uploaded.levels - 1;
      if (this.#envSh?.image !== env.image || this.#envSh.rotation !== env.rotation) {
        const sky = irradianceSh(env.image, env.rotation, [0, 0, 0]);
        const ground = irradianceSh(env.image, env.rotation, [1, 1, 1]).map((v, i) => v - sky[i]);
        this.#envSh = {
          image: env.image,
          rotation: env.rotation,
          sh: irradianceSh(env.image, env.rotation),
          sky,
          ground,
        };
      }
      const sh = this.#withFloor(this.#envSh, now, env.intensity);
      for (let i = 0; i < 9; i++) f.set(sh.subarray(i * 3, i * 3 + 3), 264 + i * 4);
    }
    f[300] = TONE_MAPPING_CODE[settings.toneMapping];
    f[301] = 2 ** settings.exposure;
    this.#device.queue.writeBuffer(this.#frameUniform, 0, f);
    return key >= 0 && bounds !== undefined;
  }

  /**
   * The environment's diffuse SH with the scene's floor below the horizon (ground_bounce.ts),
   * or the map's own when there is no floor.
   */
  #withFloor(
    env: EnvironmentSh,
    now: FrameState,
    intensity: number,
  ): Float32Array {
    const floor = floorOf(now);
    if (!floor) return env.sh;
    const skyUp = shIrradiance(env.sky, [0, 1, 0]).map((v) => v * intensity) as Vec3;
    // the shader scales the SH by the intensity: the floor's radiance goes in unscaled
    const ground = groundRadiance(now, floor, skyUp).map((v) => v / intensity);
    for (let i = 0; i < 27; i++) this.#floorSh[i] = env.sky[i] + ground[i % 3] * env.ground[i];
    return this.#floorSh;
  }

  /** World AABB of the frame's objects, clipped to SHADOW_REACH around the camera. */
  #sceneBounds(scene: Scene, now: FrameState): Bounds | undefined {
    const min = [Infinity, Infinity, Infinity];
    const max = [-Infinity, -Infinity, -Infinity];
    const world = new Float32Array(16);
    for (const o of now.objects) {
      for (const [index, part] of (scene.meshes.get(o.mesh) ?? []).entries()) {
        if (part.mesh.castShadow === false) continue; // casts nothing: the map need not hold it
        const b = posedBounds(part.mesh, o.skinMatrices);
        place(o.model, partMatrix(o, part, index), world);
        for (let i = 0; i < 8; i++) {
          const x = i & 1 ? b.max[0] : b.min[0];
          const y = i & 2 ? b.max[1] : b.min[1];
          const z = i & 4 ? b.max[2] : b.min[2];
          for (let k = 0; k < 3; k++) {
            const v = world[k] * x + world[4 + k] * y + world[8 + k] * z + world[12 + k];
            min[k] = Math.min(min[k], v);
            max[k] = Math.max(max[k], v);
          }
        }
      }
    }
    if (!Number.isFinite(min[0])) return undefined;
    const c = now.cameraPosition;
    for (let k = 0; k < 3; k++) {
      min[k] = Math.max(min[k], c[k] - SHADOW_REACH);
      max[k] = Math.min(max[k], c[k] + SHADOW_REACH);
      if (min[k] > max[k]) return undefined;
    }
    return { min: min as Bounds["min"], max: max as Bounds["max"] };
  }

  /** The specular environment texture of `env` (prefiltered on the GPU when the map changes). */
  #uploadEnvironment(env: Environment) {
    if (this.#env?.source === env.image) return this.#env;
    this.#env?.texture.destroy();
    const texture = this.#prefilter.run(env.image);
    this.#env = {
      source: env.image,
      texture,
      view: texture.createView(),
      levels: texture.mipLevelCount,
    };
    return this.#env;
  }

  #lightingBindGroup(): GPUBindGroup {
    const envView = this.#env?.view;
    if (
      !this.#lightingGroup || this.#lightingEnv !== envView ||
      this.#lightingShadow !== this.#shadow.view
    ) {
      this.#lightingEnv = envView;
      this.#lightingShadow = this.#shadow.view;
      this.#lightingGroup = this.#device.createBindGroup({
        label: "Renderer.lighting",
        layout: this.#gbuffer.lightingLayout,
        entries: [
          { binding: 0, resource: this.#shadow.view },
          { binding: 1, resource: this.#shadow.sampler },
          { binding: 2, resource: envView ?? this.#blackEnv.createView() },
          { binding: 3, resource: this.#envSampler },
          { binding: 4, resource: this.#gbuffer.ao.view },
          { binding: 5, resource: this.#brdfLut.createView() },
          { binding: 6, resource: this.#clampSampler },
          { binding: 7, resource: this.#shadow.view },
        ],
      });
    }
    return this.#lightingGroup;
  }

  #lightingEnv?: GPUTextureView;
  #lightingShadow?: GPUTextureView;

  #createInstanceBuffer(capacity: number): GPUBuffer {
    const buffer = this.#device.createBuffer({
      label: "Renderer.instances",
      size: capacity * INSTANCE_FLOATS * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.#frameGroup = this.#device.createBindGroup({
      label: "Renderer.frameGroup",
      layout: this.#gbuffer.frameLayout,
      entries: [
        { binding: 0, resource: { buffer: this.#frameUniform } },
        { binding: 1, resource: { buffer } },
      ],
    });
    return buffer;
  }

  #rebuildRing() {
    let offset = 0;
    const sections = {} as Record<TargetName | "labels", Section>;
    for (const name of TARGET_NAMES) {
      const bytesPerRow = align(this.width * BYTES_PER_PIXEL[name], 256);
      sections[name] = { offset, bytesPerRow };
      offset += bytesPerRow * this.height;
    }
    sections.labels = { offset, bytesPerRow: 0 };
    offset += this.#labels.byteSize;
    this.#sections = sections;
    this.#ring?.destroy();
    this.#ring = new ReadbackRing(this.#device, offset, this.#inFlight);
  }

  #copyOut(encoder: GPUCommandEncoder, staging: GPUBuffer) {
    for (const name of TARGET_NAMES) {
      const s = this.#sections[name];
      encoder.copyTextureToBuffer(
        { texture: this.#gbuffer.targets[name] },
        { buffer: staging, offset: s.offset, bytesPerRow: s.bytesPerRow },
        [this.width, this.height],
      );
    }
    encoder.copyBufferToBuffer(
      this.#labels.buffer,
      0,
      staging,
      this.#sections.labels.offset,
      this.#labels.byteSize,
    );
  }

  /** Reads a frame into host arrays for `consume`; the arrays are reused once it settles. */
  async #deliver(bytes: ArrayBuffer, meta: FrameMeta, consume: FrameConsumer): Promise<void> {
    const host = this.hostFrames.take();
    try {
      await consume(this.#decode(bytes, meta, host));
    } finally {
      this.hostFrames.release(host);
    }
  }

  /** Copies a frame out of its mapped staging bytes into `host`'s arrays. */
  #decode(bytes: ArrayBuffer, meta: FrameMeta, host: HostFrame): RenderedFrame {
    for (const name of TARGET_NAMES) {
      const s = this.#sections[name];
      const tight = this.width * BYTES_PER_PIXEL[name];
      const out = host.bytes(name);
      if (s.bytesPerRow === tight) {
        out.set(new Uint8Array(bytes, s.offset, tight * this.height));
        continue;
      }
      const rows = new Uint8Array(bytes, s.offset, s.bytesPerRow * this.height);
      for (let y = 0; y < this.height; y++) {
        const from = y * s.bytesPerRow;
        out.set(rows.subarray(from, from + tight), y * tight);
      }
    }
    const labelWords = new Uint32Array(
      bytes,
      this.#sections.labels.offset,
      this.#labels.byteSize / 4,
    );
    return {
      meta,
      width: this.width,
      height: this.height,
      rgb: host.rgb,
      depth: host.depth,
      normals: host.normals,
      instance: host.instance,
      flow: host.flow,
      labels: decodeLabels(labelWords, meta.maxId),
    };
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** Where part `index` of an object's mesh sits in the object's frame for this state. */
function partMatrix(o: ObjectState, part: MeshPart, index: number): Float32Array | undefined {
  return o.partMatrices?.[index] ?? part.matrix;
}

function place(objectModel: Float32Array, partMatrix: Float32Array | undefined, dst: Float32Array) {
  if (partMatrix) mat4.multiply(objectModel, partMatrix, dst);
  else dst.set(objectModel);
}

export { TARGETS };
