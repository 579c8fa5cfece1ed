/**
 * randomizer/room_set: the sets' models are in the manifest and of the right categories; layouts
 * keep every piece inside the walls, backs to a wall, apart from each other, clear of the action
 * and under the ceiling, with stacked pieces on their bases; a render labels the furniture as set
 * dressing with its asset and credits, names the room in captions and keeps clutter off it; and
 * meshes that cast no shadow light what lies under them while every label stays the same.
 */
import { assert, assertEquals } from "./assert.ts";
import { frameProbe, probedFrames, readLabels, renderTestScene } from "./helpers.ts";
import { builtins } from "../plugins/mod.ts";
import { definePlugin } from "../engine/plugin/contract.ts";
import { Rng } from "../engine/scene/rng.ts";
import type { Vec3 } from "../engine/scene/scene.ts";
import { furnitureFolder } from "../engine/scene/furniture_library.ts";
import { shadowlessMesh } from "../plugins/randomizer/room.ts";
import { type FloorRect, rectsOverlap } from "../plugins/randomizer/floor_space.ts";
import {
  footprint,
  layoutRoomSet,
  type Placement,
  wallSides,
} from "../plugins/randomizer/room_layout.ts";
import {
  ARMCHAIRS,
  FRIDGES,
  ROOM_SETS,
  roomSetKeys,
  SOFAS,
} from "../plugins/randomizer/room_sets.ts";

const gpuTest = { sanitizeResources: false, sanitizeOps: false };
const noLibrary = !furnitureFolder();

/** The checked-in manifest's rows by key (no library needed to lay a room out). */
const MANIFEST = new Map<string, { category: string; size: Vec3 }>(
  (JSON.parse(Deno.readTextFileSync(new URL("../assets/furniture_manifest.json", import.meta.url)))
    .models as { key: string; category: string; size: Vec3 }[]).map((r) => [r.key, r]),
);

Deno.test("room sets: every model is in the manifest, of the category its part needs", () => {
  for (const key of roomSetKeys()) assert(MANIFEST.has(key), `${key} is not in the manifest`);
  for (const key of SOFAS) assertEquals(MANIFEST.get(key)!.category, "sofa", key);
  for (const key of ARMCHAIRS) assertEquals(MANIFEST.get(key)!.category, "chair", key);
  for (const key of FRIDGES) assertEquals(MANIFEST.get(key)!.category, "appliance", key);
});

/** Roles that stand on another piece, and those hung on the wall above the floor pieces. */
const ON_TOP = new Set(["hob", "countertop", "tv", "table_lamp"]);
const HUNG = new Set(["wall_cabinet", "hood"]);
const EPS = 1e-6;

const bottom = (p: Placement) => p.position[1] - p.size[1] / 2;
const top = (p: Placement) => p.position[1] + p.size[1] / 2;

Deno.test("room layout: inside the walls, backs to a wall, apart, clear of the action, on their bases", () => {
  const table: FloorRect = { min: [-1, -0.6], max: [1, 0.6] };
  const camera: FloorRect = { min: [-0.3, 0.7], max: [0.3, 1.3] };
  const clearance = 0.35;
  const counts = { kitchen: 0, fridge: 0, sink: 0, living_room: 0, sofa: 0, pieces: 0 };
  for (let seed = 1; seed <= 150; seed++) {
    for (const set of ROOM_SETS) {
      const rng = new Rng(seed);
      const half = rng.uniform(2.25, 3.15);
      const height = 2.6;
      const walls = wallSides([0, 0], half);
      const placed = layoutRoomSet({
        set,
        walls,
        main: 0,
        height,
        sizeOf: (k) => MANIFEST.get(k)?.size,
        protect: [table, camera],
        clearance,
      }, rng);
      counts[set]++;
      counts.pieces += placed.length;
      if (set === "kitchen") {
        if (placed.some((p) => p.role === "fridge")) counts.fridge++;
        if (placed.some((p) => p.role === "sink")) counts.sink++;
      } else if (placed.some((p) => p.role === "sofa")) counts.sofa++;
      const floor = placed.filter((p) => bottom(p) < 0.01 && p.role !== "rug");
      for (const p of placed) {
        const f = footprint(p);
        const what = `seed ${seed} ${set}: ${p.role} ${p.key}`;
        assert(
          f.min[0] >= -half - EPS && f.max[0] <= half + EPS && f.min[1] >= -half - EPS &&
            f.max[1] <= half + EPS,
          `${what} stands outside the walls`,
        );
        assert(top(p) <= height - 0.02 + EPS, `${what} reaches the ceiling`);
        assert(bottom(p) >= -EPS, `${what} sinks into the floor`);
        // its back to its wall: the footprint's edge on the wall's side lies at the face
        const wall = walls.find((w) => w.name === p.wall)!;
        const gap = {
          back: f.min[1] + half,
          front: half - f.max[1],
          left: f.min[0] + half,
          right: half - f.max[0],
        }[wall.name];
        if (p.role !== "coffee_table" && p.role !== "rug") {
          assert(gap >= -EPS && gap <= 0.13, `${what} stands ${gap.toFixed(3)} m off its wall`);
        }
        if (bottom(p) < 0.01) {
          for (const guard of [table, camera]) {
            assert(!rectsOverlap(f, guard, clearance - EPS), `${what} crowds the action`);
          }
        }
        if (ON_TOP.has(p.role)) {
          const base = floor.find((b) =>
            Math.abs(top(b) - bottom(p)) < EPS && rectsOverlap(footprint(b), f)
          );
          assert(base, `${what} stands on nothing`);
        }
        if (HUNG.has(p.role)) {
          for (const b of floor) {
            if (rectsOverlap(footprint(b), f, -EPS)) {
              assert(bottom(p) >= top(b) - EPS, `${what} cuts into ${b.role} ${b.key}`);
            }
          }
        }
      }
      for (let i = 0; i < floor.length; i++) {
        for (let j = i + 1; j < floor.length; j++) {
          assert(
            !rectsOverlap(footprint(floor[i]), footprint(floor[j]), -1e-4),
            `seed ${seed} ${set}: ${floor[i].role} ${floor[i].key} overlaps ${floor[j].role} ${
              floor[j].key
            }`,
          );
        }
      }
    }
  }
  // the main runs are there in (nearly) every room: only a crowded wall loses its fridge
  assert(counts.fridge >= 0.9 * counts.kitchen, `fridges in ${counts.fridge}/${counts.kitchen}`);
  assert(counts.sink >= 0.9 * counts.kitchen, `sinks in ${counts.sink}/${counts.kitchen}`);
  assert(counts.sofa >= 0.9 * counts.living_room, `sofas in ${counts.sofa}/${counts.living_room}`);
  assert(counts.pieces / 300 >= 8, `${(counts.pieces / 300).toFixed(1)} pieces a room`);
});

const ROOM_SCENE = `
name: room_set_test
seed: 4
clips: 2
frames: 2
size: [96, 72]
outputs: [rgb, instance]
camera: { position: [0, 1.3, 1.1], look_at: [0, 0.75, -1], fov: 60 }
objects:
  - { name: floor, class: floor, mesh: plane, scale: [12, 1, 12] }
  - { name: table, class: table, mesh: table_square_legs, position: [0, 0.37, 0], scale: [1.6, 0.74, 1.0] }
  - { name: cup, class: cup, mesh: cylinder, position: [0, 0.8, 0], scale: [0.08, 0.1, 0.08] }
plugins:
  - { use: randomizer/scene, with: { type: env, sky: clear } }
  - { use: randomizer/room_set }
  - { use: randomizer/clutter, with: { count: 6, library: 0.5, radius_range: [1.2, 3.5] } }
  - { use: captioner/fine }
`;

Deno.test({
  name:
    "room_set render: furniture as set dressing with assets and credits, the room in captions, clutter off it",
  ignore: noLibrary,
  ...gpuTest,
  fn: async () => {
    const { out, dir } = await renderTestScene(ROOM_SCENE);
    const credits = JSON.parse(await Deno.readTextFile(`${out}/credits.json`));
    const credited = new Set(
      (credits.assets as { asset: string }[]).map((a) => a.asset),
    );
    for (const clip of [0, 1]) {
      const labels = await readLabels(out, clip);
      const record = Object.values(labels.plugins ?? {}).map((p) =>
        (p as { randomization?: { room?: Record<string, unknown> } }).randomization?.room
      ).find((r) => r?.set);
      assert(record, "the room_set record is in labels.json");
      // deno-lint-ignore no-explicit-any
      const pieces = labels.objects.filter((o: any) => o.attributes?.room_set === record.set);
      assert(pieces.length >= 5, `clip ${clip}: ${pieces.length} pieces`);
      for (const p of pieces) {
        assertEquals(p.class, MANIFEST.get(p.attributes.asset.slice("library:".length))!.category);
        assertEquals(p.attributes.foreground, false);
        assert(credited.has(p.attributes.asset), `${p.attributes.asset} is not in credits.json`);
      }
      const walls = labels.objects.filter((o: { class: string }) => o.class === "wall");
      assert(walls.length >= 4, "walls stand around the scene");
      const captions = JSON.parse(
        await Deno.readTextFile(`${out}/clip_0000${clip}/captions.json`),
      ).captions as { text: string }[];
      const place = record.place as string;
      assert(
        captions.some((c) => c.text.includes(`a ${place} with`)),
        `clip ${clip}: no caption names the ${place}: ${captions.map((c) => c.text).join(" | ")}`,
      );
      // clutter inside the walls, off every floor piece (world boxes from frame 0's poses)
      const half = (record.size as number) / 2 - 0.05;
      // deno-lint-ignore no-explicit-any
      const standing = pieces.map(worldBox).filter((b: any) => b.min[1] < 0.05);
      // deno-lint-ignore no-explicit-any
      for (const c of labels.objects.filter((o: any) => o.class === "clutter").map(worldBox)) {
        for (const k of [0, 2]) {
          assert(
            c.min[k] >= -half - 1e-6 && c.max[k] <= half + 1e-6,
            `${c.name} pokes through a wall`,
          );
        }
        for (const p of standing) {
          const apart = [0, 2].some((k) =>
            c.max[k] <= p.min[k] + 1e-6 || p.max[k] <= c.min[k] + 1e-6
          );
          assert(apart, `${c.name} stands in ${p.name}`);
        }
      }
    }
    await Deno.remove(dir, { recursive: true });
  },
});

/** A labelled object's world box on frame 0: its unit bounds through its pose. */
function worldBox(
  o: { name: string; bounds: [Vec3, Vec3]; frames: { pose: number[][] }[] },
): { name: string; min: Vec3; max: Vec3 } {
  const m = o.frames[0].pose;
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < 8; i++) {
    const p = [0, 1, 2].map((k) => o.bounds[(i >> k) & 1][k]);
    for (let r = 0; r < 3; r++) {
      const v = m[r][0] * p[0] + m[r][1] * p[1] + m[r][2] * p[2] + m[r][3];
      min[r] = Math.min(min[r], v);
      max[r] = Math.max(max[r], v);
    }
  }
  return { name: o.name, min, max };
}

/** Turns the scene's `roof` into a copy of its mesh that casts no shadow. */
const shadowless = definePlugin({
  id: "randomizer/test_shadowless",
  kind: "randomizer",
  description: "the roof casts no shadow",
  defaults: {},
  create: () => ({
    clipStart(ctx) {
      const roof = ctx.scene.find("roof")!;
      roof.mesh = shadowlessMesh(ctx.scene, roof.mesh);
    },
  }),
});

Deno.test({
  name: "castShadow false: the floor under a roof is lit, every label byte-identical",
  ...gpuTest,
  fn: async () => {
    const scene = (extra: string) => `
name: roof
seed: 1
clips: 1
frames: 2
size: [64, 48]
outputs: [rgb, depth, normals, instance]
camera: { position: [0, 0.8, 3], look_at: [0, 0, 0], fov: 50 }
ambient: { color: [1, 1, 1], intensity: 0.2 }
lights:
  - { type: directional, direction: [0.1, -1, 0.05], intensity: 3, cast_shadow: true }
objects:
  - { name: floor, mesh: plane, scale: [10, 1, 10], color: [0.8, 0.8, 0.8], roughness: 1 }
  - { name: roof, mesh: cube, position: [0, 2.5, 0], scale: [6, 0.1, 6] }
plugins:
  - { use: randomizer/test_probe }
${extra}`;
    const registry = [...builtins, frameProbe, shadowless];
    const floorGreen = async (extra: string) => {
      probedFrames.length = 0;
      const { out, dir } = await renderTestScene(scene(extra), { registry });
      const f = probedFrames[0];
      let sum = 0;
      for (let y = 36; y < 44; y++) {
        for (let x = 24; x < 40; x++) sum += f.rgb[(y * 64 + x) * 4 + 1];
      }
      const files: Record<string, Uint8Array> = {};
      for (const name of ["depth.npy", "normals.npy", "instance.npy"]) {
        files[name] = await Deno.readFile(`${out}/clip_00000/${name}`);
      }
      await Deno.remove(dir, { recursive: true });
      return { green: sum / 128, files };
    };
    const shaded = await floorGreen("");
    const open = await floorGreen("  - { use: randomizer/test_shadowless }");
    assert(open.green > shaded.green * 2, `lit ${open.green} vs shadowed ${shaded.green}`);
    for (const name of Object.keys(shaded.files)) {
      assertEquals(open.files[name], shaded.files[name], `${name} differs`);
    }
  },
});
