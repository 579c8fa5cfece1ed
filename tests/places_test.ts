/**
 * Places, not planes: tables with legs (geometry, collider), the floor and wall patterns and
 * finishes (GPU generator), floor looks, the basic room's walls and baseboards, and a render of
 * a room whose baseboards are labelled on their own.
 */
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import { readLabels, renderTestScene, testGpu } from "./helpers.ts";
import { meshBounds, type MeshData, primitives } from "../engine/scene/mesh.ts";
import { TABLE_MESHES } from "../engine/scene/table_mesh.ts";
import { shapeOf } from "../engine/physics/world.ts";
import { Scene, type SceneObject } from "../engine/scene/scene.ts";
import { TextureGenerator } from "../engine/gpu/texture_generator.ts";
import type { Pattern } from "../engine/scene/procedural_texture.ts";
import { applyFloorLook, floorKind } from "../engine/scene/floor_looks.ts";
import { paletteColors } from "../engine/scene/palette.ts";
import { Rng } from "../engine/scene/rng.ts";
import { addRoom } from "../plugins/randomizer/room.ts";
import { loadScene, SceneError } from "../engine/config/scene_file.ts";
import { builtins } from "../plugins/mod.ts";
import { decodeNpy } from "../engine/dataset/npy.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };

function triangleNormal(m: MeshData, t: number): { n: number[]; area: number } {
  const p = m.positions;
  const [a, b, c] = [m.indices[t], m.indices[t + 1], m.indices[t + 2]];
  const e1 = [0, 1, 2].map((k) => p[3 * b + k] - p[3 * a + k]);
  const e2 = [0, 1, 2].map((k) => p[3 * c + k] - p[3 * a + k]);
  const n = [
    e1[1] * e2[2] - e1[2] * e2[1],
    e1[2] * e2[0] - e1[0] * e2[2],
    e1[0] * e2[1] - e1[1] * e2[0],
  ];
  return { n, area: Math.hypot(n[0], n[1], n[2]) / 2 };
}

for (const [key, make] of Object.entries(TABLE_MESHES)) {
  Deno.test(`${key}: unit-box bounds with the top at +0.5, sound triangles, normals and UVs`, () => {
    const m = make();
    const { min, max } = meshBounds(m);
    assertEquals(min, [-0.5, -0.5, -0.5]);
    assertEquals(max, [0.5, 0.5, 0.5]);
    assertEquals(m.collider, "bounds");
    const vertices = m.positions.length / 3;
    assertEquals(m.normals.length, m.positions.length);
    assertEquals(m.uvs.length, 2 * vertices);
    for (let v = 0; v < vertices; v++) {
      const n = [m.normals[3 * v], m.normals[3 * v + 1], m.normals[3 * v + 2]];
      assertAlmostEquals(Math.hypot(n[0], n[1], n[2]), 1, 1e-5);
      for (const uv of [m.uvs[2 * v], m.uvs[2 * v + 1]]) assert(uv >= 0 && uv <= 1, `uv ${uv}`);
    }
    assertEquals(m.indices.length % 3, 0);
    // the top face: flat at +0.5, covering nearly all of the footprint (the edges are eased)
    let top = 0;
    for (let t = 0; t < m.indices.length; t += 3) {
      for (let k = 0; k < 3; k++) assert(m.indices[t + k] < vertices, "index in range");
      const { n, area } = triangleNormal(m, t);
      // a millimetre-square triangle at the nominal size is the smallest part has
      assert(area > 1e-6, `${key}: triangle ${t / 3} has area ${area}`);
      // faces turn the way their vertex normals do: out of the solid
      for (let k = 0; k < 3; k++) {
        const v = m.indices[t + k];
        const dot = n[0] * m.normals[3 * v] + n[1] * m.normals[3 * v + 1] +
          n[2] * m.normals[3 * v + 2];
        assert(dot > 0, `${key}: triangle ${t / 3} faces against its normals`);
      }
      const ys = [0, 1, 2].map((k) => m.positions[3 * m.indices[t + k] + 1]);
      if (ys.every((y) => y === 0.5) && n[1] > 0) top += area;
    }
    assert(top > 0.95, `${key}: top face covers ${top.toFixed(3)} of the unit square`);
  });
}

Deno.test("table meshes: legs stay thin at the scene's table sizes", () => {
  // non-uniform scale stretches a leg: its foot must stay 3–6 cm across at 1.4–2.0 × 0.9–1.2 m
  for (const key of ["table_square_legs", "table_round_legs"]) {
    const m = TABLE_MESHES[key]();
    const xs: number[] = [];
    const zs: number[] = [];
    for (let v = 0; v < m.positions.length / 3; v++) {
      const [x, y, z] = [m.positions[3 * v], m.positions[3 * v + 1], m.positions[3 * v + 2]];
      if (y === -0.5 && x > 0 && z > 0) [xs.push(x), zs.push(z)];
    }
    const across = (values: number[]) => Math.max(...values) - Math.min(...values);
    for (const [width, depth] of [[1.4, 0.9], [2.0, 1.2]]) {
      const [fx, fz] = [across(xs) * width, across(zs) * depth];
      assert(fx > 0.03 && fx < 0.06 && fz > 0.03 && fz < 0.06, `${key}: foot ${fx} × ${fz} m`);
    }
  }
});

Deno.test("shapeOf: a table with legs collides as the box the cube did", () => {
  const scene = new Scene();
  scene.meshes.set("cube", [{ mesh: primitives.cube() }]);
  for (const [key, make] of Object.entries(TABLE_MESHES)) scene.meshes.set(key, [{ mesh: make() }]);
  const scale: [number, number, number] = [1.7, 0.74, 1.05];
  const cube = shapeOf(scene, scene.add({ name: "cube", mesh: "cube", scale }));
  for (const key of Object.keys(TABLE_MESHES)) {
    const table = shapeOf(scene, scene.add({ name: key, mesh: key, scale }));
    assertEquals(table, cube, key);
  }
});

Deno.test("scene files: a table mesh can be drawn per clip, and an unknown choice is named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "synthvid_places_" });
  const file = `${dir}/scene.yaml`;
  const yaml = (choices: string) =>
    `objects:\n  - { name: table, mesh: { choice: [${choices}] }, scale: [1.6, 0.74, 1] }\n`;
  await Deno.writeTextFile(file, yaml("table_square_legs, table_round_legs, table_trestle"));
  await loadScene(file, { registry: builtins });
  await Deno.writeTextFile(file, yaml("table_square_legs, table_legs"));
  const error = await loadScene(file, { registry: builtins }).catch((e) => e);
  assert(error instanceof SceneError, `not a SceneError: ${error}`);
  const text = error.problems.join("\n");
  assert(text.includes("objects[0].mesh.choice[1]") && text.includes('"table_legs"'), text);
  await Deno.remove(dir, { recursive: true });
});

function withPrimitives(): Scene {
  const scene = new Scene();
  for (const [key, make] of Object.entries(primitives)) scene.meshes.set(key, [{ mesh: make() }]);
  return scene;
}

const PLACE_PATTERNS: Pattern[] = ["planks", "tiles", "carpet", "wallpaper"];

Deno.test({
  name: "floor and wall patterns: one seed gives the same texels, another differs; seams and grout",
  ...gpuTest,
  async fn() {
    const gpu = await testGpu();
    const size = 256;
    const gen = await TextureGenerator.create(gpu.device, size);
    // white at t = 0, black at t = 1: the red byte reads the pattern's value back
    const spec = (pattern: Pattern, seed: number, frequency: number) => ({
      pattern,
      seed,
      frequency,
      colorA: [1, 1, 1] as [number, number, number],
      colorB: [0, 0, 0] as [number, number, number],
    });
    for (const pattern of PLACE_PATTERNS) {
      const a = await gen.generate(spec(pattern, 7, 4));
      assertEquals(a, await gen.generate(spec(pattern, 7, 4)), `${pattern}: same seed`);
      const other = await gen.generate(spec(pattern, 8, 4));
      assert(a.some((v, i) => v !== other[i]), `${pattern}: another seed changes nothing`);
      const values = new Set<number>();
      for (let i = 0; i < size * size; i++) values.add(a[4 * i]);
      assert(values.size > 16, `${pattern}: only ${values.size} levels`);
    }
    // 4 boards across: a seam (dark) runs down every board edge, board faces are lighter
    const planks = await gen.generate(spec("planks", 3, 4));
    const column = (x: number) => {
      let sum = 0;
      for (let y = 0; y < size; y++) sum += planks[4 * (y * size + x)];
      return sum / size;
    };
    for (const edge of [0, 64, 128, 192]) {
      const seam = Math.min(column(edge), column((edge + size - 1) % size));
      assert(seam < column(edge + 32) - 40, `planks: no seam at x = ${edge}`);
    }
    // 4 × 4 tiles: the grout (t near 1) is a few per cent of the texels
    const tiles = await gen.generate(spec("tiles", 3, 4));
    let grout = 0;
    for (let i = 0; i < size * size; i++) if (tiles[4 * i] < 40) grout++;
    const share = grout / (size * size);
    assert(share > 0.02 && share < 0.12, `tiles: grout covers ${(100 * share).toFixed(1)} %`);
    gen.destroy();
    gpu.check();
  },
});

Deno.test("floor looks: every floor colour names a material; its texture repeats per metre", () => {
  for (const c of paletteColors("floor")) floorKind(c.name);
  const scene = withPrimitives();
  const floor = scene.add({ name: "floor", class: "floor", mesh: "plane", scale: [12, 1, 8] });
  const a = applyFloorLook(new Rng("floor"), scene, floor);
  const kind = floorKind(floor.material.colorName!);
  assertEquals(a.pattern, kind.pattern);
  assertEquals(floor.material.uvScale, [12 / kind.tile, 8 / kind.tile]);
  assertEquals(floor.material.finish, kind.finish);
  assert(scene.textures.has(floor.material.texture!));
  // the finish is the pattern's seed and frequency, so grooves fall on the seams
  assert(floor.material.normalTexture!.includes(`/${a.seed}/${a.frequency}/`));
  // the same stream draws the same floor
  const again = withPrimitives();
  const copy = again.add({ name: "floor", class: "floor", mesh: "plane", scale: [12, 1, 8] });
  assertEquals(applyFloorLook(new Rng("floor"), again, copy), a);
});

/** Axis-aligned box of an unrotated cube object. */
function box(o: SceneObject): { min: number[]; max: number[] } {
  return {
    min: o.position.map((p, k) => p - o.scale[k] / 2),
    max: o.position.map((p, k) => p + o.scale[k] / 2),
  };
}

Deno.test("basic room: a baseboard at the foot of each wall, none overlapping, walls unchanged", () => {
  for (const seed of ["a", "b", "c"]) {
    const scene = withPrimitives();
    const room = addRoom(new Rng(seed), scene, {
      size: 10,
      height: 3.2,
      walls: ["paint", "plaster", "wallpaper"],
      baseboard: [0.08, 0.14],
      ownFloor: false,
    });
    const walls = scene.objects.filter((o) => o.name.startsWith("room_wall_"));
    const boards = scene.objects.filter((o) => o.attributes?.part === "baseboard");
    assertEquals(walls.length, 4);
    assertEquals(boards.length, 4);
    const height = (room.baseboard as { height: number }).height;
    assert(height >= 0.08 && height <= 0.14);
    for (const b of boards) {
      assertEquals(b.cls, "wall");
      const { min, max } = box(b);
      assert(min[1] < 0, "reaches below the floor: no face in its plane");
      assertAlmostEquals(max[1], height, 1e-9);
      // it stands against exactly one wall: sunk into it, standing 1–3 cm out of it
      const side = b.name.replace("room_baseboard_", "");
      const wall = box(walls.find((w) => w.name === `room_wall_${side}`)!);
      const axis = side === "back" || side === "front" ? 2 : 0;
      const sign = side === "back" || side === "left" ? -1 : 1;
      const face = sign < 0 ? wall.max[axis] : wall.min[axis];
      const inside = sign < 0 ? face - min[axis] : max[axis] - face;
      const outside = sign < 0 ? max[axis] - face : face - min[axis];
      assert(inside > 0, `${b.name} is not sunk into its wall`);
      assert(outside > 0.01 && outside < 0.03, `${b.name} stands ${outside} m out`);
      // its trim colour differs from the wall's
      assert(b.material.colorName !== undefined);
      assert(b.material.color.some((c, k) => Math.abs(c - walls[0].material.color[k]) > 0.05));
    }
    for (let i = 0; i < 4; i++) {
      for (let j = i + 1; j < 4; j++) {
        const [p, q] = [box(boards[i]), box(boards[j])];
        const overlap = [0, 1, 2].every((k) =>
          p.min[k] < q.max[k] - 1e-9 && q.min[k] < p.max[k] - 1e-9
        );
        assert(!overlap, `${boards[i].name} and ${boards[j].name} overlap`);
      }
    }
    const floor = scene.objects.find((o) => o.name === "room_floor")!;
    assertEquals(floor.material.colorName, (room.floor as { name: string }).name);
    assert(floor.material.uvScale !== undefined);
  }
});

Deno.test({
  name: "basic room render: each baseboard its own instance, in view under the back wall",
  ...gpuTest,
  async fn() {
    const { out, dir } = await renderTestScene(
      `
frames: 1
size: [160, 120]
outputs: [rgb, instance]
camera: { position: [0, 0.6, 0], look_at: [0, 0.1, -6], fov: 60 }
objects:
  - { name: box, mesh: cube, position: [0, 0.25, -1], scale: 0.5 }
plugins:
  - { use: randomizer/scene, with: { type: basic, room_size_range: [8, 8] } }
`,
    );
    const labels = await readLabels(out);
    const back = labels.objects.find((o: { name: string }) => o.name === "room_baseboard_back");
    const wall = labels.objects.find((o: { name: string }) => o.name === "room_wall_back");
    assertEquals(back.class, "wall");
    const ids = decodeNpy(await Deno.readFile(`${out}/clip_00000/instance.npy`)).data;
    let board = 0, wallPixels = 0;
    for (const id of ids) {
      if (id === back.id) board++;
      if (id === wall.id) wallPixels++;
    }
    assert(board > 20, `the back baseboard covers ${board} pixels`);
    assert(wallPixels > board, "the wall stands above it");
    await Deno.remove(dir, { recursive: true });
  },
});
