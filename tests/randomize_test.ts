/**
 * Domain randomization: camera grammar (pure geometry, no GPU), shadows,
 * colour temperature, procedural textures, environments, clutter, alpha matte
 * and the `randomization` labels (small GPU renders).
 */
import { vec3 } from "wgpu-matrix";
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import { frameProbe, probedFrames, readLabels, renderTestScene, testGpu } from "./helpers.ts";
import { randomizers } from "../plugins/randomizer/mod.ts";
import { cameraRandomizer } from "../plugins/randomizer/camera.ts";
import { clutterRandomizer } from "../plugins/randomizer/clutter.ts";
import type { FrameContext, Options } from "../engine/plugin/contract.ts";
import type { RenderedFrame } from "../engine/gpu/frame.ts";
import { Rng } from "../engine/scene/rng.ts";
import { Scene, type Vec3 } from "../engine/scene/scene.ts";
import { primitives } from "../engine/scene/mesh.ts";
import { withDefaults } from "../engine/plugin/schema.ts";
import { TextureGenerator } from "../engine/gpu/texture_generator.ts";
import { decodeHdr, encodeHdr } from "../engine/scene/hdr.ts";
import { proceduralSky } from "../engine/scene/environment.ts";
import { decodeNpy } from "../engine/dataset/npy.ts";
import { objectBounds } from "../plugins/randomizer/bounds.ts";
import { loadScene, SceneError } from "../engine/config/scene_file.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };

// ---------- camera grammar: hooks driven by hand on a bare scene ----------

function sceneWithSubject(): Scene {
  const scene = new Scene();
  for (const [key, make] of Object.entries(primitives)) scene.meshes.set(key, [{ mesh: make() }]);
  scene.add({ name: "floor", class: "floor", mesh: "plane", scale: [10, 1, 10] });
  scene.add({ name: "ball", mesh: "sphere", position: [0, 0.5, 0] });
  scene.camera.position = [0, 1.5, 5];
  scene.camera.lookAt([0, 0.5, 0]);
  return scene;
}

function fakeContext(
  scene: Scene,
  options: Record<string, unknown>,
  defaults: Options,
  frames = 10,
  // deno-lint-ignore no-explicit-any
): any {
  const records: Record<string, Record<string, unknown>> = {};
  return {
    key: "cam",
    options: withDefaults(defaults, options) as Options,
    rng: new Rng("test"),
    scene,
    clip: 0,
    frames,
    fps: 24,
    width: 64,
    height: 64,
    events: [],
    emit() {},
    record(name: string, value: unknown) {
      (records.cam ??= {})[name] = value;
    },
    records,
    caption() {},
    captions: [],
    addAudio() {},
    shared: new Map(),
    planning: true,
    frame: 0,
    time: 0,
  } satisfies Partial<FrameContext<Options>>;
}

/** Runs the camera plugin for frames 0..frames; returns the camera per frame. */
function cameraPath(options: Record<string, unknown>, move?: (scene: Scene, t: number) => void) {
  const scene = sceneWithSubject();
  const hooks = cameraRandomizer.create();
  const ctx = fakeContext(scene, { initial: "scene", ...options }, cameraRandomizer.defaults);
  const path: { position: Vec3; rotation: number[]; focal: number }[] = [];
  for (let t = 0; t <= ctx.frames; t++) {
    ctx.frame = t;
    move?.(scene, t);
    hooks.frame!(ctx);
    const c = scene.camera;
    path.push({ position: [...c.position], rotation: [...c.rotation], focal: c.focal! });
  }
  return { path, scene, record: ctx.records.cam.randomization };
}

const axisOf = (rotation: number[], local: Vec3) => [...vec3.transformQuat(local, rotation)];

for (
  const [movement, local] of [["truck", [1, 0, 0]], ["dolly", [0, 0, -1]], ["pedestal", [
    0,
    1,
    0,
  ]]] as const
) {
  Deno.test(`camera: ${movement} moves along the camera's own axis, rotation fixed`, () => {
    const { path } = cameraPath({ movement, amount: 0.8, focus: "fixed" });
    const first = path[0];
    const axis = axisOf(first.rotation, local as unknown as Vec3);
    const last = path.at(-1)!;
    const delta = vec3.subtract(last.position, first.position);
    assertAlmostEquals(vec3.length(delta), 0.8, 1e-5);
    assertAlmostEquals(vec3.dot(delta, axis), 0.8, 1e-5); // parallel, forward along the axis
    for (const p of path) {
      assertEquals(p.rotation.map((v) => v.toFixed(6)), first.rotation.map((v) => v.toFixed(6)));
      assertEquals(p.focal, first.focal);
    }
  });
}

for (const movement of ["pan", "tilt"]) {
  Deno.test(`camera: ${movement} rotates in place`, () => {
    const { path } = cameraPath({ movement, amount: 10, focus: "fixed" });
    const first = path[0], last = path.at(-1)!;
    for (const p of path) assertAlmostEquals(vec3.distance(p.position, first.position), 0, 1e-9);
    const f0 = axisOf(first.rotation, [0, 0, -1]), f1 = axisOf(last.rotation, [0, 0, -1]);
    const heading = (f: number[]) => Math.atan2(f[0], -f[2]) * 180 / Math.PI;
    const pitch = (f: number[]) => Math.asin(f[1]) * 180 / Math.PI;
    if (movement === "pan") {
      // about world up: heading turns by the amount, pitch unchanged
      assertAlmostEquals(Math.abs(heading(f1) - heading(f0)), 10, 1e-3);
      assertAlmostEquals(pitch(f0), pitch(f1), 1e-3);
    } else {
      assertAlmostEquals(Math.abs(pitch(f1) - pitch(f0)), 10, 1e-3);
      assertAlmostEquals(heading(f0), heading(f1), 1e-3);
    }
  });
}

Deno.test("camera: spin orbits at constant distance from the subject", () => {
  const { path, scene } = cameraPath({ movement: "spin", amount: 90, focus: "follow" });
  const focus = [0, 0.5, 0];
  const d0 = vec3.distance(path[0].position, focus);
  for (const p of path) assertAlmostEquals(vec3.distance(p.position, focus), d0, 1e-4);
  assert(vec3.distance(path[0].position, path.at(-1)!.position) > d0, "the camera went round");
  assert(scene.camera.position[1] > 0);
});

Deno.test("camera: zoom changes the focal length only", () => {
  const { path } = cameraPath({ movement: "zoom", amount: 1.5, focus: "fixed" });
  assertAlmostEquals(path.at(-1)!.focal / path[0].focal, 1.5, 1e-9);
  for (const p of path) {
    assertEquals(p.position, path[0].position);
    assertEquals(p.rotation, path[0].rotation);
  }
});

Deno.test("camera: focal length solved from the subject's share of the frame", () => {
  const { path, record } = cameraPath({ movement: "static", on_screen: 0.5 });
  // ball height 1 m at distance d fills f·1/d pixels = half of 64
  const d = vec3.distance(path[0].position, [0, 0.5, 0]);
  assertAlmostEquals(path[0].focal / d, 32, 1e-6);
  assertEquals(record.movement, "static");
});

Deno.test("camera: default setups are cinematographic (no pan/tilt majority) and labelled", () => {
  const counts: Record<string, number> = {};
  for (let clip = 0; clip < 200; clip++) {
    const scene = sceneWithSubject();
    const ctx = fakeContext(scene, {}, cameraRandomizer.defaults);
    ctx.rng = Rng.forPlugin(1, clip, "camera");
    cameraRandomizer.create().frame!(ctx);
    const m = ctx.records.cam.randomization.movement as string;
    counts[m] = (counts[m] ?? 0) + 1;
  }
  assert(
    (counts.static ?? 0) + (counts.dolly ?? 0) + (counts.following ?? 0) > 120,
    JSON.stringify(counts),
  );
});

// ---------- clutter: footprints never overlap ----------

Deno.test("clutter: distractors overlap neither the subject nor each other", () => {
  const scene = sceneWithSubject();
  const ctx = fakeContext(
    scene,
    { count: 12, radius_range: [0.6, 2.5] },
    clutterRandomizer.defaults,
  );
  clutterRandomizer.create().clipStart!(ctx);
  const items = scene.objects.filter((o) => o.cls !== "floor");
  assert(items.length > 6, `placed ${items.length - 1}`);
  const foot = items.map((o) => {
    const b = objectBounds(scene, o);
    return { x: (b.min[0] + b.max[0]) / 2, z: (b.min[2] + b.max[2]) / 2, b };
  });
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = foot[i].b, b = foot[j].b;
      const apart = a.max[0] <= b.min[0] || b.max[0] <= a.min[0] || a.max[2] <= b.min[2] ||
        b.max[2] <= a.min[2];
      assert(apart, `${items[i].name} overlaps ${items[j].name}`);
    }
    if (items[i].cls === "clutter") assertAlmostEquals(foot[i].b.min[1], 0, 1e-5); // on the ground
  }
});

// ---------- .hdr round trip ----------

Deno.test("hdr: RGBE encode/decode round-trips a procedural sky", () => {
  const sky = proceduralSky({ preset: "clear", sunElevation: 30, sunAzimuth: 40, width: 64 });
  const back = decodeHdr(encodeHdr(sky));
  assertEquals([back.width, back.height], [64, 32]);
  for (let i = 0; i < sky.data.length; i++) {
    const p = Math.floor(i / 3) * 3;
    const max = Math.max(sky.data[p], sky.data[p + 1], sky.data[p + 2]);
    // RGBE shares one exponent: each channel is exact to 1/128 of the brightest
    assert(Math.abs(back.data[i] - sky.data[i]) <= max / 128 + 1e-6, `texel ${i}`);
  }
});

// ---------- GPU: captures frames through a `rendered` probe ----------

const registry = [...randomizers, frameProbe];

async function render(yaml: string, frames = 1, size: [number, number] = [64, 64]) {
  probedFrames.length = 0;
  const result = await renderTestScene(yaml, { frames, size, registry });
  return { ...result, frames: [...probedFrames] };
}

const pixel = (f: RenderedFrame, x: number, y: number) => {
  const i = (Math.floor(y) * f.width + Math.floor(x)) * 4;
  return [f.rgb[i], f.rgb[i + 1], f.rgb[i + 2]];
};

Deno.test({
  name: "procedural textures: same seed identical texels, different seeds differ",
  ...gpuTest,
  async fn() {
    const gpu = await testGpu();
    const gen = await TextureGenerator.create(gpu.device, 64);
    for (const pattern of ["noise", "checker", "stripes", "marble", "wood", "dots"] as const) {
      const spec = {
        pattern,
        seed: 7,
        frequency: 4,
        colorA: [1, 1, 1] as Vec3,
        colorB: [0.1, 0.2, 0.6] as Vec3,
      };
      const a = await gen.generate(spec);
      const b = await gen.generate(spec);
      const c = await gen.generate({ ...spec, seed: 8 });
      assertEquals(a, b, `${pattern}: same seed`);
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff += a[i] !== c[i] ? 1 : 0;
      if (pattern !== "checker") {
        assert(diff > a.length / 50, `${pattern}: seeds 7 and 8 differ in ${diff} bytes`);
      }
      const distinct = new Set(Array.from({ length: a.length / 4 }, (_, i) => a[i * 4 + 2]));
      assert(distinct.size >= 2, `${pattern} is not flat`);
    }
    gen.destroy();
    gpu.check();
  },
});

Deno.test({
  name: "scene texture: a YAML checker floor shows two tones whose ratio is the tint",
  ...gpuTest,
  async fn() {
    // Looking straight down at a white matte floor lit from straight above: every pixel gets the
    // same light, so the two checker tones differ only by the texture (white × 1 and × tint).
    const { frames } = await render(`
outputs: [rgb, instance]
camera: { position: [0, 3, 0], look_at: [0, 0, 0], up: [0, 0, -1], fov: 50 }
ambient: { intensity: 0 }
lights: [{ type: directional, direction: [0, -1, 0], intensity: 0.6 }]
objects:
  - { mesh: plane, scale: [8, 1, 8], color: [1, 1, 1], roughness: 1,
      texture: { pattern: checker, frequency: 8, tint: "#808080" } }
# A linear display, so the tones' ratio is the radiance ratio.
plugins: [{ use: randomizer/quality, with: { tone_mapping: none } }, { use: randomizer/test_probe }]
`);
    const f = frames[0];
    const toLinear = (c: number) => {
      const v = c / 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    const reds = Array.from({ length: f.width * f.height }, (_, i) => f.rgb[i * 4]).sort((a, b) =>
      a - b
    );
    const dark = toLinear(reds[Math.floor(reds.length * 0.2)]);
    const bright = toLinear(reds[Math.floor(reds.length * 0.8)]);
    const tint = toLinear(128);
    assert(Math.abs(dark / bright - tint) < 0.03, `tones ${dark} / ${bright}, tint ${tint}`);
  },
});

Deno.test("scene texture: unknown patterns and bad fields are reported at file:line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/bad.yaml`,
      "objects:\n  - { mesh: cube, texture: checkr }\n  - { mesh: cube, texture: { pattern: wood, frequency: 0 } }\n",
    );
    const error = await loadScene(`${dir}/bad.yaml`, { registry: [] }).catch((e) => e);
    assert(error instanceof SceneError, String(error));
    assert(
      /bad\.yaml:2:\d+ objects\[0\]\.texture: .*did you mean "checker"/.test(error.message),
      error.message,
    );
    assert(/bad\.yaml:3:\d+ objects\[1\]\.texture\.frequency/.test(error.message), error.message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const shadowScene = (shadow: boolean) => `
frames: 1
outputs: [instance]
camera: { position: [0, 4, 4], look_at: [0, 0, 0], fov: 50 }
ambient: { intensity: 0.1 }
lights:
  - { type: directional, direction: [0, -1, 0], intensity: 2, cast_shadow: ${shadow} }
objects:
  - { name: floor, mesh: plane, class: floor, scale: [8, 1, 8], color: [0.7, 0.7, 0.7] }
  - { name: blocker, mesh: cube, position: [0, 1.5, 0], scale: [1, 0.2, 1] }
plugins: [{ use: randomizer/test_probe }]
`;

Deno.test({
  name: "shadows: a floor pixel under a blocker is darker than the same pixel unshadowed",
  ...gpuTest,
  async fn() {
    const lit = (await render(shadowScene(false))).frames[0];
    const shaded = (await render(shadowScene(true))).frames[0];
    const size = 64;
    // find a floor pixel whose shaded value differs most (shadow region) and a far lit one
    let darkest = 255, where = -1;
    for (let i = 0; i < size * size; i++) {
      if (shaded.instance[i] !== 1) continue;
      if (shaded.rgb[i * 4] < darkest) [darkest, where] = [shaded.rgb[i * 4], i];
    }
    assert(where >= 0, "floor visible");
    const x = where % size, y = Math.floor(where / size);
    const without = pixel(lit, x, y)[0];
    assert(darkest < without * 0.6, `shadowed ${darkest} vs lit ${without} at (${x}, ${y})`);
    // far from the blocker the two renders agree: shadows only where occluded
    const corner = pixel(shaded, 2, size - 2)[0], cornerLit = pixel(lit, 2, size - 2)[0];
    assert(Math.abs(corner - cornerLit) <= 1, `corner ${corner} vs ${cornerLit}`);
  },
});

const kelvinScene = (kelvin: number) => `
frames: 1
outputs: [instance]
camera: { position: [0, 3, 0.01], look_at: [0, 0, 0], fov: 40 }
objects:
  - { name: card, mesh: plane, class: floor, scale: [4, 1, 4], color: [1, 1, 1], roughness: 1 }
plugins:
  - use: randomizer/lighting
    with: { key: directional, temperature_range: [${kelvin}, ${kelvin}], intensity_range: [0.5, 0.5],
            elevation_range: [70, 70], fill_ratio_range: [0, 0], ambient_range: [0, 0], shadows: false }
  - { use: randomizer/test_probe }
`;

Deno.test({
  name: "lighting: 6500 K renders a white surface neutral, 2700 K warm",
  ...gpuTest,
  async fn() {
    const neutral = (await render(kelvinScene(6500))).frames[0];
    const [r, g, b] = pixel(neutral, 32, 32);
    assert(Math.max(r, g, b) < 250, `not saturated: ${[r, g, b]}`);
    assert(
      (Math.max(r, g, b) - Math.min(r, g, b)) / Math.max(r, g, b) < 0.03,
      `6500 K: ${[r, g, b]}`,
    );
    const warm = (await render(kelvinScene(2700))).frames[0];
    const [wr, , wb] = pixel(warm, 32, 32);
    assert(wr > wb * 1.2, `2700 K: ${pixel(warm, 32, 32)}`);
  },
});

Deno.test({
  name: "follow camera keeps the moving subject's 2D centre within 10 % of the frame centre",
  ...gpuTest,
  async fn() {
    const { out } = await render(
      `
frames: 6
outputs: [instance]
camera: { position: [0, 1.5, 5], look_at: [0, 0.5, 0], fov: 45 }
objects:
  - { name: floor, mesh: plane, class: floor, scale: [20, 1, 20] }
  - name: ball
    mesh: sphere
    motion: [{ frame: 0, position: [-1.5, 0.5, 0] }, { frame: 6, position: [1.5, 0.5, 0.5] }]
plugins:
  - { use: randomizer/camera, with: { focus: follow, movement: truck, amount: 0.5, on_screen: 0.4 } }
`,
      6,
    );
    const labels = await readLabels(out);
    const ball = labels.objects.find((o: { name: string }) => o.name === "ball");
    for (const f of ball.frames) {
      const [x0, y0, x1, y1] = f.bbox;
      assert(
        Math.abs((x0 + x1) / 2 - 32) < 6.4 && Math.abs((y0 + y1) / 2 - 32) < 6.4,
        `bbox ${f.bbox}`,
      );
    }
    assertEquals(labels.randomization["randomizer/camera"].movement, "truck");
  },
});

Deno.test({
  name: "scene types, alpha matte and randomization labels",
  ...gpuTest,
  async fn() {
    const { out, frames } = await render(
      `
frames: 2
outputs: [instance, depth, alpha]
camera: { position: [0, 1.2, 4], look_at: [0, 0.5, 0], fov: 45 }
objects:
  - { name: ball, mesh: sphere, position: [0, 0.5, 0] }
plugins:
  - { use: randomizer/scene, with: { type: env, sky: sunset } }
  - { use: randomizer/materials, with: { texture_chance: 1, patterns: marble } }
  - { use: randomizer/clutter, with: { count: 3 } }
  - { use: randomizer/quality, with: { quality: high } }
  - { use: randomizer/test_probe }
`,
      2,
    );
    const dir = `${out}/clip_00000`;
    const alpha = decodeNpy(await Deno.readFile(`${dir}/alpha.npy`));
    const ids = decodeNpy(await Deno.readFile(`${dir}/instance.npy`));
    assertEquals(alpha.shape, [2, 64, 64]);
    assertEquals(alpha.dtype, "|u1");
    let fg = 0;
    for (let i = 0; i < alpha.data.length; i++) {
      const expected = ids.data[i] === 1 ? 255 : 0; // the ball; clutter and sky are not foreground
      assertEquals(alpha.data[i], expected, `pixel ${i}`);
      fg += expected ? 1 : 0;
    }
    assert(fg > 50, "the ball is in the matte");
    // the sky fills the background: background pixels vary and depth stays +inf there
    const f = frames[0];
    const sky = new Set<number>();
    for (let i = 0; i < 64 * 64; i++) {
      if (f.instance[i] === 0) {
        assertEquals(f.depth[i], Infinity);
        sky.add(f.rgb[i * 4] * 65536 + f.rgb[i * 4 + 1] * 256 + f.rgb[i * 4 + 2]);
      }
    }
    assert(sky.size > 5, `sky has ${sky.size} colours`);
    const labels = await readLabels(out);
    const r = labels.randomization;
    assertEquals(r["randomizer/scene"].sky.preset, "sunset");
    assertEquals(r["randomizer/materials"].objects.ball.texture.pattern, "marble");
    assert(typeof r["randomizer/materials"].objects.ball.color === "string");
    assertEquals(r["randomizer/quality"].supersample, 2);
    assert(Array.isArray(r["randomizer/clutter"].placed));
    const ball = labels.objects.find((o: { name: string }) => o.name === "ball");
    assertEquals(ball.material.colorName, r["randomizer/materials"].objects.ball.color);
  },
});

Deno.test({
  name: "basic room: walls and floor from palettes, two lights, deterministic per seed",
  ...gpuTest,
  async fn() {
    const yaml = `
frames: 1
outputs: [instance]
camera: { position: [0, 1.5, 3], look_at: [0, 0.5, 0], fov: 60 }
objects:
  - { name: box, mesh: cube, position: [0, 0.5, 0] }
plugins:
  - { use: randomizer/scene, with: { type: basic } }
  - { use: randomizer/test_probe }
`;
    const a = await render(yaml);
    const b = await render(yaml);
    assertEquals(a.frames[0].rgb, b.frames[0].rgb);
    const labels = await readLabels(a.out);
    const room = labels.randomization["randomizer/scene"].room;
    assert(typeof room.wall.name === "string");
    // class "wall" holds the four walls and, as their own instances, the four baseboards
    type Labelled = { class: string; attributes?: { part?: string } };
    const walls = labels.objects.filter((o: Labelled) => o.class === "wall" && !o.attributes?.part);
    assertEquals(walls.length, 4);
    const boards = labels.objects.filter((o: Labelled) => o.attributes?.part === "baseboard");
    assertEquals(boards.length, 4);
    assert(boards.every((o: { class: string }) => o.class === "wall"));
    assertEquals(walls[0].material.colorName, room.wall.name);
    assertEquals(labels.sampled.scene !== undefined, true);
  },
});
