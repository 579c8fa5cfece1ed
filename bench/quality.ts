/**
 * `deno task bench:quality`: reference scenes rendered by synthvid at every quality preset
 * (QUALITY_PRESETS, applied by `randomizer/quality`, tone mapping `none`, 0 EV) and by Blender
 * Cycles (512 spp by default, at least 256; view transform Standard, look None, exposure 0) with the same camera,
 * meshes, materials, lights and environment (bench/blender.ts builds the Blender scene, in
 * Blender's light units). Prints PSNR and SSIM per scene and preset and end-to-end fps per
 * preset in one table; writes synthvid | Cycles | |diff|×4 PNGs and quality.json under
 * bench/results/quality/. Skipped with a message when `blender` is not installed.
 *
 * Scenes: calibration (a white matte plane under a uniform environment, and under a sun and a
 * point light alone: light units), primitives (cube, sphere, cylinder under a sun and a grey
 * sky), primitives_hdri (the same under the library HDRI "sky" with its sun taken out as a light,
 * Blender getting the same clamped map and sun), spheres (dielectric and metal spheres at
 * roughness 0.1 / 0.4 / 0.8 under that HDRI: specular IBL).
 *
 *   deno task bench:quality [--scenes a,b] [--size 256x256] [--samples 512] [--fps-frames 48]
 *                           [--no-cache] [--json PATH]
 *
 * Cycles renders are cached under bench/results/quality/cache/ by the hash of their scene
 * description (a rerun after a synthvid change only renders synthvid); --no-cache renders anew.
 */
import { decode } from "fast-png";
import { parseCommandLine, UsageError } from "../engine/cli/args.ts";
import { encodeRgbPng } from "../engine/dataset/png.ts";
import { acquireGpu, describeGpu, type Gpu } from "../engine/gpu/gpu.ts";
import { renderDataset } from "../engine/run/dataset_run.ts";
import { linearToSrgb, srgbToLinear } from "../engine/scene/color.ts";
import { directionFromAngles } from "../engine/scene/environment.ts";
import { encodeHdr } from "../engine/scene/hdr.ts";
import { type HdriName, loadHdri } from "../engine/scene/hdri_library.ts";
import { QUALITY_PRESETS } from "../engine/scene/render_settings.ts";
import { extractSun, upwardIrradiance } from "../engine/scene/sun_from_environment.ts";
import { SUN_DIAMETER } from "../engine/scene/scene.ts";
import type { Vec3 } from "../engine/scene/vector.ts";
import {
  blenderEquirect,
  type BlenderLight,
  type BlenderScene,
  blenderVersion,
  pointPower,
  primitiveMesh,
  runBlender,
  sunStrength,
} from "./blender.ts";
import { absDiff, type Image8, psnr, sideBySide, ssim } from "./image_metrics.ts";

const FLAGS = {
  scenes: { type: "string", description: "comma-separated scene names (default all)" },
  size: { type: "size", description: "frame size (default 256x256)" },
  samples: { type: "integer", description: "Cycles samples per pixel (default 512, at least 256)" },
  "fps-frames": {
    type: "integer",
    description: "frames per clip of the fps run (default 48; 2 clips per preset)",
  },
  "no-cache": { type: "boolean", description: "render Cycles again even when cached" },
  "noise-floor": {
    type: "boolean",
    description:
      "also render Cycles with another seed and score it against the first (the best a match can do)",
  },
  json: {
    type: "string",
    description: "results file (default bench/results/quality/quality.json)",
  },
  help: { type: "boolean", description: "show this help" },
} as const;

// ---------------------------------------------------------------------------------------------
// Reference scenes: one description feeds synthvid (YAML) and Blender (BlenderScene).

interface RefObject {
  name: string;
  mesh: "cube" | "sphere" | "cylinder" | "plane";
  position: Vec3;
  /** Euler degrees (synthvid convention). */
  rotation?: Vec3;
  scale: Vec3;
  /** sRGB 0..1, as in scene YAML. */
  color: Vec3;
  roughness: number;
  metalness: number;
}

type RefLight =
  | { type: "directional"; direction: Vec3; intensity: number; castShadow: boolean }
  | { type: "point"; position: Vec3; intensity: number; castShadow: boolean };

interface RefScene {
  name: string;
  what: string;
  camera: { position: Vec3; lookAt: Vec3; fovY: number };
  lights: RefLight[];
  /** uniform: a constant environment of linear radiance `radiance`; hdri: a library map. */
  environment?: { kind: "uniform"; radiance: number } | { kind: "hdri"; name: HdriName };
  objects: RefObject[];
  /** Blender shades every object with a pure Lambertian Diffuse BSDF (light-unit checks). */
  lambert?: boolean;
}

const floor = (color: Vec3 = [0.5, 0.5, 0.5], roughness = 0.9): RefObject => ({
  name: "floor",
  mesh: "plane",
  position: [0, 0, 0],
  scale: [12, 1, 12],
  color,
  roughness,
  metalness: 0,
});

const PRIMITIVES: RefObject[] = [
  floor(),
  {
    name: "red cube",
    mesh: "cube",
    position: [-1.1, 0.4, 0.1],
    rotation: [0, 30, 0],
    scale: [0.8, 0.8, 0.8],
    color: [0.8, 0.15, 0.12],
    roughness: 0.5,
    metalness: 0,
  },
  {
    name: "green sphere",
    mesh: "sphere",
    position: [0.05, 0.45, -0.3],
    scale: [0.9, 0.9, 0.9],
    color: [0.2, 0.7, 0.25],
    roughness: 0.4,
    metalness: 0,
  },
  {
    name: "blue cylinder",
    mesh: "cylinder",
    position: [1.1, 0.5, 0.2],
    scale: [0.7, 1, 0.7],
    color: [0.15, 0.3, 0.85],
    roughness: 0.6,
    metalness: 0,
  },
  {
    name: "yellow cube",
    mesh: "cube",
    position: [0.5, 0.2, 1.0],
    rotation: [0, -20, 0],
    scale: [0.4, 0.4, 0.4],
    color: [0.9, 0.75, 0.15],
    roughness: 0.3,
    metalness: 0,
  },
];

const CAMERA = { position: [0, 1.7, 4.6] as Vec3, lookAt: [0, 0.4, 0] as Vec3, fovY: 40 };
const DOWN = { position: [0, 2, 2] as Vec3, lookAt: [0, 0, 0] as Vec3, fovY: 40 };
const HDRI: HdriName = "sky";

const spheres = (): RefObject[] => {
  const out: RefObject[] = [floor([0.35, 0.35, 0.35], 0.8)];
  [0.1, 0.4, 0.8].forEach((roughness, i) => {
    const x = (i - 1) * 1.05;
    out.push({
      name: `white ${roughness}`,
      mesh: "sphere",
      position: [x, 0.45, 0.5],
      scale: [0.9, 0.9, 0.9],
      color: [0.85, 0.85, 0.85],
      roughness,
      metalness: 0,
    });
    out.push({
      name: `gold ${roughness}`,
      mesh: "sphere",
      position: [x, 0.45, -0.7],
      scale: [0.9, 0.9, 0.9],
      color: [1.0, 0.78, 0.34],
      roughness,
      metalness: 1,
    });
  });
  return out;
};

const SUN: RefLight = {
  type: "directional",
  direction: [-0.5, -1, -0.4],
  intensity: 2.5,
  castShadow: true,
};

const SCENES: RefScene[] = [
  {
    name: "calibration",
    what: "white matte plane, uniform environment L = 0.5",
    camera: DOWN,
    lights: [],
    environment: { kind: "uniform", radiance: 0.5 },
    objects: [floor([1, 1, 1], 1)],
  },
  {
    name: "calibration_lambert",
    what: "the same, Cycles with a Lambertian Diffuse BSDF instead of the Principled BSDF",
    camera: DOWN,
    lights: [],
    environment: { kind: "uniform", radiance: 0.5 },
    objects: [floor([1, 1, 1], 1)],
    lambert: true,
  },
  {
    name: "calibration_sun",
    what:
      "white matte plane, one sun (I = 0.8, 30° off vertical), no environment; Cycles Lambertian",
    lambert: true,
    camera: DOWN,
    lights: [{
      type: "directional",
      direction: [0.5, -Math.sqrt(3) / 2, 0],
      intensity: 0.8,
      castShadow: false,
    }],
    objects: [floor([1, 1, 1], 1)],
  },
  {
    name: "calibration_point",
    what:
      "white matte plane, one point light (I = 1.5, 1.5 m up), no environment; Cycles Lambertian",
    lambert: true,
    camera: DOWN,
    lights: [{ type: "point", position: [0, 1.5, 0], intensity: 1.5, castShadow: false }],
    objects: [floor([1, 1, 1], 1)],
  },
  {
    name: "primitives",
    what: "cube, sphere, cylinder on a floor, one sun, grey uniform sky",
    camera: CAMERA,
    lights: [SUN],
    environment: { kind: "uniform", radiance: 0.25 },
    objects: PRIMITIVES,
  },
  {
    name: "primitives_hdri",
    what: `the same under the HDRI "${HDRI}", its sun taken out as a light`,
    camera: CAMERA,
    lights: [],
    environment: { kind: "hdri", name: HDRI },
    objects: PRIMITIVES,
  },
  {
    name: "spheres",
    what: `dielectric and gold spheres, roughness 0.1 / 0.4 / 0.8, HDRI "${HDRI}"`,
    camera: CAMERA,
    lights: [],
    environment: { kind: "hdri", name: HDRI },
    objects: spheres(),
  },
];

// ---------------------------------------------------------------------------------------------
// synthvid side

const v = (a: readonly number[]) => `[${a.map((x) => +x.toFixed(5)).join(", ")}]`;

function sceneYaml(
  s: RefScene,
  preset: string,
  size: [number, number],
  frames: number,
  outputs: string[],
): string {
  const lines = [
    `name: quality_${s.name}`,
    "seed: 1",
    "clips: 1",
    `frames: ${frames}`,
    "fps: 24",
    `size: [${size[0]}, ${size[1]}]`,
    `outputs: [${outputs.join(", ")}]`,
    `camera: { position: ${v(s.camera.position)}, look_at: ${
      v(s.camera.lookAt)
    }, fov: ${s.camera.fovY} }`,
    "background: [0, 0, 0]",
    "ambient: { color: [1, 1, 1], intensity: 0 }",
    s.lights.length ? "lights:" : "lights: []",
  ];
  for (const l of s.lights) {
    const where = l.type === "directional"
      ? `direction: ${v(l.direction)}`
      : `position: ${v(l.position)}`;
    lines.push(
      `  - { type: ${l.type}, ${where}, color: [1, 1, 1], intensity: ${l.intensity}, cast_shadow: ${l.castShadow} }`,
    );
  }
  lines.push("objects:");
  for (const o of s.objects) {
    lines.push(
      `  - { name: ${o.name}, class: ${
        o.mesh === "plane" ? "floor" : o.mesh
      }, mesh: ${o.mesh}, position: ${v(o.position)}, rotation: ${
        v(o.rotation ?? [0, 0, 0])
      }, scale: ${v(o.scale)}, color: ${
        v(o.color)
      }, roughness: ${o.roughness}, metalness: ${o.metalness} }`,
    );
  }
  lines.push("plugins:");
  const fixed = "env_intensity_range: [1, 1], env_rotation_range: [0, 0]";
  if (s.environment?.kind === "uniform") {
    lines.push(`  - { use: randomizer/scene, with: { type: env, hdr: uniform.hdr, ${fixed} } }`);
  } else if (s.environment?.kind === "hdri") {
    lines.push(
      `  - { use: randomizer/scene, with: { type: env, hdri: ${s.environment.name}, ${fixed} } }`,
    );
  }
  lines.push(
    `  - { use: randomizer/quality, with: { quality: ${preset}, tone_mapping: none, exposure: 0 } }`,
  );
  return lines.join("\n") + "\n";
}

/** A constant environment (a small .hdr; RGBE holds 0.5 and 0.25 exactly). */
function uniformHdr(radiance: number): Uint8Array {
  const w = 64, h = 32;
  return encodeHdr({ width: w, height: h, data: new Float32Array(w * h * 3).fill(radiance) });
}

function readPng(bytes: Uint8Array): Image8 {
  const png = decode(bytes);
  if (png.depth !== 8) throw new Error(`expected an 8-bit PNG, got ${png.depth}-bit`);
  const ch = png.channels;
  const n = png.width * png.height;
  const src = png.data as Uint8Array;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = src[i * ch + (ch >= 3 ? c : 0)];
  }
  return { width: png.width, height: png.height, channels: 3, data };
}

interface SynthvidRender {
  image: Image8;
  /** randomizer/scene's record (environment, calibration, sun). */
  sceneRecord?: Record<string, unknown>;
}

async function renderSynthvid(
  s: RefScene,
  preset: string,
  size: [number, number],
  dir: string,
  gpu: Gpu,
): Promise<SynthvidRender> {
  const sceneDir = `${dir}/${s.name}_${preset}`;
  await Deno.mkdir(sceneDir, { recursive: true });
  if (s.environment?.kind === "uniform") {
    await Deno.writeFile(`${sceneDir}/uniform.hdr`, uniformHdr(s.environment.radiance));
  }
  await Deno.writeTextFile(`${sceneDir}/scene.yaml`, sceneYaml(s, preset, size, 1, ["rgb_frames"]));
  const summary = await renderDataset({
    scene: `${sceneDir}/scene.yaml`,
    out: `${sceneDir}/out`,
    log: () => {},
    gpu,
  });
  if (summary.failed) {
    throw new Error(`synthvid ${s.name} ${preset}: ${summary.clips.find((c) => c.error)?.error}`);
  }
  const image = readPng(await Deno.readFile(`${sceneDir}/out/clip_00000/rgb/00000.png`));
  const labels = JSON.parse(await Deno.readTextFile(`${sceneDir}/out/clip_00000/labels.json`));
  return { image, sceneRecord: labels.randomization?.["randomizer/scene"] };
}

/** End-to-end fps of one preset: a warm-up clip, then two timed clips with every label output. */
async function presetFps(s: RefScene, preset: string, frames: number, dir: string, gpu: Gpu) {
  const sceneDir = `${dir}/fps_${preset}`;
  await Deno.mkdir(sceneDir, { recursive: true });
  if (s.environment?.kind === "uniform") {
    await Deno.writeFile(`${sceneDir}/uniform.hdr`, uniformHdr(s.environment.radiance));
  }
  const outputs = ["rgb", "depth", "normals", "instance", "flow"];
  await Deno.writeTextFile(
    `${sceneDir}/scene.yaml`,
    sceneYaml(s, preset, [256, 256], frames, outputs),
  );
  await renderDataset({
    scene: `${sceneDir}/scene.yaml`,
    out: `${sceneDir}/warm`,
    log: () => {},
    gpu,
  });
  const summary = await renderDataset({
    scene: `${sceneDir}/scene.yaml`,
    out: `${sceneDir}/timed`,
    log: () => {},
    gpu,
    overrides: { clips: 2 },
  });
  return summary.frames / summary.seconds;
}

// ---------------------------------------------------------------------------------------------
// Blender side

interface EnvForBlender {
  world: BlenderScene["world"];
  lights: BlenderLight[];
  /** Set when the world needs a map file: its radiance, Blender's orientation. */
  map?: Uint8Array;
  note?: string;
}

/**
 * The environment synthvid actually used, for Blender: the library map with its sun clamped
 * away (extractSun, as randomizer/scene does), scaled by the recorded environment intensity,
 * and the extracted sun as a Sun lamp with the recorded direction and intensity and the sun's
 * own colour and size.
 */
async function environmentForBlender(
  s: RefScene,
  record: Record<string, unknown> | undefined,
): Promise<EnvForBlender> {
  const env = s.environment;
  if (!env) return { world: { color: [0, 0, 0], strength: 0 }, lights: [] };
  if (env.kind === "uniform") {
    return {
      world: { color: [env.radiance, env.radiance, env.radiance], strength: 1 },
      lights: [],
    };
  }
  const environment = record?.environment as { intensity: number; rotation: number } | undefined;
  if (!environment) throw new Error(`${s.name}: labels.json has no randomizer/scene environment`);
  const { image, sun } = extractSun(await loadHdri(env.name));
  const lights: BlenderLight[] = [];
  let note = `map ${env.name} × ${environment.intensity.toFixed(4)}`;
  const recorded = record?.sun as
    | { elevation: number; azimuth: number; intensity: number }
    | undefined;
  if (sun && recorded) {
    const y = 0.2126 * sun.irradiance[0] + 0.7152 * sun.irradiance[1] + 0.0722 * sun.irradiance[2];
    // The calibration randomizer/scene applied, redone: a check that this is the same map.
    const up = upwardIrradiance(image) + y * Math.max(0, Math.sin((sun.elevation * Math.PI) / 180));
    const scale = Math.PI / up;
    if (Math.abs(scale - (record?.calibration as number)) > 1e-6 * scale) {
      throw new Error(
        `${s.name}: calibration ${scale} differs from the recorded ${record?.calibration}`,
      );
    }
    const to = directionFromAngles(recorded.elevation, recorded.azimuth);
    // Angular diameter of a disc with the clamped blob's solid angle (as the renderer's light).
    const angle = Math.max(
      SUN_DIAMETER,
      (2 * Math.acos(1 - sun.solidAngle / (2 * Math.PI)) * 180) / Math.PI,
    );
    lights.push({
      type: "sun",
      direction: to.map((c) => -c) as Vec3,
      strength: sunStrength(recorded.intensity),
      color: sun.irradiance.map((c) => c / y) as Vec3,
      angle,
    });
    note += `, sun el ${recorded.elevation.toFixed(1)}° az ${recorded.azimuth.toFixed(1)}° I ${
      recorded.intensity.toFixed(3)
    } (Sun ${sunStrength(recorded.intensity).toFixed(3)} W/m², ${angle.toFixed(2)}°)`;
  }
  const turned = blenderEquirect(image, environment.rotation);
  return {
    world: { color: [1, 1, 1], strength: environment.intensity },
    lights,
    map: encodeHdr(turned),
    note,
  };
}

function blenderScene(
  s: RefScene,
  size: [number, number],
  env: EnvForBlender,
  hdrPath: string | undefined,
): BlenderScene {
  const lights: BlenderLight[] = s.lights.map((l) =>
    l.type === "directional"
      ? {
        type: "sun",
        direction: l.direction,
        strength: sunStrength(l.intensity),
        color: [1, 1, 1],
        angle: SUN_DIAMETER,
      }
      : {
        type: "point",
        position: l.position,
        power: pointPower(l.intensity),
        color: [1, 1, 1],
        radius: 0,
      }
  );
  const meshes = [...new Set(s.objects.map((o) => o.mesh))];
  return {
    width: size[0],
    height: size[1],
    fps: 24,
    frames: 1,
    camera: s.camera,
    world: { ...env.world, ...(hdrPath ? { hdr: hdrPath } : {}) },
    lights: [...lights, ...env.lights],
    meshes: Object.fromEntries(meshes.map((m) => [m, primitiveMesh(m)])),
    objects: s.objects.map((o) => ({
      name: o.name,
      mesh: o.mesh,
      color: o.color.map(srgbToLinear) as Vec3,
      roughness: o.roughness,
      metalness: o.metalness,
      ...(s.lambert ? { shader: "diffuse" as const } : {}),
      keys: [{ frame: 0, position: o.position, rotation: o.rotation ?? [0, 0, 0], scale: o.scale }],
    })),
  };
}

async function sha(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const hash = new Uint8Array(
    await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>),
  );
  return Array.from(hash.slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function renderCycles(
  s: RefScene,
  size: [number, number],
  samples: number,
  record: Record<string, unknown> | undefined,
  cacheDir: string,
  useCache: boolean,
  version: string,
  seed = 1,
): Promise<{ image: Image8; seconds: number; cached: boolean; note?: string }> {
  const env = await environmentForBlender(s, record);
  let hdrPath: string | undefined;
  if (env.map) {
    hdrPath = `${cacheDir}/env_${await sha(env.map)}.hdr`;
    await Deno.writeFile(hdrPath, env.map);
  }
  const spec = JSON.stringify({ ...blenderScene(s, size, env, hdrPath), seed });
  // Keyed by everything that makes the picture: Blender, samples, the scene, the script.
  const script = await Deno.readTextFile(new URL("./peer_blender.py", import.meta.url));
  const key = await sha(`${version}\n${samples}\n${spec}\n${script}`);
  const png = `${cacheDir}/${s.name}${seed === 1 ? "" : `_seed${seed}`}_${key}.png`;
  // One cached picture per scene and seed: older ones (another scene, script or Blender) go.
  const stale = new RegExp(
    `^${s.name}${seed === 1 ? "" : `_seed${seed}`}_[0-9a-f]{24}\\.(png|json)$`,
  );
  for (const e of Deno.readDirSync(cacheDir)) {
    if (stale.test(e.name) && !e.name.startsWith(png.slice(cacheDir.length + 1, -4))) {
      await Deno.remove(`${cacheDir}/${e.name}`);
    }
  }
  const exists = await Deno.stat(png).then(() => true, () => false);
  if (useCache && exists) {
    return { image: readPng(await Deno.readFile(png)), seconds: 0, cached: true, note: env.note };
  }
  const work = await Deno.makeTempDir({ prefix: "synthvid_quality_blender_" });
  try {
    await Deno.writeTextFile(`${work}/scene.json`, spec);
    const result = await runBlender(`${work}/scene.json`, work, `beauty${samples}`);
    const file = [...Deno.readDirSync(work)].find((e) => e.name.startsWith("frame_"));
    if (!file) throw new Error(`blender wrote no frame for ${s.name}`);
    await Deno.copyFile(`${work}/${file.name}`, png);
    // The description beside the picture: `blender -b --python bench/peer_blender.py -- it`.
    await Deno.writeTextFile(png.replace(/\.png$/, ".json"), spec);
    return {
      image: readPng(await Deno.readFile(png)),
      seconds: result.render_s,
      cached: false,
      note: env.note,
    };
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------

interface Row {
  scene: string;
  what: string;
  environment?: string;
  cycles: { samples: number; seconds: number; cached: boolean };
  presets: Record<string, { ssim: number; psnr: number; meanAbs: number; picture: string }>;
  /** Cycles against Cycles with another seed: what its own noise leaves of a perfect match. */
  noiseFloor?: { ssim: number; psnr: number };
  /** Mean display value (0..255) of the centre 32×32 (calibration scenes). */
  centre?: { synthvid: Record<string, number[]>; cycles: number[]; expected?: number };
}

function centreMean(im: Image8): number[] {
  const out = [0, 0, 0];
  const half = 16, cx = im.width >> 1, cy = im.height >> 1;
  for (let y = cy - half; y < cy + half; y++) {
    for (let x = cx - half; x < cx + half; x++) {
      for (let c = 0; c < 3; c++) out[c] += im.data[(y * im.width + x) * 3 + c];
    }
  }
  return out.map((s) => +(s / (4 * half * half)).toFixed(2));
}

function meanAbs(a: Image8, b: Image8): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i] - b.data[i]);
  return s / a.data.length;
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, {
    name: "deno task bench:quality",
    summary: "synthvid at each quality preset against Blender Cycles: PSNR, SSIM, fps.",
    flags: FLAGS,
    check(args) {
      if (args._.length > 0) throw new UsageError(`Unexpected argument "${args._[0]}"`);
      if ((args.samples as number | undefined ?? 512) < 256) {
        throw new UsageError("--samples: a reference needs at least 256 samples per pixel");
      }
    },
  });
  if (typeof args === "number") return args;
  const version = await blenderVersion();
  if (!version) {
    console.log(
      "bench:quality skipped: `blender` is not installed (apt-get install -y --no-install-recommends blender); " +
        "Cycles is the reference every score is measured against",
    );
    return 0;
  }
  const size = (args.size as [number, number]) ?? [256, 256];
  const samples = (args.samples as number) ?? 512;
  const fpsFrames = (args["fps-frames"] as number) ?? 48;
  const names = (args.scenes as string | undefined)?.split(",").map((s) => s.trim());
  const scenes = names ? SCENES.filter((s) => names.includes(s.name)) : SCENES;
  if (names && scenes.length !== names.length) {
    throw new UsageError(
      `unknown scene in "${args.scenes}"; scenes: ${SCENES.map((s) => s.name).join(", ")}`,
    );
  }
  const presets = Object.keys(QUALITY_PRESETS);
  const results = new URL("./results/quality/", import.meta.url).pathname;
  const cacheDir = `${results}cache`;
  await Deno.mkdir(cacheDir, { recursive: true });
  const dir = await Deno.makeTempDir({ prefix: "synthvid_quality_" });
  console.error(
    `quality: ${version}, presets ${presets.join(", ")}, ${samples} spp, ${size[0]}×${size[1]}`,
  );
  const rows: Row[] = [];
  const gpu = await acquireGpu();
  const gpuLine = describeGpu(gpu);
  try {
    for (const s of scenes) {
      const renders: Record<string, SynthvidRender> = {};
      for (const preset of presets) {
        renders[preset] = await renderSynthvid(s, preset, size, dir, gpu);
      }
      console.error(`  ${s.name}: Cycles ${samples} spp…`);
      const cycles = await renderCycles(
        s,
        size,
        samples,
        renders[presets[0]].sceneRecord,
        cacheDir,
        !args["no-cache"],
        version,
      );
      const row: Row = {
        scene: s.name,
        what: s.what,
        environment: cycles.note,
        cycles: { samples, seconds: +cycles.seconds.toFixed(2), cached: cycles.cached },
        presets: {},
      };
      if (args["noise-floor"]) {
        const again = await renderCycles(
          s,
          size,
          samples,
          renders[presets[0]].sceneRecord,
          cacheDir,
          !args["no-cache"],
          version,
          2,
        );
        row.noiseFloor = {
          ssim: ssim(again.image, cycles.image),
          psnr: psnr(again.image, cycles.image),
        };
      }
      for (const preset of presets) {
        const im = renders[preset].image;
        const picture = `${results}${s.name}_${preset}.png`;
        const sbs = sideBySide([im, cycles.image, absDiff(im, cycles.image, 4)]);
        await Deno.writeFile(picture, await encodeRgbPng(sbs.data, sbs.width, sbs.height));
        row.presets[preset] = {
          ssim: ssim(im, cycles.image),
          psnr: psnr(im, cycles.image),
          meanAbs: meanAbs(im, cycles.image),
          picture,
        };
      }
      if (s.name.startsWith("calibration")) {
        row.centre = {
          synthvid: Object.fromEntries(presets.map((p) => [p, centreMean(renders[p].image)])),
          cycles: centreMean(cycles.image),
          expected: s.environment?.kind === "uniform"
            ? +(linearToSrgb(s.environment.radiance) * 255).toFixed(2)
            : undefined,
        };
      }
      rows.push(row);
    }
    // fps on the primitives scene (the most typical of the set), every label written
    const fpsScene = SCENES.find((s) => s.name === "primitives_hdri")!;
    const fps: Record<string, number> = {};
    for (const preset of presets) {
      console.error(`  fps: ${preset}…`);
      fps[preset] = await presetFps(fpsScene, preset, fpsFrames, dir, gpu);
    }

    // ----- table
    const scored = rows.filter((r) => !r.scene.startsWith("calibration"));
    const avg = (f: (r: Row) => number) => scored.reduce((a, r) => a + f(r), 0) / scored.length;
    const mean = (p: string) => avg((r) => r.presets[p].ssim);
    const cell = (ssimValue: number, psnrValue: number) =>
      `${ssimValue.toFixed(3)} / ${psnrValue === Infinity ? "∞" : psnrValue.toFixed(1)} dB`
        .padStart(20);
    const floors = rows.every((r) => r.noiseFloor);
    const lines = [
      `synthvid (${gpuLine}) vs Blender ${version.replace("Blender ", "")} Cycles ${samples} spp ` +
      `(CPU), ${size[0]}×${size[1]}, tone mapping none / view Standard`,
      "scene".padEnd(20) + presets.map((p) => `${p} SSIM / PSNR`.padStart(20)).join("") +
      (floors ? "Cycles seed 2".padStart(20) : ""),
    ];
    for (const r of rows) {
      lines.push(
        r.scene.padEnd(20) + presets.map((p) =>
          cell(r.presets[p].ssim, r.presets[p].psnr)
        ).join("") +
          (floors ? cell(r.noiseFloor!.ssim, r.noiseFloor!.psnr) : ""),
      );
    }
    lines.push(
      "mean (scenes)".padEnd(20) +
        presets.map((p) => cell(mean(p), avg((r) => r.presets[p].psnr))).join("") +
        (floors ? cell(avg((r) => r.noiseFloor!.ssim), avg((r) => r.noiseFloor!.psnr)) : ""),
    );
    lines.push(
      "fps end-to-end".padEnd(20) + presets.map((p) => fps[p].toFixed(1).padStart(20)).join(""),
    );
    lines.push(
      `(mean over ${scored.map((r) => r.scene).join(", ")}; fps: ${fpsScene.name}, 256×256, ` +
        `2 clips × ${fpsFrames} frames, rgb.mp4 + depth, normals, instance, flow written` +
        (floors
          ? "; Cycles seed 2: Cycles against itself with another seed, its noise floor)"
          : ")"),
    );
    if (presets.includes("high")) {
      const m = mean("high");
      lines.push(
        `target: mean SSIM at high ≥ 0.90: ${m.toFixed(3)} ${m >= 0.9 ? "(met)" : "(not met)"}`,
      );
    }
    for (const r of rows.filter((r) => r.centre)) {
      const c = r.centre!;
      lines.push(
        `${r.scene}: centre mean sRGB ${
          presets.map((p) => `${p} ${c.synthvid[p].join("/")}`).join(", ")
        }, ` +
          `Cycles ${c.cycles.join("/")}${c.expected ? `, expected ${c.expected}` : ""}`,
      );
    }
    for (const r of rows.filter((r) => r.environment)) lines.push(`${r.scene}: ${r.environment}`);
    console.log(lines.join("\n"));
    const path = (args.json as string) ?? `${results}quality.json`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")) || ".", { recursive: true });
    await Deno.writeTextFile(
      path,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          gpu: gpuLine,
          blender: version,
          samples,
          size,
          presets,
          meanSsim: Object.fromEntries(presets.map((p) => [p, mean(p)])),
          fps,
          rows,
        },
        (_, value) => value === Infinity ? "Infinity" : value,
        2,
      ) + "\n",
    );
    console.log(`wrote ${path} and side-by-side PNGs (synthvid | Cycles | |diff|×4) in ${results}`);
  } finally {
    gpu.destroy();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
