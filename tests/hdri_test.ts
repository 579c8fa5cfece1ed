/**
 * Real environments: the EXR reader against ffmpeg's, the shipped library with its credits, the
 * sun taken out of a map as a light (energy kept, direction where the shader shows it), and the
 * key light of a turned sky pointing where that sky's sun is drawn.
 */
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { readerAvailable, runs } from "./readers.ts";
import { decodeExr } from "../engine/scene/exr.ts";
import { HDRI_NAMES, HDRI_PLACES, hdriCredit, loadHdri } from "../engine/scene/hdri_library.ts";
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

Deno.test("EXR (DWAB, half float): the reader agrees with ffmpeg's pixel for pixel", async () => {
  if (!readerAvailable(HAVE_FFMPEG, "ffmpeg", "ffmpeg")) return;
  const dir = await Deno.makeTempDir();
  for (const name of ["city", "sky", "studio"]) {
    const bytes = await libraryBytes(name);
    await Deno.writeFile(`${dir}/${name}.exr`, bytes);
    const ours = decodeExr(bytes, name);
    const raw = await new Deno.Command("ffmpeg", {
      args: [
        "-loglevel",
        "error",
        "-i",
        `${dir}/${name}.exr`,
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gbrpf32le",
        "-",
      ],
      stdout: "piped",
    }).output();
    const planes = new Float32Array(
      raw.stdout.buffer,
      raw.stdout.byteOffset,
      raw.stdout.length / 4,
    );
    const n = ours.width * ours.height;
    assertEquals(planes.length, 3 * n, `${name}: ffmpeg size`);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      // ffmpeg's planar order is G, B, R; rows top first.
      const theirs = [planes[2 * n + i], planes[i], planes[n + i]];
      for (let c = 0; c < 3; c++) {
        const a = ours.data[i * 3 + c], b = Math.max(0, theirs[c]);
        worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
      }
    }
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

Deno.test("the HDRI library: 18 maps decode to finite 512×256 radiance, each with a CC0 credit and a place", async () => {
  assertEquals(HDRI_NAMES.length, 18);
  for (const name of HDRI_NAMES) {
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
