/**
 * Where a kitchen's or a living room's furniture goes (room_sets.ts): along the inner faces of a
 * square room's four walls, backs to the wall, fronts to the room. The wall the camera faces gets
 * the set's main run (a counter run with wall cabinets, hob and hood; a sofa with side tables, a
 * coffee table and a rug); the other walls get pieces from the set's side list with gaps between.
 * A piece (with what stands on or hangs above it) whose footprint comes near anything protected
 * (the action's table and props, the camera) is left out, so the set never crowds the action.
 *
 * Pure: sizes come from the manifest, draws from the rng; room_set.ts adds what this returns.
 */
import type { Rng } from "../../engine/scene/rng.ts";
import type { Vec3 } from "../../engine/scene/scene.ts";
import { type FloorRect, rectsOverlap } from "./floor_space.ts";
import {
  ARMCHAIRS,
  COFFEE_TABLES,
  COUNTERTOP,
  FLOOR_LAMPS,
  FRIDGES,
  KITCHEN_FAMILIES,
  KITCHEN_SIDE,
  LIVING_SIDE,
  type RoomSetName,
  RUGS,
  SIDE_TABLES,
  SOFAS,
  TABLE_LAMPS,
  TVS,
} from "./room_sets.ts";

/** One inner wall face: its middle, the direction along it (the model's +x), and inward. */
export interface WallSide {
  name: "back" | "left" | "right" | "front";
  mid: [number, number];
  along: [number, number];
  inward: [number, number];
  length: number;
  /** Yaw that turns a model's front (+z) inward, degrees. */
  yaw: number;
}

/** The four inner faces of a room centred on (cx, cz) whose inner sides are 2·half long. */
export function wallSides(centre: [number, number], half: number): WallSide[] {
  const [cx, cz] = centre;
  const side = (
    name: WallSide["name"],
    mid: [number, number],
    inward: [number, number],
  ): WallSide => {
    const yaw = Math.atan2(inward[0], inward[1]) * 180 / Math.PI;
    return { name, mid, inward, along: [inward[1], -inward[0]], length: 2 * half, yaw };
  };
  return [
    side("back", [cx, cz - half], [0, 1]),
    side("left", [cx - half, cz], [1, 0]),
    side("right", [cx + half, cz], [-1, 0]),
    side("front", [cx, cz + half], [0, -1]),
  ];
}

/** A model placed: its manifest key, the part it plays, its centre, yaw and size in metres. */
export interface Placement {
  key: string;
  role: string;
  wall: WallSide["name"];
  position: Vec3;
  yaw: number;
  size: Vec3;
}

/** What a layout needs to know of the room and the scene. */
export interface LayoutInput {
  set: RoomSetName;
  walls: WallSide[];
  /** Index in `walls` of the one the camera faces: the main run goes there. */
  main: number;
  /** Room height, metres (nothing is hung above it). */
  height: number;
  /** Manifest size (width x, height y, depth z) of a key. */
  sizeOf: (key: string) => Vec3 | undefined;
  /** Floor rectangles to keep `clearance` away from. */
  protect: FloorRect[];
  clearance: number;
}

/** A floor piece and what stands on it or hangs above it: kept or left out together. */
type Group = Placement[];

/** Gap between a floor piece's back and the wall (the baseboard stands out 18 mm). */
const BACK_GAP = 0.025;
/** A wall's ends left to the perpendicular walls' pieces. */
const CORNER = 0.75;
/** Bottom of the wall cabinets above the floor, metres. */
const UPPER_BOTTOM = 1.42;
/** Bottom of a hood above the floor. */
const HOOD_BOTTOM = 1.6;

class Layout {
  readonly groups: Group[] = [];
  /** Footprints of the groups' floor pieces kept so far. */
  readonly floor: FloorRect[] = [];
  constructor(readonly input: LayoutInput, readonly rng: Rng) {}

  size(key: string): Vec3 {
    const s = this.input.sizeOf(key);
    if (!s) throw new RangeError(`room set model "${key}" is not in the furniture manifest`);
    return s;
  }

  /**
   * A piece on `wall`, its centre `s` metres along it from the wall's middle, its back `inset`
   * metres from the face and its bottom `y` above the floor.
   */
  piece(key: string, role: string, wall: WallSide, s: number, inset: number, y = 0): Placement {
    const size = this.size(key);
    const out = inset + size[2] / 2;
    return {
      key,
      role,
      wall: wall.name,
      position: [
        wall.mid[0] + wall.along[0] * s + wall.inward[0] * out,
        y + size[1] / 2,
        wall.mid[1] + wall.along[1] * s + wall.inward[1] * out,
      ],
      yaw: wall.yaw,
      size,
    };
  }

  /**
   * Keeps a group unless its floor piece comes near something protected or stands on a floor
   * piece of another group (a deep fridge in the corner, a side wall's cupboard).
   */
  add(group: Group): boolean {
    const base = footprint(group[0]);
    if (this.input.protect.some((p) => rectsOverlap(base, p, this.input.clearance))) return false;
    const standing = group[0].position[1] - group[0].size[1] / 2 < 0.01;
    if (standing && this.floor.some((f) => rectsOverlap(base, f, -1e-4))) return false;
    if (group.some((p) => p.position[1] + p.size[1] / 2 > this.input.height - 0.02)) return false;
    this.groups.push(group);
    if (standing) this.floor.push(base);
    return true;
  }

  /** Keys of `pool` no wider than `width`. */
  fitting(pool: readonly string[], width: number): string[] {
    return pool.filter((k) => this.size(k)[0] <= width);
  }

  /**
   * Pieces of `pool` along `wall` from `from` to `to` (metres from its middle; by default end to
   * end with the corners kept free), a gap between each, each kept with chance `keep`.
   */
  fillWall(
    wall: WallSide,
    pool: readonly string[],
    keep: number,
    onTop?: (p: Placement) => Group,
    from = -wall.length / 2 + CORNER,
    to = wall.length / 2 - CORNER,
  ) {
    let s = from + this.rng.uniform(0, 0.3);
    while (s < to) {
      const choices = this.fitting(pool, to - s);
      if (choices.length === 0) break;
      const key = this.rng.choice(choices);
      const w = this.size(key)[0];
      if (this.rng.chance(keep)) {
        const p = this.piece(key, "side", wall, s + w / 2, BACK_GAP);
        this.add([p, ...(onTop?.(p) ?? [])]);
      }
      s += w + this.rng.uniform(0.15, 0.7);
    }
  }
}

/** The floor rectangle a placement covers (yaws are multiples of 90°). */
export function footprint(p: Placement): FloorRect {
  const turned = Math.abs(Math.round(p.yaw / 90)) % 2 === 1;
  const hx = (turned ? p.size[2] : p.size[0]) / 2;
  const hz = (turned ? p.size[0] : p.size[2]) / 2;
  return {
    min: [p.position[0] - hx, p.position[2] - hz],
    max: [p.position[0] + hx, p.position[2] + hz],
  };
}

/** The set's pieces for this room, drawn with `rng`. */
export function layoutRoomSet(input: LayoutInput, rng: Rng): Placement[] {
  const layout = new Layout(input, rng);
  const main = input.walls[input.main];
  const others = input.walls.filter((_, i) => i !== input.main);
  if (input.set === "kitchen") {
    counterRun(layout, main);
    for (const wall of others) layout.fillWall(wall, KITCHEN_SIDE, 0.6);
  } else {
    const [a, b] = sofaGroup(layout, main);
    const tv = (p: Placement): Group => {
      if (!/tvStand$/.test(p.key)) return [];
      const key = rng.choice(TVS);
      const top = p.position[1] + p.size[1] / 2;
      const wall = input.walls.find((w) => w.name === p.wall)!;
      const s = (p.position[0] - wall.mid[0]) * wall.along[0] +
        (p.position[2] - wall.mid[1]) * wall.along[1];
      return [layout.piece(key, "tv", wall, s, BACK_GAP + 0.1, top)];
    };
    const pool = [...LIVING_SIDE, ...ARMCHAIRS, ...FLOOR_LAMPS];
    for (const wall of others) layout.fillWall(wall, pool, 0.65, tv);
    // the sofa's wall beside its group: a bookcase, a plant, a cupboard
    layout.fillWall(main, LIVING_SIDE, 0.6, tv, -main.length / 2 + CORNER, a - 0.2);
    layout.fillWall(main, LIVING_SIDE, 0.6, tv, b + 0.2, main.length / 2 - CORNER);
  }
  return layout.groups.flat();
}

/**
 * A kitchen's counter run along `wall`: a fridge at one end, maybe a tall unit at the other,
 * base cabinets between with one sink and one cooker, wall cabinets above the bases, a hood above
 * the cooker, and a thing or two on the counter.
 */
function counterRun(layout: Layout, wall: WallSide): void {
  const rng = layout.rng;
  const family = rng.choice(KITCHEN_FAMILIES);
  const usable = wall.length - 0.04;
  const length = usable * rng.uniform(0.65, 1);
  const fromLeft = rng.chance(0.5);
  // the run starts at a corner, so it reads as built in
  let s = fromLeft ? -usable / 2 : usable / 2 - length;
  const fridge = rng.choice(FRIDGES);
  const tall = rng.chance(0.4) ? rng.choice(family.tall) : undefined;
  const width = (k: string) => layout.size(k)[0];
  // bays between the ends: the sink and cooker, then base cabinets while one fits
  const inner = length - width(fridge) - (tall ? width(tall) : 0);
  const bays: { key: string; role: string }[] = [
    { key: rng.choice(family.sink), role: "sink" },
    { key: rng.choice(family.cooker), role: "cooker" },
  ];
  const widths = () => inner - bays.reduce((n, b) => n + width(b.key), 0);
  // a short wall: the sink alone, or only the ends
  while (bays.length > 0 && widths() < 0) bays.pop();
  let left = widths();
  for (;;) {
    const fits = layout.fitting(family.lower, left);
    if (fits.length === 0) break;
    const key = rng.choice(fits);
    bays.splice(rng.int(0, bays.length), 0, { key, role: "base_cabinet" });
    left -= width(key);
  }
  // the fridge stands at the run's corner end, a tall unit at the other
  const fridgeBay = { key: fridge, role: "fridge" };
  const tallBay = tall ? [{ key: tall, role: "tall_unit" }] : [];
  const ordered = fromLeft ? [fridgeBay, ...bays, ...tallBay] : [...tallBay, ...bays, fridgeBay];
  let countertop = rng.int(1, 2);
  // stretches of the wall above sinks and base cabinets, for the wall cabinets
  const spans: [number, number][] = [];
  let open: [number, number] | undefined;
  for (const bay of ordered) {
    const w = width(bay.key);
    const at = s + w / 2;
    const base = layout.piece(bay.key, bay.role, wall, at, BACK_GAP);
    const group: Group = [base];
    const top = base.size[1];
    if (bay.role === "cooker") {
      if (family.hob) {
        group.push(layout.piece(rng.choice(family.hob), "hob", wall, at, BACK_GAP + 0.04, top));
      }
      group.push(layout.piece(rng.choice(family.hood), "hood", wall, at, 0, HOOD_BOTTOM));
    } else if (bay.role === "base_cabinet" && countertop > 0 && rng.chance(0.5)) {
      const things = layout.fitting(COUNTERTOP, w - 0.1);
      if (things.length > 0) {
        const key = rng.choice(things);
        const room = (w - width(key)) / 2 - 0.05;
        const along = at + rng.uniform(-room, room);
        group.push(layout.piece(key, "countertop", wall, along, BACK_GAP + 0.06, top));
        countertop--;
      }
    }
    const kept = layout.add(group);
    const under = kept && (bay.role === "base_cabinet" || bay.role === "sink");
    if (under && open) open[1] = s + w;
    else if (under) open = [s, s + w];
    else if (open) spans.push(open), open = undefined;
    s += w;
  }
  if (open) spans.push(open);
  for (const [a, b] of spans) wallCabinets(layout, wall, family.upper, a, b);
}

/**
 * Wall cabinets side by side between `a` and `b` along `wall` (above base units), the row centred
 * in the stretch: mostly the widest that fits, now and then a narrow one; sometimes none (open
 * wall above a counter).
 */
function wallCabinets(
  layout: Layout,
  wall: WallSide,
  pool: readonly string[],
  a: number,
  b: number,
) {
  const rng = layout.rng;
  if (!rng.chance(0.85)) return;
  const row: string[] = [];
  let left = b - a;
  for (;;) {
    const fits = layout.fitting(pool, left);
    if (fits.length === 0) break;
    const widest = Math.max(...fits.map((k) => layout.size(k)[0]));
    const key = rng.chance(0.75)
      ? rng.choice(fits.filter((k) => layout.size(k)[0] === widest))
      : rng.choice(fits);
    row.push(key);
    left -= layout.size(key)[0];
  }
  let s = a + left / 2;
  for (const key of row) {
    const w = layout.size(key)[0];
    layout.add([layout.piece(key, "wall_cabinet", wall, s + w / 2, 0, UPPER_BOTTOM)]);
    s += w;
  }
}

/**
 * A living room's sofa against `wall`: a side table with a lamp (or a floor lamp) beside it, a
 * coffee table on a rug in front, a plant in a corner now and then.
 */
function sofaGroup(layout: Layout, wall: WallSide): [number, number] {
  const rng = layout.rng;
  const sofa = rng.choice(SOFAS);
  const [sw, , sd] = layout.size(sofa);
  const at = rng.uniform(-0.2, 0.2) * Math.max(0, wall.length - sw - 2 * CORNER);
  layout.add([layout.piece(sofa, "sofa", wall, at, BACK_GAP)]);
  // the group's extent along the wall, grown by what stands beside the sofa
  const extent: [number, number] = [at - sw / 2, at + sw / 2];
  for (const side of [-1, 1]) {
    const edge = at + side * (sw / 2 + 0.08);
    const reach = (w: number) => {
      const i = side < 0 ? 0 : 1;
      extent[i] = edge + side * w;
    };
    if (rng.chance(0.65)) {
      const table = rng.choice(SIDE_TABLES);
      const [tw, th] = layout.size(table);
      const p = layout.piece(table, "side_table", wall, edge + side * tw / 2, BACK_GAP + 0.05);
      const group: Group = [p];
      if (rng.chance(0.7)) {
        const lamp = rng.choice(TABLE_LAMPS);
        group.push(
          layout.piece(lamp, "table_lamp", wall, edge + side * tw / 2, BACK_GAP + 0.1, th),
        );
      }
      layout.add(group);
      reach(tw);
    } else if (rng.chance(0.5)) {
      const lamp = rng.choice(FLOOR_LAMPS);
      const lw = layout.size(lamp)[0];
      layout.add([layout.piece(lamp, "floor_lamp", wall, edge + side * lw / 2, BACK_GAP)]);
      reach(lw);
    }
  }
  const coffee = rng.choice(COFFEE_TABLES);
  const inset = BACK_GAP + sd + rng.uniform(0.3, 0.45);
  const table = layout.piece(coffee, "coffee_table", wall, at, inset);
  const group: Group = [table];
  if (rng.chance(0.7)) {
    const rug = rng.choice(RUGS);
    const [, , rd] = layout.size(rug);
    const cd = layout.size(coffee)[2];
    // centred under the coffee table, a millimetre above the floor
    group.unshift(layout.piece(rug, "rug", wall, at, inset + cd / 2 - rd / 2, 0.001));
  }
  // the rug is the group's floor piece when there is one: the protected check covers its spread
  layout.add(group);
  return extent;
}
