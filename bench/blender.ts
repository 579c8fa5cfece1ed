/**
 * A scene as Blender builds it (bench/peer_blender.py), shared by bench/peer.ts (speed) and
 * bench/quality.ts (pixels against Cycles): meshes as synthvid tessellates them (the engine's
 * own primitives, with their normals), objects with keyframes, camera, lights and world, every
 * light already in Blender's units. Positions, directions and Euler angles stay in synthvid's
 * frame (+Y up, R = Rx·Ry·Rz); the Python side turns them into Blender's (+Z up).
 *
 * Light units (measured by bench/quality.ts's calibration scenes, docs/performance.md):
 * - a synthvid directional light of colour c (linear) × intensity I gives a white matte surface
 *   facing it radiance c·I; Blender's Sun strength is irradiance in W/m², and a Lambertian
 *   surface reflects E/π, so Sun strength = π·I ({@link sunStrength});
 * - a synthvid point light gives radiance c·I·cosθ/d² on a white matte surface (irradiance
 *   π·I·cosθ/d², radiant intensity π·I W/sr); a Cycles point lamp of P watts has radiant
 *   intensity P/(4π) W/sr, so P = 4π²·I ({@link pointPower});
 * - synthvid's environment radiance (map × intensity) and `ambient` colour × intensity are
 *   radiance already: the world Background strength is that radiance, colour 1.
 */
import { primitives } from "../engine/scene/mesh.ts";
import type { Vec3 } from "../engine/scene/vector.ts";

/** A synthvid directional light's intensity as a Blender Sun strength (W/m²). */
export const sunStrength = (intensity: number) => Math.PI * intensity;
/** A synthvid point light's intensity as a Cycles point lamp's power (W). */
export const pointPower = (intensity: number) => 4 * Math.PI ** 2 * intensity;

export interface BlenderMesh {
  /** xyz per vertex, synthvid object space. */
  positions: number[];
  /** Unit normals per vertex (set as Blender custom split normals). */
  normals: number[];
  /** Triangles. */
  indices: number[];
}

export interface BlenderKey {
  frame: number;
  position: Vec3;
  /** Euler degrees, synthvid's convention (R = Rx·Ry·Rz about the world axes). */
  rotation: Vec3;
  scale: Vec3;
}

export interface BlenderObject {
  name: string;
  /** Key into {@link BlenderScene.meshes}. */
  mesh: string;
  /** Linear RGB base colour. */
  color: Vec3;
  roughness: number;
  metalness: number;
  /** "diffuse": a Lambertian Diffuse BSDF instead of the Principled BSDF (unit checks). */
  shader?: "diffuse";
  /** Object index pass value (0 = none). */
  passIndex?: number;
  /** One key: static; more: keyframed (Blender interpolates as synthvid does between keys). */
  keys: BlenderKey[];
}

export type BlenderLight =
  | {
    type: "sun";
    /** Direction the light travels, synthvid frame. */
    direction: Vec3;
    /** W/m² ({@link sunStrength}). */
    strength: number;
    /** Linear RGB. */
    color: Vec3;
    /** Angular diameter, degrees. */
    angle: number;
  }
  | {
    type: "point";
    position: Vec3;
    /** Watts ({@link pointPower}). */
    power: number;
    color: Vec3;
    /** Soft-shadow radius, metres. */
    radius: number;
  };

export interface BlenderWorld {
  /** Linear RGB radiance of a uniform world (ignored with `hdr`). */
  color: Vec3;
  /** Multiplies the colour or the map. */
  strength: number;
  /** An equirectangular .hdr/.exr already in Blender's orientation ({@link blenderEquirect}). */
  hdr?: string;
}

export interface BlenderScene {
  width: number;
  height: number;
  fps: number;
  frames: number;
  camera: { position: Vec3; lookAt: Vec3; fovY: number };
  world: BlenderWorld;
  lights: BlenderLight[];
  meshes: Record<string, BlenderMesh>;
  objects: BlenderObject[];
  /** Cycles' sampling seed (default 1). */
  seed?: number;
}

/** A synthvid primitive (cube, sphere, …) as Blender mesh data. */
export function primitiveMesh(name: string): BlenderMesh {
  const make = primitives[name];
  if (!make) throw new Error(`no primitive mesh "${name}"`);
  const m = make();
  const round = (a: Float32Array) => Array.from(a, (v) => +v.toFixed(6));
  return {
    positions: round(m.positions),
    normals: round(m.normals),
    indices: Array.from(m.indices),
  };
}

/**
 * An equirectangular map (synthvid's orientation, turned by `rotation` degrees as the shader
 * turns it) laid out as Blender's Environment Texture reads it: Blender's u = ½ − atan2(y, x)/2π
 * in its +Z-up frame is synthvid's u − ¼ − rotation/360, so columns move by a quarter turn plus
 * the rotation (nearest column; exact when width × (¼ + rotation/360) is whole).
 */
export function blenderEquirect(
  image: { width: number; height: number; data: Float32Array },
  rotation = 0,
): { width: number; height: number; data: Float32Array } {
  const { width: w, height: h, data } = image;
  const shift = Math.round(w * (0.25 + rotation / 360));
  const out = new Float32Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const from = (y * w + (((x + shift) % w) + w) % w) * 3;
      out.set(data.subarray(from, from + 3), (y * w + x) * 3);
    }
  }
  return { width: w, height: h, data: out };
}

/** `blender --version`'s first line, or undefined when Blender is not installed. */
export async function blenderVersion(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("blender", {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).split("\n")[0].trim() : undefined;
  } catch {
    return undefined;
  }
}

/** What peer_blender.py reports. */
export interface BlenderResult {
  mode: string;
  frames: number;
  build_s: number;
  render_s: number;
  steady_s_per_frame: number | null;
  blender: string;
  /** Wall time of the whole process, seconds. */
  clipSeconds: number;
}

/**
 * Renders `sceneJson` (a {@link BlenderScene}) into `outDir` as frame_NNNN files. Modes:
 * `cycles<N>` (N spp, rgb/depth/normal/object-index multilayer EXR, as Kubric writes),
 * `workbench` (rgb PNG), `beauty<N>` (Cycles N spp, rgb 8-bit PNG, view transform Standard).
 */
export async function runBlender(
  sceneJson: string,
  outDir: string,
  mode: string,
): Promise<BlenderResult> {
  const script = new URL("./peer_blender.py", import.meta.url).pathname;
  const started = performance.now();
  const out = await new Deno.Command("blender", {
    args: [
      "-b",
      "--factory-startup",
      "-noaudio",
      "--python",
      script,
      "--",
      sceneJson,
      outDir,
      mode,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const clipSeconds = (performance.now() - started) / 1000;
  const text = new TextDecoder().decode(out.stdout);
  const line = text.split("\n").find((l) => l.startsWith("BLENDER_RESULT "));
  if (!out.success || !line) {
    const tail = (text + new TextDecoder().decode(out.stderr)).trim().split("\n").slice(-8)
      .join("\n");
    throw new Error(`blender ${mode} failed (exit ${out.code}):\n${tail}`);
  }
  return { ...JSON.parse(line.slice("BLENDER_RESULT ".length)), clipSeconds };
}
