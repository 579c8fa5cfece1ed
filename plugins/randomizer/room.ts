/**
 * The basic scene type's room: a floor with a floor look (planks, tiles, carpet, concrete;
 * engine/scene/floor_looks.ts), four walls painted, plastered or papered, and a baseboard at the
 * foot of each wall in a trim colour that stands out from the walls.
 *
 * Baseboards are class "wall", as indoor label sets (NYU40/ScanNet, ADE20K) count skirting as
 * part of the wall, and so whatever treats walls as set dressing (the matte, clutter, captions)
 * treats them alike. Each is an instance of its own (room_baseboard_*, attributes.part
 * "baseboard"), so a user can tell them apart; they butt at the corners without overlapping.
 */
import { applyFloorLook } from "../../engine/scene/floor_looks.ts";
import { type NamedColor, paletteColors, pickColor } from "../../engine/scene/palette.ts";
import {
  applyFinish,
  type Finish,
  FINISH_FREQUENCY,
  type Pattern,
  proceduralKey,
  proceduralTexture,
} from "../../engine/scene/procedural_texture.ts";
import { hashString, type Rng } from "../../engine/scene/rng.ts";
import type { Material, Scene, Vec3 } from "../../engine/scene/scene.ts";

export const WALL_LOOKS = ["paint", "plaster", "wallpaper"] as const;
export type WallLook = typeof WALL_LOOKS[number];

/** Walls are 10 cm thick, centred on the room's sides (as the room always had them). */
const WALL_THICKNESS = 0.1;
/** How deep a baseboard stands out from the wall; it is sunk this much more into the wall. */
const BASEBOARD_DEPTH = 0.018;
const SUNK = 0.005;
/** Baseboards reach this far below the floor, so no face of theirs lies in the floor's plane. */
const BELOW_FLOOR = 0.01;

export interface RoomOptions {
  size: number;
  height: number;
  /** Wall looks drawn from. */
  walls: readonly WallLook[];
  /** Baseboard height range, metres; [0, 0] leaves them out. */
  baseboard: readonly number[];
  /** Whether the scene has a floor of its own (then none is added). */
  ownFloor: boolean;
  /**
   * false: the walls cast no shadows, so a key light beyond them (a sun, a lamp placed farther
   * out than the room is wide) still reaches the room, as through a window.
   */
  wallShadows?: boolean;
}

/**
 * The key of a copy of mesh `key` that casts no shadow (MeshData.castShadow false), registered in
 * `scene` on first use.
 */
export function shadowlessMesh(scene: Scene, key: string): string {
  const copy = `${key}_shadowless`;
  if (!scene.meshes.has(copy)) {
    const parts = scene.meshes.get(key);
    if (!parts) throw new RangeError(`mesh "${key}" is not registered`);
    scene.meshes.set(copy, parts.map((p) => ({ ...p, mesh: { ...p.mesh, castShadow: false } })));
  }
  return copy;
}

/** What a wall look puts on a wall: its pattern and finish, and how many metres a tile spans. */
const WALL_PATTERNS: Record<Exclude<WallLook, "paint">, {
  pattern: Pattern;
  finish: Finish;
  tile: number;
  frequency: [number, number];
}> = {
  // trowelled plaster: soft blotches over a metre and a half
  plaster: { pattern: "noise", finish: "painted", tile: 1.5, frequency: [3, 6] },
  // 6–10 bands a metre: 10–17 cm repeats
  wallpaper: { pattern: "wallpaper", finish: "paper", tile: 1, frequency: [6, 10] },
};

/** Adds the room's floor, walls and baseboards to `scene`; returns what was drawn. */
export function addRoom(rng: Rng, scene: Scene, o: RoomOptions): Record<string, unknown> {
  const { size, height: h } = o;
  const wall = pickColor(rng, "wall");
  const record: Record<string, unknown> = {
    size,
    height: h,
    wall: { name: wall.name, srgb: wall.srgb },
  };
  if (!o.ownFloor) {
    const floor = scene.add({
      name: "room_floor",
      class: "floor",
      mesh: "plane",
      scale: [size, 1, size],
      material: { color: [0.5, 0.5, 0.5], roughness: 0.8, metalness: 0 },
    });
    const look = applyFloorLook(rng, scene, floor);
    record.floor = { name: look.color, srgb: look.srgb, look };
  }
  const look = rng.choice(o.walls.length > 0 ? o.walls : ["paint"] as const);
  const wallMaterial = (): Material => ({
    color: wall.linear,
    roughness: 0.9,
    metalness: 0,
    colorName: wall.name,
  });
  const paint = wallLook(rng, scene, look, wall);
  const walls: [string, Vec3, Vec3][] = [
    ["room_wall_back", [0, h / 2, -size / 2], [size, h, WALL_THICKNESS]],
    ["room_wall_front", [0, h / 2, size / 2], [size, h, WALL_THICKNESS]],
    ["room_wall_left", [-size / 2, h / 2, 0], [WALL_THICKNESS, h, size]],
    ["room_wall_right", [size / 2, h / 2, 0], [WALL_THICKNESS, h, size]],
  ];
  const mesh = o.wallShadows === false ? shadowlessMesh(scene, "cube") : "cube";
  for (const [name, position, scale] of walls) {
    const material = wallMaterial();
    paint(material, [size, h]);
    scene.add({ name, class: "wall", mesh, position, scale, material });
  }
  record.walls = { look };
  const height = rng.uniform(o.baseboard[0], o.baseboard[1]);
  if (height > 0) {
    const trim = contrasting(rng, wall);
    addBaseboards(scene, size, height, trim);
    record.baseboard = { height, color: trim.name, srgb: trim.srgb };
  }
  return record;
}

/**
 * A function that gives a wall material the drawn look (the same for all four walls), its
 * texture repeated per metre over a wall of `[length, height]`.
 */
function wallLook(
  rng: Rng,
  scene: Scene,
  look: WallLook,
  wall: NamedColor,
): (material: Material, extent: [number, number]) => void {
  const finishSeed = hashString(`wall/${rng.int(0, 7)}`);
  if (look === "paint") {
    // orange peel of a rolled coat: its tile a metre wide, so the bumps are a few cm
    return (material, [length, height]) => {
      material.uvScale = [length, height];
      applyFinish(scene.textures, material, {
        finish: "painted",
        seed: finishSeed,
        frequency: 1,
        normalScale: 0.6,
      });
    };
  }
  const kind = WALL_PATTERNS[look];
  // wallpaper's second colour is another wall colour, lifted so the named one still leads;
  // plaster's is a shade of its own
  const other = rng.choice(paletteColors("wall").filter((c) => c.name !== wall.name));
  const tint: Vec3 = look === "wallpaper"
    ? other.linear.map((v) => 0.35 + 0.65 * v) as Vec3
    : [0.88, 0.88, 0.88];
  const spec = {
    pattern: kind.pattern,
    seed: hashString(`wall/${kind.pattern}/${rng.int(0, 7)}`),
    frequency: rng.int(kind.frequency[0], kind.frequency[1]),
    colorA: [1, 1, 1] as Vec3,
    colorB: tint,
  };
  const key = proceduralKey(spec);
  scene.textures.set(key, proceduralTexture(spec));
  const [low, high] = FINISH_FREQUENCY[kind.finish];
  const frequency = rng.int(low, high);
  return (material, [length, height]) => {
    material.texture = key;
    material.uvScale = [length / kind.tile, height / kind.tile];
    applyFinish(scene.textures, material, {
      finish: kind.finish,
      seed: finishSeed,
      frequency,
      normalScale: 1,
    });
  };
}

/** A trim colour that differs from the wall's in lightness, so the baseboard reads as its own. */
function contrasting(rng: Rng, wall: NamedColor): NamedColor {
  const luma = (c: NamedColor) =>
    0.2126 * c.linear[0] + 0.7152 * c.linear[1] + 0.0722 * c.linear[2];
  const trims = paletteColors("trim");
  const apart = trims.filter((t) => Math.abs(luma(t) - luma(wall)) > 0.15);
  return rng.choice(apart.length > 0 ? apart : trims);
}

/**
 * One baseboard along the inside foot of each wall. The back and front ones span the room's
 * inner width, their ends sunk into the side walls; the side ones stop against their faces, so
 * no two overlap (a pixel is one board's) and no visible faces coincide.
 */
function addBaseboards(scene: Scene, size: number, height: number, trim: NamedColor): void {
  const inner = size / 2 - WALL_THICKNESS / 2; // the walls' inner faces
  const depth = BASEBOARD_DEPTH + SUNK;
  const centre = inner + SUNK - depth / 2; // from the room's middle
  const tall = height + BELOW_FLOOR;
  const y = height - tall / 2;
  const side = 2 * (inner - BASEBOARD_DEPTH);
  const boards: [string, Vec3, Vec3][] = [
    ["room_baseboard_back", [0, y, -centre], [2 * (inner + SUNK), tall, depth]],
    ["room_baseboard_front", [0, y, centre], [2 * (inner + SUNK), tall, depth]],
    ["room_baseboard_left", [-centre, y, 0], [depth, tall, side]],
    ["room_baseboard_right", [centre, y, 0], [depth, tall, side]],
  ];
  for (const [name, position, scale] of boards) {
    scene.add({
      name,
      class: "wall",
      mesh: "cube",
      position,
      scale,
      material: { color: trim.linear, roughness: 0.5, metalness: 0, colorName: trim.name },
      attributes: { part: "baseboard" },
    });
  }
}
