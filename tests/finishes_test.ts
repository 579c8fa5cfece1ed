/**
 * Procedural surface finishes: the GPU generator's normal and cavity-roughness maps, the
 * material randomizer's choice of finish (by preset), and their effect on a render (rgb only).
 */
import { assert, assertEquals } from "./assert.ts";
import { readLabels, renderTestScene, testGpu } from "./helpers.ts";
import { TextureGenerator } from "../engine/gpu/texture_generator.ts";
import { FINISHES, proceduralKey, proceduralTexture } from "../engine/scene/procedural_texture.ts";
import { Rng } from "../engine/scene/rng.ts";
import { type Material, Scene } from "../engine/scene/scene.ts";
import { randomizeFinish } from "../plugins/randomizer/materials.ts";
import { decodeNpy } from "../engine/dataset/npy.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "finishes: normal maps tilt around +z and tile seamlessly, roughness maps vary within 0…1",
  ...gpuTest,
  async fn() {
    const gpu = await testGpu();
    const size = 256; // the texture store's tile size: relief is per tile
    const gen = await TextureGenerator.create(gpu.device, size);
    for (const finish of FINISHES) {
      const base = { finish, seed: 11, frequency: 3 };
      const normal = await gen.generate({ ...base, map: "normal" });
      const orm = await gen.generate({ ...base, map: "orm" });
      assertEquals(normal, await gen.generate({ ...base, map: "normal" }), `${finish}: same seed`);
      let z = 0, tilted = 0, seam = 0;
      const columns = new Float64Array(size);
      const n = (x: number, y: number) => {
        const i = (y * size + x) * 4;
        return [0, 1, 2].map((c) => normal[i + c] / 127.5 - 1);
      };
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const [nx, ny, nz] = n(x, y);
          z += nz;
          if (Math.hypot(nx, ny) > 0.02) tilted++;
          // neighbours across the tile's edge differ no more than neighbours anywhere inside it
          // (less one byte's rounding: where the slope is ~0 its sign flips between bytes)
          const step = (a: number[], b: number[]) =>
            Math.max(0, Math.hypot(a[0] - b[0], a[1] - b[1]) - 0.012);
          if (x === size - 1) seam += step(n(x, y), n(0, y));
          if (x < size - 1) columns[x] += step(n(x, y), n(x + 1, y));
        }
      }
      assert(z / (size * size) > 0.9, `${finish}: mean normal z ${(z / size / size).toFixed(3)}`);
      // the glaze is faint by design: crazing is a few thin cracks
      assert(
        tilted > size * size * (finish === "ceramic" ? 0.02 : 0.05),
        `${finish}: only ${tilted} tilted texels`,
      );
      const inner = Math.max(...columns);
      assert(
        seam <= 1.5 * inner + 0.5,
        `${finish}: seam ${seam.toFixed(2)} vs inside ${inner.toFixed(2)}`,
      );
      const g = new Set<number>();
      for (let i = 0; i < size * size; i++) {
        g.add(orm[i * 4 + 1]);
        assertEquals(orm[i * 4 + 2], 255, `${finish}: metalness factor kept`);
      }
      assert(g.size > 3, `${finish}: roughness map is flat`);
    }
    gen.destroy();
    gpu.check();
  },
});

function material(preset?: string, metalness = 0): Material {
  return { color: [0.5, 0.5, 0.5], roughness: 0.5, metalness, preset };
}

const OPTIONS = {
  finish_chance: 1,
  finishes: "fabric",
  normal_scale_range: [1, 1],
  finish_variants: 8,
};

Deno.test("randomizeFinish: presets choose their finish, metals brush, others draw from the list", () => {
  const scene = new Scene();
  const rng = new Rng(3);
  const cases: [Material, string | undefined][] = [
    [material("wood"), "wood"],
    [material("metal", 1), "brushed"],
    [material("plastic"), "painted"],
    [material("ceramic"), "ceramic"],
    [material("cardboard"), "cardboard"],
    [material("glass"), undefined],
    [material(undefined, 1), "brushed"],
    [material(), "fabric"],
  ];
  for (const [m, expected] of cases) {
    const record = randomizeFinish(rng, scene, m, OPTIONS);
    assertEquals(record?.finish, expected, `preset ${m.preset}`);
    assertEquals(m.finish, expected);
    if (expected) {
      assert(scene.textures.has(m.normalTexture!), "normal map registered");
      assertEquals(m.metalRoughTexture, m.occlusionTexture);
    } else {
      assertEquals(m.normalTexture, undefined);
    }
  }
  // chance 0: every map is removed again
  const m = material("wood");
  randomizeFinish(rng, scene, m, OPTIONS);
  assert(m.normalTexture !== undefined);
  assertEquals(randomizeFinish(rng, scene, m, { ...OPTIONS, finish_chance: 0 }), undefined);
  assertEquals([m.finish, m.normalTexture, m.metalRoughTexture], [undefined, undefined, undefined]);
});

Deno.test("randomizeFinish: wood grain lines up with a wood-patterned texture's rings", () => {
  const scene = new Scene();
  const spec = {
    pattern: "wood" as const,
    seed: 1234,
    frequency: 7,
    colorA: [1, 1, 1] as [number, number, number],
    colorB: [0.5, 0.4, 0.3] as [number, number, number],
  };
  scene.textures.set(proceduralKey(spec), proceduralTexture(spec));
  const m = { ...material("wood"), texture: proceduralKey(spec) };
  const record = randomizeFinish(new Rng(1), scene, m, OPTIONS)!;
  assertEquals([record.seed, record.frequency], [1234, 7]);
  // without a preset: the pattern picks the finish when the list has it
  const plain = { ...material(), texture: proceduralKey(spec) };
  const options = { ...OPTIONS, finishes: "painted,wood" };
  assertEquals(randomizeFinish(new Rng(2), scene, plain, options)?.finish, "wood");
  assertEquals(randomizeFinish(new Rng(2), scene, plain, OPTIONS)?.finish, "fabric");
  // a marble-coloured wooden table top shows a polished glaze, not wood grain
  const marble = { ...spec, pattern: "marble" as const };
  scene.textures.set(proceduralKey(marble), proceduralTexture(marble));
  const top = { ...material("wood"), texture: proceduralKey(marble) };
  assertEquals(randomizeFinish(new Rng(2), scene, top, OPTIONS)?.finish, "ceramic");
});

Deno.test({
  name: "materials randomizer: finishes recorded in labels, rgb changes, labels do not",
  ...gpuTest,
  async fn() {
    const yaml = (chance: number) => `
frames: 1
outputs: [rgb_frames, instance, depth, normals]
gt_format: npy
camera: { position: [0, 1, 2.5], look_at: [0, 0.3, 0], fov: 45 }
lights: [{ type: directional, direction: [-1, -0.4, -0.3], intensity: 3 }]
objects:
  - { name: crate, mesh: cube, material: wood, position: [-0.5, 0.3, 0] }
  - { name: can, mesh: cylinder, material: metal, position: [0.5, 0.3, 0] }
  - { name: rug, mesh: plane, scale: [3, 1, 3], finish: { name: fabric, frequency: 2, scale: 1.5 } }
plugins:
  - { use: randomizer/materials, with: { targets: "crate,can", finish_chance: ${chance}, texture_chance: 0 } }
`;
    const runs = [];
    for (const chance of [0, 1]) {
      const { out, dir } = await renderTestScene(yaml(chance), { frames: 1, size: [48, 48] });
      const clip = `${out}/clip_00000`;
      const labels = await readLabels(out);
      const files: Record<string, Uint8Array> = {};
      for (const name of ["instance.npy", "depth.npy", "normals.npy"]) {
        files[name] = await Deno.readFile(`${clip}/${name}`);
      }
      const rgbFile = [...Deno.readDirSync(clip)].find((e) => e.name.startsWith("rgb"))!;
      const rgb = rgbFile.isDirectory
        ? await Deno.readFile(
          `${clip}/${rgbFile.name}/${[...Deno.readDirSync(`${clip}/${rgbFile.name}`)][0].name}`,
        )
        : await Deno.readFile(`${clip}/${rgbFile.name}`);
      runs.push({ labels, files, rgb });
      await Deno.remove(dir, { recursive: true });
    }
    const [smooth, finished] = runs;
    const objects = finished.labels.randomization["randomizer/materials"].objects;
    assertEquals(objects.crate.finish.finish, "wood");
    assertEquals(objects.can.finish.finish, "brushed");
    assertEquals(
      smooth.labels.randomization["randomizer/materials"].objects.crate.finish,
      undefined,
    );
    // the colour draws are the same either way (finishes draw from a stream of their own)
    assertEquals(
      objects.crate.color,
      smooth.labels.randomization["randomizer/materials"].objects.crate.color,
    );
    const crate = finished.labels.objects.find((o: { name: string }) => o.name === "crate");
    // a scene file's own finish (the rug is no randomizer target): the same in both runs
    for (const run of runs) {
      const rug = run.labels.objects.find((o: { name: string }) => o.name === "rug");
      assertEquals([rug.material.finish, rug.material.normalScale], ["fabric", 1.5]);
    }
    assertEquals(crate.material.finish, "wood");
    for (const name of Object.keys(smooth.files)) {
      const a = decodeNpy(smooth.files[name]).data, b = decodeNpy(finished.files[name]).data;
      assert(a.length === b.length && a.every((v, i) => v === b[i]), `${name} changed by finishes`);
    }
    let differ = 0;
    for (let i = 0; i < smooth.rgb.length; i++) if (smooth.rgb[i] !== finished.rgb[i]) differ++;
    assert(differ > 100, `rgb differs in only ${differ} bytes`);
  },
});

Deno.test("randomizeFinish: few variants, and equal finishes share one texture object across scenes", () => {
  const rng = new Rng(5);
  const seeds = new Set<unknown>();
  let first: unknown;
  for (let i = 0; i < 40; i++) {
    const scene = new Scene();
    const m = material("plastic");
    const record = randomizeFinish(rng, scene, m, { ...OPTIONS, finish_variants: 2 })!;
    seeds.add(record.seed);
    if (record.seed === [...seeds][0]) {
      const texture = scene.textures.get(m.normalTexture!);
      first ??= texture;
      assert(texture === first, "a second Texture object for the same finish");
    }
  }
  assertEquals(seeds.size, 2);
});
