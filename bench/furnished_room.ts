/**
 * The furnished-room bench scene: a 6 × 6 m living and dining room of the furniture library's
 * CC0 models (sofa, armchair, television, shelves, piano, a dining table with six chairs, plants)
 * with some 150 small things on the table, the shelves and the floor (cups, bottles, milk,
 * bread, books as boxes): 200+ objects and over half a million triangles, all outputs on, seen
 * from the room's open side. Made as YAML so the bench renders it end to end like any scene; it
 * needs the library (`deno task assets --fetch`).
 */
import { Rng } from "../engine/scene/rng.ts";

const ASSETS: Record<string, string> = {
  couch: "couch",
  armchair: "modernArmchair",
  tv_cabinet: "televisionCabinet",
  tv: "led_tv",
  bookcase: "bookcase",
  shelves: "shelves",
  tall_shelves: "verticalShelves",
  table: "table",
  chair: "chairWithCushion",
  side_chair: "osakaChair",
  piano: "pianoAQueue",
  plant: "plant",
  orchids: "orchids",
  tall_plant: "decorativePlant",
  cactus: "cactus",
  small_plant: "littlePlant",
  cup: "caffe_final",
  plastic_cup: "plasticCup",
  milk: "tetrapak",
  yogurt: "yogurtBottle",
  bread: "bread",
  glass: "beerGlass",
  guitar: "electricGuitar",
  bin: "dustbin",
  brewer: "coffeeBrewer",
  baby_bottle: "mamadeira",
  calendar: "kalender",
};

type Vec3 = [number, number, number];

interface Placed {
  name: string;
  cls: string;
  mesh: string;
  position: Vec3;
  yaw?: number;
  scale?: Vec3;
  color?: Vec3;
}

const TABLE_TOP = 0.74;
const SHELF_TOP = 0.79;

function layout(): Placed[] {
  const rng = new Rng(2026);
  const out: Placed[] = [];
  const put = (mesh: string, position: Vec3, yaw = 0, cls = mesh) =>
    out.push({ name: `${mesh}_${out.length}`, cls, mesh, position, yaw });
  // living side (x < 0), dining side (x > 0); the camera looks towards −z
  put("couch", [-1.8, 0, -2.3]);
  put("armchair", [-2.4, 0, -0.6], 90);
  put("tv_cabinet", [-0.4, 0, -2.6]);
  put("tv", [-0.4, 1.6, -2.6]);
  put("bookcase", [1.2, 0, -2.75]);
  put("bookcase", [2.2, 0, -2.75]);
  put("shelves", [-2.75, 0, 0.6], 90);
  put("shelves", [-2.75, 0, 1.5], 90);
  put("tall_shelves", [2.75, 0, -1.6], -90);
  put("tall_shelves", [2.75, 0, -1.0], -90);
  put("piano", [2.1, 0, 1.7], 180);
  put("guitar", [-2.6, 0, -1.6], 30);
  put("plant", [-2.6, 0, -2.6]);
  put("tall_plant", [0.5, 0, -2.6]);
  put("orchids", [-2.75, SHELF_TOP, 1.5], 90);
  put("cactus", [-2.75, SHELF_TOP, 0.4]);
  put("bin", [2.6, 0, 0.2]);
  for (const [x, z] of [[-2.0, 1.0], [0.0, -1.9], [2.6, -2.5]]) put("small_plant", [x, 0, z]);
  // dining table and its chairs
  put("table", [1.0, 0, -0.4], 90);
  for (const [k, z] of [-1.2, -0.4, 0.4].entries()) {
    put(k === 1 ? "side_chair" : "chair", [0.45, 0, z], 90);
    put(k === 1 ? "side_chair" : "chair", [1.55, 0, z], -90);
  }
  // things on the table
  const onTable = ["cup", "plastic_cup", "milk", "yogurt", "bread", "glass", "baby_bottle"];
  for (let i = 0; i < 48; i++) {
    const mesh = onTable[i % onTable.length];
    put(
      mesh,
      [1.0 + rng.uniform(-0.4, 0.4), TABLE_TOP, -0.4 + rng.uniform(-1.0, 1.0)],
      rng.uniform(0, 360),
    );
  }
  put("brewer", [1.3, TABLE_TOP, -1.2], 180);
  put("calendar", [-0.1, 0.5, -2.55]);
  // books: boxes of book sizes on the shelves and the cabinet, and stacked on the floor
  const bookColors: Vec3[] = [[0.55, 0.1, 0.08], [0.1, 0.2, 0.45], [0.15, 0.35, 0.15], [
    0.8,
    0.7,
    0.5,
  ], [0.2, 0.2, 0.22]];
  const book = (position: Vec3, yaw: number) => {
    const scale: Vec3 = [rng.uniform(0.03, 0.05), rng.uniform(0.18, 0.26), rng.uniform(0.13, 0.18)];
    out.push({
      name: `book_${out.length}`,
      cls: "book",
      mesh: "cube",
      position: [position[0], position[1] + scale[1] / 2, position[2]],
      yaw,
      scale,
      color: bookColors[out.length % bookColors.length],
    });
  };
  for (let i = 0; i < 40; i++) book([-2.75, SHELF_TOP, 0.4 + 0.3 + i * 0.012 * 2], 90);
  for (let i = 0; i < 40; i++) book([-1.05 + i * 0.03, 0.52, -2.55], 0);
  for (let i = 0; i < 30; i++) {
    book([2.75, 1.02 + 0.42 * (i % 2), -1.45 + Math.floor(i / 2) * 0.045], 90);
  }
  // a stack of books on the floor by the bookcases
  for (let i = 0; i < 14; i++) {
    out.push({
      name: `book_${out.length}`,
      cls: "book",
      mesh: "cube",
      position: [1.7 + rng.uniform(-0.02, 0.02), 0.02 + i * 0.04, -2.3],
      yaw: rng.uniform(-15, 15),
      scale: [rng.uniform(0.16, 0.2), 0.035, rng.uniform(0.22, 0.26)],
      color: bookColors[i % bookColors.length],
    });
  }
  return out;
}

/** The room as synthvid YAML: `clips` clips of `frames` frames at `size`² with every output. */
export function furnishedRoomYaml(
  size: number,
  frames: number,
  clips: number,
  lod?: number,
): string {
  const v = (a: readonly number[]) => `[${a.map((x) => +x.toFixed(4)).join(", ")}]`;
  const lines = [
    "name: furnished_room",
    "seed: 5",
    `clips: ${clips}`,
    `frames: ${frames}`,
    "fps: 24",
    `size: [${size}, ${size}]`,
    "outputs: [rgb, depth, normals, instance, flow, preview]",
    ...(lod !== undefined ? [`lod: ${lod}`] : []),
    "camera: { position: [0.3, 1.55, 2.7], look_at: [0, 0.8, -1.5], fov: 70 }",
    "background: [0.6, 0.65, 0.7]",
    "ambient: { color: [1, 0.97, 0.92], intensity: 0.35 }",
    "lights:",
    "  - { type: directional, direction: [-0.4, -1, -0.3], color: [1, 0.96, 0.9], intensity: 2.5, cast_shadow: true }",
    "assets:",
    ...Object.entries(ASSETS).map(([key, id]) => `  ${key}: "library:${id}"`),
    "objects:",
    "  - { name: floor, class: floor, mesh: plane, scale: [6, 1, 6], color: [0.55, 0.42, 0.3], roughness: 0.6, finish: wood }",
    "  - { name: wall_back, class: wall, mesh: cube, position: [0, 1.4, -3.05], scale: [6, 2.8, 0.1], color: [0.85, 0.83, 0.78] }",
    "  - { name: wall_left, class: wall, mesh: cube, position: [-3.05, 1.4, 0], scale: [0.1, 2.8, 6], color: [0.8, 0.82, 0.8] }",
    "  - { name: wall_right, class: wall, mesh: cube, position: [3.05, 1.4, 0], scale: [0.1, 2.8, 6], color: [0.8, 0.82, 0.8] }",
  ];
  for (const o of layout()) {
    const rotation = `[0, ${+(o.yaw ?? 0).toFixed(2)}, 0]`;
    const look = o.color ? `, color: ${v(o.color)}, roughness: 0.7` : "";
    const scale = o.scale ? `, scale: ${v(o.scale)}` : "";
    lines.push(
      `  - { name: ${o.name}, class: ${o.cls}, mesh: ${o.mesh}, position: ${
        v(o.position)
      }, rotation: ${rotation}${scale}${look} }`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Objects in the room (the floor and walls included). */
export const FURNISHED_ROOM_OBJECTS = layout().length + 4;
