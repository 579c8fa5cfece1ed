/**
 * Real environments: the EXR reader against ffmpeg's, the shipped library with its credits, the
 * sun taken out of a map as a light (energy kept, direction where the shader shows it), and the
 * key light of a turned sky pointing where that sky's sun is drawn. Blender's 8 world maps
 * (Debian blender-data; .ci/run installs it): decoded as ffmpeg decodes them, their suns, a
 * render that credits one, and the error that says how to get them when they are missing.
 */
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { readerAvailable, runs } from "./readers.ts";
import { renderTestScene } from "./helpers.ts";
import { decodeExr } from "../engine/scene/exr.ts";
import {
  availableHdris,
  HDRI_NAMES,
  HDRI_PLACES,
  hdriCredit,
  INDOOR_HDRIS,
  loadHdri,
  NPM_HDRI_NAMES,
} from "../engine/scene/hdri_library.ts";
import {
  BLENDER_HDRI_NAMES,
  BLENDER_HDRIS,
  blenderHdriFolder,
} from "../engine/scene/blender_hdris.ts";
import { loadScene, SceneError } from "../engine/config/scene_file.ts";
import { builtins } from "../plugins/mod.ts";
import { extractSun, upwardIrradiance } from "../engine/scene/sun_from_environment.ts";
import { directionFromAngles, equirectDirection } from "../engine/scene/environment.ts";
import type { EnvironmentImage } from "../engine/scene/render_settings.ts";
import { sceneTypeRandomizer } from "../plugins/randomizer/scene_type.ts";
import type { ClipContext } from "../engine/plugin/contract.ts";
import { Rng } from "../engine/scene/rng.ts";
import { Scene, type Vec3 } from "../engine/scene/scene.ts";

const HAVE_FFMPEG = await runs("ffmpeg", ["-version"]);

async function libraryBytes(name: string): Promise<Uint8Array> {
  const url = (await import(`@pmndrs/assets/hdri/${name}.exr.js`)).default as string;
  const binary = atob(url.slice(url.indexOf(",") + 1));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The worst relative difference between our decode of `file` and ffmpeg's. */
async function againstFfmpeg(file: string, ours: EnvironmentImage): Promise<number> {
  const raw = await new Deno.Command("ffmpeg", {
    args: ["-loglevel", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "gbrpf32le", "-"],
    stdout: "piped",
  }).output();
  const planes = new Float32Array(raw.stdout.buffer, raw.stdout.byteOffset, raw.stdout.length / 4);
  const n = ours.width * ours.height;
  assertEquals(planes.length, 3 * n, `${file}: ffmpeg size`);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    // ffmpeg's planar order is G, B, R; rows top first.
    const theirs = [planes[2 * n + i], planes[i], planes[n + i]];
    for (let c = 0; c < 3; c++) {
      const a = ours.data[i * 3 + c], b = Math.max(0, theirs[c]);
      worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
    }
  }
  return worst;
}

Deno.test("EXR (DWAB, half float): the reader agrees with ffmpeg's pixel for pixel", async () => {
  if (!readerAvailable(HAVE_FFMPEG, "ffmpeg", "ffmpeg")) return;
  const dir = await Deno.makeTempDir();
  for (const name of ["city", "sky", "studio"]) {
    const bytes = await libraryBytes(name);
    await Deno.writeFile(`${dir}/${name}.exr`, bytes);
    const worst = await againstFfmpeg(`${dir}/${name}.exr`, decodeExr(bytes, name));
    assert(worst < 2e-3, `${name}: worst relative difference ${worst}`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("EXR: a damaged or truncated file is an error naming the file", async () => {
  const bytes = await libraryBytes("city");
  assertThrows(
    () => decodeExr(new Uint8Array(100).fill(7), "junk.exr"),
    "junk.exr: not an OpenEXR",
  );
  assertThrows(() => decodeExr(bytes.slice(0, bytes.length / 3), "cut.exr"), "cut.exr");
});

Deno.test("the HDRI library: 18 npm maps decode to finite 512×256 radiance, each with a CC0 credit and a place", async () => {
  assertEquals(NPM_HDRI_NAMES.length, 18);
  assertEquals(HDRI_NAMES.length, 26);
  // a caption's place names one map: no two share a phrase
  assertEquals(new Set(Object.values(HDRI_PLACES)).size, HDRI_NAMES.length);
  for (const name of NPM_HDRI_NAMES) {
    const image = await loadHdri(name);
    assertEquals([image.width, image.height], [512, 256]);
    assert(image.data.every((v) => Number.isFinite(v) && v >= 0), name);
    assert(upwardIrradiance(image) > 0, `${name} is not black`);
    assertEquals(hdriCredit(name).license, "CC0-1.0");
    assert(HDRI_PLACES[name].length > 0);
  }
});

/** A uniform sky of radiance 0.5 above a 0.1 ground with a sun disc (radius 1.5°). */
function skyWithSun(elevation: number, azimuth: number, radiance: number): EnvironmentImage {
  const width = 1024, height = 512;
  const data = new Float32Array(width * height * 3);
  const sun = directionFromAngles(elevation, azimuth);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = equirectDirection((x + 0.5) / width, (y + 0.5) / height);
      const cos = d[0] * sun[0] + d[1] * sun[1] + d[2] * sun[2];
      const v = cos > Math.cos((1.5 * Math.PI) / 180) ? radiance : d[1] > 0 ? 0.5 : 0.1;
      data.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { width, height, data };
}

Deno.test("extractSun: the sun becomes a light along it, carrying the energy the map loses", () => {
  const image = skyWithSun(40, 120, 4000);
  const { image: rest, sun } = extractSun(image);
  assert(sun, "a sun is found");
  assert(
    Math.abs(sun.elevation - 40) < 0.5 && Math.abs(sun.azimuth - 120) < 0.5,
    JSON.stringify(sun),
  );
  const before = upwardIrradiance(image);
  const after = upwardIrradiance(rest) + sun.irradiance[1] * Math.sin((40 * Math.PI) / 180);
  assert(Math.abs(after - before) / before < 0.01, `upward irradiance ${before} → ${after}`);
  // No sun in an overcast map.
  assertEquals(extractSun(skyWithSun(40, 120, 0.6)).sun, undefined);
});

/** What the shader samples for world direction d under rotation r (env_uv in gbuffer.wgsl). */
function envUv(d: Vec3, rotationDeg: number): [number, number] {
  let u = Math.atan2(d[0], -d[2]) / (2 * Math.PI) + 0.5 + rotationDeg / 360;
  u -= Math.floor(u);
  return [u, Math.acos(Math.max(-1, Math.min(1, d[1]))) / Math.PI];
}

/** Runs randomizer/scene's clipStart on an empty scene; returns the scene and its record. */
async function sceneType(options: Record<string, unknown>, seed: string) {
  const hooks = sceneTypeRandomizer.create();
  const scene = new Scene();
  const records: Record<string, unknown> = {};
  type SceneOptions = typeof sceneTypeRandomizer.defaults;
  const all = { ...sceneTypeRandomizer.defaults, ...options } as SceneOptions;
  await hooks.setup?.({ key: "scene", rawOptions: all, sceneDir: ".", resolve: (p) => p, seed: 1 });
  await hooks.clipStart?.(
    {
      options: all,
      rng: new Rng(seed),
      scene,
      record: (k: string, v: unknown) => records[k] = v,
    } as unknown as ClipContext<SceneOptions>,
  );
  return { scene, record: records.randomization as Record<string, Record<string, number>> };
}

Deno.test("the key light comes from where the (turned) environment shows its sun", async () => {
  for (
    const [options, seed] of [[{ sky: "clear" }, "a"], [{ sky: "sunset" }, "b"], [
      { hdri: "sky" },
      "c",
    ]] as const
  ) {
    const { scene, record } = await sceneType({ type: "env", ...options }, seed);
    const light = scene.lights.find((l) => l.castShadow)!;
    assert(light, `${JSON.stringify(options)}: a sun light`);
    const toSun = light.direction.map((v) => -v) as Vec3;
    const rotation = record.environment.rotation;
    const [u, v] = envUv(toSun, rotation);
    // Where that image's sun is: the brightest pixel before any clamping.
    const image = options.hdri ? await loadHdri("sky") : undefined;
    let expected: [number, number];
    if (image) {
      const { sun } = extractSun(image);
      const d = directionFromAngles(sun!.elevation, sun!.azimuth);
      expected = envUv(d, 0);
    } else {
      expected = envUv(directionFromAngles(record.sky.sun_elevation, record.sky.sun_azimuth), 0);
    }
    const du = Math.min(Math.abs(u - expected[0]), 1 - Math.abs(u - expected[0]));
    assert(
      du < 0.01 && Math.abs(v - expected[1]) < 0.01,
      `${JSON.stringify(options)}: light at ${u},${v}, sun drawn at ${expected}`,
    );
  }
});

const blender = blenderHdriFolder();
const haveBlender = () =>
  readerAvailable(Boolean(blender), "Blender's world HDRIs", "blender-data");

/**
 * Pixels of Blender's city.exr (library "skyline") as the reference OpenEXR 3.1 library decodes
 * them (Blender 3.4's bpy, top row first). ffmpeg 5.1 is no reference for these float DWAB files:
 * it returns the square of every value (33 824 → 1.1·10⁹ at the sun, over the 32 000 the file
 * was clamped to), while for the half-float npm maps it agrees with both.
 */
const SKYLINE_PIXELS: [number, number, [number, number, number]][] = [
  [10, 10, [1.2607421875, 1.365234375, 1.62890625]],
  [500, 100, [2.7265625, 2.984375, 3.4765625]],
  [300, 300, [0.1396484375, 0.134033203125, 0.1243896484375]],
  [1000, 500, [0.70849609375, 0.57373046875, 0.221435546875]],
  [614, 120, [33952, 31696, 25792]], // the sun
];

Deno.test("Blender's HDRIs (float, DWAB): 1024×512, known pixels as OpenEXR decodes them, CC0 credited", async () => {
  if (!haveBlender()) return;
  for (const name of BLENDER_HDRI_NAMES) {
    const image = await loadHdri(name);
    assertEquals([image.width, image.height], [1024, 512], name);
    assert(image.data.every((v) => Number.isFinite(v) && v >= 0), name);
    assert(upwardIrradiance(image) > 0, `${name} is not black`);
    const credit = hdriCredit(name);
    assertEquals(credit.license, "CC0-1.0");
    assert(credit.source.includes(`${BLENDER_HDRIS[name].file}.exr`), credit.source);
    assert(credit.attribution.includes("Greg Zaal"), credit.attribution);
  }
  // the folder says so itself
  const licence = await Deno.readTextFile(`${blender}/license.txt`);
  assert(licence.includes("CC0") && licence.includes("Greg Zaal"), licence);
  // DWA is lossy: decoders round its nonlinear table differently (all 8 maps against OpenEXR's:
  // worst 4.6·10⁻³ relative, mean 5·10⁻⁴)
  const sky = await loadHdri("skyline");
  for (const [x, y, rgb] of SKYLINE_PIXELS) {
    for (let c = 0; c < 3; c++) {
      const ours = sky.data[(y * sky.width + x) * 3 + c];
      assert(
        Math.abs(ours - rgb[c]) / Math.max(1, rgb[c]) < 5e-3,
        `skyline (${x}, ${y})[${c}]: ${ours}, OpenEXR ${rgb[c]}`,
      );
    }
  }
  // the sun keeps its range (the npm maps top out in the hundreds or clip)
  let peak = 0;
  for (let i = 0; i < sky.width * sky.height; i++) {
    if (sky.data[i * 3 + 1] > sky.data[peak * 3 + 1]) peak = i;
  }
  assertEquals([peak % sky.width, Math.floor(peak / sky.width)], [614, 120]);
});

Deno.test("Blender's HDRIs: the sun is found where it shows, and not in a setting one", async () => {
  if (!haveBlender()) return;
  const expected: Record<string, number | undefined> = {
    skyline: 47.8,
    garden: 19.5,
    meadow: 8.1,
    courtyard: undefined, // in the shade of a porch
    lagoon: undefined, // the sun on the horizon gives under 10 % of the light facing it
  };
  for (const [name, elevation] of Object.entries(expected)) {
    const { sun } = extractSun(await loadHdri(name as keyof typeof BLENDER_HDRIS));
    if (elevation === undefined) assertEquals(sun, undefined, name);
    else assert(sun && Math.abs(sun.elevation - elevation) < 0.5, `${name}: ${sun?.elevation}`);
  }
});

Deno.test("a render under a Blender HDRI records its credit and place; groups draw from them", async () => {
  if (!haveBlender()) return;
  const yaml = `
name: blender_hdri_test
frames: 1
size: [32, 32]
outputs: [rgb]
camera: { position: [0, 1.2, 3], look_at: [0, 0.4, 0], fov: 50 }
objects:
  - { name: floor, class: floor, mesh: plane, scale: 6 }
  - { name: ball, class: ball, mesh: sphere, position: [0, 0.4, 0], scale: 0.8 }
plugins:
  - { use: randomizer/scene, with: { type: env, hdri: meadow } }
  - { use: captioner/fine }
`;
  const { out } = await renderTestScene(yaml);
  const labels = JSON.parse(await Deno.readTextFile(`${out}/clip_00000/labels.json`));
  const record = labels.randomization["randomizer/scene"];
  assertEquals(record.environment.name, "hdri:meadow");
  assertEquals(record.credit, hdriCredit("meadow"));
  assert(record.sun?.from_environment, "the sun is the key light");
  const captions = await Deno.readTextFile(`${out}/clip_00000/captions.json`);
  assert(captions.toLowerCase().includes("in a meadow at sunrise"), captions);
  // groups draw from all 26 here (indoor ones stay indoor)
  assertEquals(availableHdris().length, 26);
  const drawn = new Set<string>();
  for (let i = 0; i < 60; i++) {
    const { record } = await sceneType(
      { type: "empty", background: "sky", hdri: "indoor" },
      `${i}`,
    );
    drawn.add((record.environment as unknown as { name: string }).name.slice(5));
  }
  assert([...drawn].every((n) => INDOOR_HDRIS.includes(n as never)), [...drawn].join());
  assert(drawn.has("hotel") || drawn.has("stage"), [...drawn].join());
});

Deno.test("without blender-data: groups keep to the npm maps, a named Blender map says how to get it", async () => {
  const empty = await Deno.makeTempDir();
  const before = Deno.env.get("SYNTHVID_BLENDER_HDRI");
  Deno.env.set("SYNTHVID_BLENDER_HDRI", empty);
  try {
    assertEquals(blenderHdriFolder(), undefined);
    assertEquals(availableHdris(), [...NPM_HDRI_NAMES]);
    for (let i = 0; i < 20; i++) {
      const { record } = await sceneType({ type: "empty", background: "sky", hdri: "any" }, `${i}`);
      const name = (record.environment as unknown as { name: string }).name.slice(5);
      assert((NPM_HDRI_NAMES as readonly string[]).includes(name), name);
    }
    const error = await assertRejects(() => sceneType({ type: "env", hdri: "stars" }, "a"));
    for (
      const part of ['hdri "stars"', "blender-data", "deno task render", "SYNTHVID_BLENDER_HDRI"]
    ) {
      assert((error as Error).message.includes(part), (error as Error).message);
    }
    // and the scene check says it before anything renders
    await Deno.writeTextFile(
      `${empty}/s.yaml`,
      "plugins:\n  - { use: randomizer/scene, with: { type: env, hdri: stars } }\n",
    );
    const problem = await assertRejects(() =>
      loadScene(`${empty}/s.yaml`, { registry: builtins })
    ) as SceneError;
    assert(problem instanceof SceneError);
    assert(
      problem.message.includes(`"stars" is one of Blender's HDRIs`) &&
        problem.message.includes("apt-get install blender-data"),
      problem.message,
    );
  } finally {
    if (before === undefined) Deno.env.delete("SYNTHVID_BLENDER_HDRI");
    else Deno.env.set("SYNTHVID_BLENDER_HDRI", before);
    await Deno.remove(empty, { recursive: true });
  }
});
