/**
 * Per-scene render settings that are not part of a frame's geometry: quality
 * preset (shadow map size, rgb supersampling) and the environment map. Kept
 * beside the Scene (a WeakMap) so plugins can set them in clipStart and the
 * renderer reads them at render time.
 */
import type { Scene } from "./scene.ts";
import type { ToneMapping } from "./tone_mapping.ts";

/** An equirectangular HDR image: linear RGB float triples, top row = straight up. */
export interface EnvironmentImage {
  width: number;
  height: number;
  /** Linear RGB, 3 floats per pixel, row-major, top row first. */
  data: Float32Array;
}

export interface Environment {
  image: EnvironmentImage;
  /** Multiplies the image's radiance (lighting and background alike). */
  intensity: number;
  /** Rotation about +Y in degrees. */
  rotation: number;
  /** True: background pixels show the environment instead of the solid colour. */
  background: boolean;
  /** Short name for labels ("sky:sunset", "file:studio.hdr"). */
  name: string;
}

/** How ambient occlusion is traced from depth and normals (engine/gpu/ao_pass.ts). */
export interface AoSettings {
  /** World radius of the search in metres. */
  radius: number;
  /** Visibility is raised to this power (1 = as traced). */
  strength: number;
  /** Screen directions per pixel. */
  slices: number;
  /** Samples per direction and side. */
  steps: number;
}

/**
 * What a real camera does to the picture (engine/gpu/camera_effects_pass.ts; RGB only).
 * Each is off at its neutral value; randomizer/camera_effects draws them per clip.
 */
export interface CameraEffects {
  /** Exposure as a share of the frame interval (0.5 = a 180° shutter); 0 = no motion blur. */
  shutter: number;
  /** Thin-lens depth of field: f-number, 0 = everything sharp. */
  fNumber: number;
  /** Distance (metres) that is in focus. */
  focusDistance: number;
  /** Sensor width in millimetres (36 = full frame): with the field of view, the focal length. */
  sensorWidth: number;
  /** Vignetting 0..1: 1 = the full cos⁴ falloff of a simple lens. */
  vignetting: number;
  /** Linear rgb gains of a white-balance error ([1, 1, 1] = neutral). */
  whiteBalance: [number, number, number];
  /** Sensor noise as linear variance: gain × signal (shot noise) + floor (read noise). */
  noiseGain: number;
  noiseFloor: number;
  /** Seeds the noise (with the frame), so the same clip gives the same bytes. */
  seed: number;
}

export type Quality = "low" | "high" | "ultra";

export interface RenderSettings {
  quality: Quality;
  /** Shadow map edge in texels. */
  shadowMapSize: number;
  /** RGB is rendered at this factor per axis and averaged down (1 = off); labels stay 1×. */
  supersample: number;
  /** Curve from linear radiance to display values (RGB only; see tone_mapping.ts). */
  toneMapping: ToneMapping;
  /** Exposure in EV: radiance is scaled by 2^exposure before the curve. */
  exposure: number;
  /** Ambient occlusion of ambient and environment light; undefined = off. */
  ambientOcclusion?: AoSettings;
  /**
   * Soft shadows of directional lights by their size (PCSS: a blocker search, then a filter as
   * wide as the penumbra) with this many samples each; 0 = a fixed 5×5 texel filter.
   */
  softShadows: number;
  environment?: Environment;
  /** Camera and sensor effects on rgb; undefined = none. */
  cameraEffects?: CameraEffects;
  /** rgb.mp4's bitrate × this for the clip (lower = stronger compression artefacts). */
  videoBitrateScale: number;
  /** A preset the run forces (`--quality`): setQuality applies it whatever a plugin asks. */
  forcedQuality?: Quality;
  /**
   * Levels of detail (engine/scene/lod.ts): dense meshes drawn simplified by at most this many
   * pixels of screen error, labels included; undefined = always the full meshes.
   */
  lod?: number;
}

type Preset = Pick<
  RenderSettings,
  "shadowMapSize" | "supersample" | "ambientOcclusion" | "softShadows"
>;

/** What each quality preset turns on (docs/look.md lists them with their cost). */
export const QUALITY_PRESETS: Record<Quality, Preset> = {
  low: { shadowMapSize: 1024, supersample: 1, ambientOcclusion: undefined, softShadows: 0 },
  high: {
    shadowMapSize: 2048,
    supersample: 2,
    ambientOcclusion: { radius: 0.5, strength: 1, slices: 2, steps: 4 },
    softShadows: 16,
  },
  ultra: {
    shadowMapSize: 4096,
    supersample: 3,
    ambientOcclusion: { radius: 0.5, strength: 1, slices: 4, steps: 8 },
    softShadows: 32,
  },
};

export function defaultRenderSettings(): RenderSettings {
  return {
    quality: "low",
    ...QUALITY_PRESETS.low,
    toneMapping: "neutral",
    exposure: 0,
    videoBitrateScale: 1,
  };
}

const settings = new WeakMap<Scene, RenderSettings>();

/** The scene's settings (a default set is attached on first use). */
export function renderSettings(scene: Scene): RenderSettings {
  let s = settings.get(scene);
  if (!s) settings.set(scene, s = defaultRenderSettings());
  return s;
}

/** Applies a quality preset to the scene. */
export function setQuality(scene: Scene, quality: Quality): RenderSettings {
  const s = renderSettings(scene);
  const chosen = s.forcedQuality ?? quality;
  Object.assign(s, { quality: chosen, ...QUALITY_PRESETS[chosen] });
  return s;
}

export function setEnvironment(scene: Scene, environment: Environment | undefined): void {
  renderSettings(scene).environment = environment;
}
