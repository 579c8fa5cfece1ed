/**
 * How a clip is shot, lit and set, in caption terms, from what the randomizer
 * plugins recorded (`randomization` records of randomizer/camera and
 * randomizer/scene) and from the scene itself (lights, walls, environment,
 * background). Each word class has one rule here, and tests/caption_checker.ts
 * checks it against the labels independently.
 */
import { HDRI_PLACES, type HdriName } from "../scene/hdri_library.ts";
import type { Light, Vec3 } from "../scene/scene.ts";
import { renderSettings } from "../scene/render_settings.ts";
import { nameSrgbColor } from "./color_names.ts";
import type {
  CameraFacts,
  CameraMove,
  FactSources,
  LightFacts,
  ObjectFacts,
  SettingFacts,
} from "./fact_types.ts";
import { CAMERA_DIRECTIONS, CAMERA_MOVES, MIN_TRAVEL, SKY_LOOKS } from "./fact_types.ts";
import { cameraBasis, dot, flat } from "./observer.ts";

type Records = FactSources["records"];
type Rec = Record<string, unknown>;

/** Every `randomization` record (any randomizer plugin's), in plugin order. */
export function randomizations(records: Records): Rec[] {
  return Object.values(records).map((byName) => byName.randomization).filter((v): v is Rec =>
    !!v && typeof v === "object" && !Array.isArray(v)
  );
}

/** The first record named `name` (by any plugin) that is an object. */
export function findRecord(records: Records, name: string): Rec | undefined {
  for (const byName of Object.values(records)) {
    const v = byName[name];
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Rec;
  }
  return undefined;
}

// ------------------------------------------------------------------ camera

/** randomizer/camera movement → caption move ("spin" circles the subject: an orbit). */
const RANDOMIZER_MOVES: Readonly<Record<string, CameraMove>> = {
  static: "static",
  truck: "truck",
  dolly: "dolly",
  pedestal: "pedestal",
  tilt: "tilt",
  pan: "pan",
  spin: "orbit",
  following: "follow",
  zoom: "zoom",
};

/**
 * Which way a positive amount goes (see randomizer/camera moveCamera): truck along the camera's
 * +x, pedestal +y, dolly −z (in); pan turns about world up (+ = to the left), tilt about the
 * camera's x (+ = up); spin turns the offset about world up (+ = the camera goes to its right).
 */
const POSITIVE: Readonly<Record<string, [CameraFacts["direction"], CameraFacts["direction"]]>> = {
  truck: ["right", "left"],
  pedestal: ["up", "down"],
  dolly: ["in", "out"],
  pan: ["left", "right"],
  tilt: ["up", "down"],
  spin: ["right", "left"],
};

/** Camera speed thresholds: metres per second (truck, dolly, pedestal), degrees per second (pan, tilt, orbit). */
export const CAMERA_SLOW = { metres: 0.2, degrees: 5 } as const;
export const CAMERA_FAST = { metres: 0.6, degrees: 20 } as const;

/** Share of the frame height the subject spans on frame 0 → framing word. */
export function framingWord(onScreen: number): string | undefined {
  // Only the clear ends: the subject's bounds can look twice their planned share (perspective).
  return onScreen >= 0.7 ? "close-up" : onScreen <= 0.15 ? "wide shot" : undefined;
}

function fromCameraRandomizer(
  rec: Rec,
  seconds: number,
  byId: ReadonlyMap<number, ObjectFacts>,
  subjectTravel: (id: number) => number,
): CameraFacts | undefined {
  const movement = String(rec.movement);
  const move = RANDOMIZER_MOVES[movement];
  const amount = Number(rec.amount);
  if (!move || !Number.isFinite(amount)) return undefined;
  // A move the randomizer had to drop (to keep every subject in view) leaves the camera still.
  const neutral = movement === "zoom" ? 1 : 0;
  const facts: CameraFacts = { move: amount === neutral && move !== "follow" ? "static" : move };
  const sides = POSITIVE[movement];
  if (sides && amount !== 0) facts.direction = amount > 0 ? sides[0] : sides[1];
  if (movement === "zoom" && amount !== 1) facts.direction = amount > 1 ? "in" : "out";
  const unit = rec.amount_unit === "metres"
    ? "metres"
    : rec.amount_unit === "degrees"
    ? "degrees"
    : undefined;
  if (unit && sides) {
    const rate = Math.abs(amount) / seconds;
    if (rate < CAMERA_SLOW[unit]) facts.speed = "slowly";
    else if (rate > CAMERA_FAST[unit]) facts.speed = "quickly";
  }
  // The share it got: widening the view to keep other subjects in frame shrinks the planned one.
  const framing = rec.framing as { median_share?: unknown } | undefined;
  const share = typeof framing?.median_share === "number" ? framing.median_share : rec.on_screen;
  if (typeof share === "number") facts.framing = framingWord(share);
  if (typeof rec.subject_id === "number") facts.subject = byId.get(rec.subject_id);
  const travel = facts.subject ? subjectTravel(facts.subject.id) : 0;
  if (move === "follow" && travel < MIN_TRAVEL) {
    // Following a subject that hardly moves is a push-in (by `amount` metres), if anything.
    if (amount < Math.max(0.2, 2 * travel)) return undefined;
    facts.move = "dolly";
    facts.direction = "in";
  }
  return facts;
}

/** A plain `camera` record `{ move, direction?, speed?, framing? }` (any plugin may write one). */
function fromCameraRecord(rec: Rec): CameraFacts | undefined {
  const raw = typeof rec.move === "string"
    ? rec.move
    : typeof rec.type === "string"
    ? rec.type
    : "";
  const key = raw.toLowerCase();
  const move = (CAMERA_MOVES as readonly string[]).includes(key)
    ? key as CameraMove
    : RANDOMIZER_MOVES[key];
  if (!move) return undefined;
  const direction = (CAMERA_DIRECTIONS as readonly unknown[]).includes(rec.direction)
    ? rec.direction as CameraFacts["direction"]
    : undefined;
  const framing = typeof rec.framing === "string" && /^[a-z -]+$/.test(rec.framing)
    ? rec.framing
    : undefined;
  const speed = rec.speed === "slow" || rec.speed === "slowly"
    ? "slowly"
    : rec.speed === "fast" || rec.speed === "quickly"
    ? "quickly"
    : undefined;
  return { move, direction, speed, framing };
}

/**
 * Whether the observed camera can have made `move`: a later plugin may have
 * moved the camera after the one that recorded it (a person's follow camera, or
 * a "static" rig that keeps turning toward a moving subject).
 */
function observed(move: CameraMove, cam: NonNullable<FactSources["observer"]["camera"]>): boolean {
  const still = cam.travelled < 1e-4 && cam.turned < 1e-3;
  if (move === "static") return still;
  if (move === "pan" || move === "tilt" || move === "zoom") return cam.travelled < 1e-3;
  return cam.travelled >= 0.05;
}

export function cameraFacts(
  src: FactSources,
  byId: ReadonlyMap<number, ObjectFacts>,
): CameraFacts | undefined {
  const cam = src.observer.camera;
  if (!cam) return undefined;
  // The last camera randomizer wins, as it sets the camera last each frame.
  const rig = randomizations(src.records).filter((r) => typeof r.movement === "string").pop();
  const rec = findRecord(src.records, "camera");
  const facts = rig
    ? fromCameraRandomizer(rig, src.frames / src.fps, byId, (id) => {
      const t = src.observer.objects.get(id);
      return t ? Math.hypot(...t.last.map((v, i) => v - t.first[i])) : 0;
    })
    : rec
    ? fromCameraRecord(rec)
    : followed(src, byId) ?? { move: "static" as const };
  return facts && observed(facts.move, cam) ? facts : undefined;
}

/**
 * With no record, a camera that travelled as one subject did (within 10 %)
 * follows it: a person plugin's follow camera, say.
 */
function followed(
  src: FactSources,
  byId: ReadonlyMap<number, ObjectFacts>,
): CameraFacts | undefined {
  const cam = src.observer.camera!;
  const moved = cam.lastPosition.map((v, i) => v - cam.position[i]);
  // People first: what a person carries travels with them.
  const ids = [...src.observer.objects.keys()].sort((a, b) =>
    Number(!!byId.get(b)?.human) - Number(!!byId.get(a)?.human)
  );
  for (const id of ids) {
    const t = src.observer.objects.get(id)!;
    const o = byId.get(id);
    if (!o || o.surface || o.hand || o.clutter) continue;
    const d = t.last.map((v, i) => v - t.first[i]);
    const travel = Math.hypot(...d);
    if (travel < MIN_TRAVEL) continue;
    if (Math.hypot(...moved.map((v, i) => v - d[i])) <= 0.1 * travel) {
      return { move: "follow", subject: o };
    }
  }
  return undefined;
}

// ------------------------------------------------------------------ light

/** Thresholds of the light words: illuminance at the subject, and colour temperature. */
export const BRIGHT_ILLUMINANCE = 3.5;
export const DIM_ILLUMINANCE = 1;
export const WARM_KELVIN = 4000;
export const COOL_KELVIN = 6500;

/** Illuminance a light gives at `at` (point and spot lights fall off with distance squared). */
export function illuminance(light: Light, at: Vec3): number {
  if (light.type === "directional") return light.intensity;
  const p = light.position;
  const d2 = (p[0] - at[0]) ** 2 + (p[1] - at[1]) ** 2 + (p[2] - at[2]) ** 2;
  return light.intensity / Math.max(0.01, d2);
}

/** The key light: the one that lights `at` most. */
export function keyLight(lights: readonly Light[], at: Vec3): Light | undefined {
  let best: Light | undefined;
  for (const l of lights) if (!best || illuminance(l, at) > illuminance(best, at)) best = l;
  return best;
}

export function lightWarmth(light: Light): "warm" | "cool" | undefined {
  const k = (light as Light & { temperature?: number }).temperature;
  if (typeof k === "number") {
    return k <= WARM_KELVIN ? "warm" : k >= COOL_KELVIN ? "cool" : undefined;
  }
  const [r, , b] = light.color;
  if (r > 0 && b / r < 0.6) return "warm";
  if (b > 0 && r / b < 0.6) return "cool";
  return undefined;
}

/** Where the subject is lit: the first prop or person on frame 0, else just above the origin. */
export function litPoint(src: FactSources, objects: readonly ObjectFacts[]): Vec3 {
  const subject = objects.find((o) => !o.surface && !o.hand && !o.clutter);
  return (subject && src.observer.objects.get(subject.id)?.first) ?? [0, 0.5, 0];
}

export function lightFacts(
  src: FactSources,
  objects: readonly ObjectFacts[],
): LightFacts | undefined {
  const at = litPoint(src, objects);
  const key = keyLight(src.scene.lights, at);
  const cam = src.observer.camera;
  if (!key || !cam) return undefined;
  const lux = illuminance(key, at);
  const facts: LightFacts = {
    warmth: lightWarmth(key),
    brightness: lux >= BRIGHT_ILLUMINANCE ? "bright" : lux <= DIM_ILLUMINANCE ? "dim" : undefined,
  };
  const toLight: Vec3 = key.type === "directional"
    ? [-key.direction[0], -key.direction[1], -key.direction[2]]
    : [key.position[0] - at[0], key.position[1] - at[1], key.position[2] - at[2]];
  const n = Math.hypot(...toLight) || 1;
  const { right, forward } = cameraBasis(cam.rotation);
  const r = dot(toLight, flat(right)) / n;
  const f = dot(toLight, flat(forward)) / n;
  if (Math.abs(r) >= 0.35 && Math.abs(r) >= Math.abs(f)) facts.from = r > 0 ? "right" : "left";
  else if (Math.abs(f) >= 0.35) facts.from = f < 0 ? "front" : "behind";
  else if (toLight[1] / n > 0.9) facts.from = "above";
  facts.shadows = key.castShadow && facts.from !== undefined && facts.from !== "above";
  return facts.warmth || facts.brightness || facts.from ? facts : undefined;
}

// ------------------------------------------------------------------ setting

/**
 * The wall the camera faces on frame 0: the first unrotated cube wall that a
 * level ray from the camera, along its view, runs into.
 */
export function wallAhead(src: FactSources, wallIds: ReadonlySet<number>): number | undefined {
  const cam = src.observer.camera;
  if (!cam) return undefined;
  const dir = flat(cameraBasis(cam.rotation).forward);
  let best: { id: number; t: number } | undefined;
  for (const o of src.scene.objects) {
    if (!wallIds.has(o.id) || o.mesh !== "cube" || Math.abs(o.rotation[3]) < 0.9999) continue;
    let near = -Infinity, far = Infinity;
    for (let k = 0; k < 3; k++) {
      const lo = o.position[k] - o.scale[k] / 2 - cam.position[k];
      const hi = o.position[k] + o.scale[k] / 2 - cam.position[k];
      if (Math.abs(dir[k]) < 1e-9) {
        if (lo > 0 || hi < 0) near = Infinity; // parallel and outside this slab
        continue;
      }
      const [a, b] = [lo / dir[k], hi / dir[k]].sort((x, y) => x - y);
      near = Math.max(near, a);
      far = Math.min(far, b);
    }
    if (near <= far && far > 0 && (!best || near < best.t)) best = { id: o.id, t: near };
  }
  return best?.id;
}

/** Distinct values, most frequent first (ties keep first-seen order). */
function byCount(values: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
}

const named = (v: unknown) =>
  v && typeof v === "object" && typeof (v as Rec).name === "string"
    ? (v as { name: string }).name
    : undefined;

export function settingFacts(src: FactSources, objects: readonly ObjectFacts[]): SettingFacts {
  const records = randomizations(src.records);
  const floor = objects.find((o) => o.cls === "floor" || o.cls === "ground")?.color;
  // A randomizer's room stands inside anything else: its walls are the ones in view.
  const rooms = records.map((r) => r.room as Rec | undefined);
  const room = rooms.find((r) => r && named(r.wall));
  // a furnished room says what room it is (randomizer/room_set: "kitchen")
  const kind = rooms.map((r) => r?.place).find((p) => typeof p === "string") as string | undefined;
  if (room) {
    return {
      type: "room",
      walls: [named(room.wall)!],
      floor: named(room.floor) ?? floor,
      ...(kind ? { room: kind } : {}),
    };
  }
  const walls = objects.filter((o) => o.cls === "wall" || o.cls === "walls");
  if (walls.length >= 2) {
    const ahead = wallAhead(src, new Set(walls.map((w) => w.id)));
    const backWall = objects.find((o) => o.id === ahead)?.color;
    return { type: "room", walls: byCount(walls.flatMap((w) => w.color ?? [])), backWall, floor };
  }
  const environment = renderSettings(src.scene).environment;
  if (environment?.background) {
    const hdri = /^hdri:([a-z]+)$/.exec(environment.name)?.[1];
    if (hdri && hdri in HDRI_PLACES) {
      return { type: "sky", place: HDRI_PLACES[hdri as HdriName], floor };
    }
    const look = /^sky:([a-z]+)$/.exec(environment.name)?.[1];
    const sky = (SKY_LOOKS as readonly string[]).includes(look ?? "")
      ? look as SettingFacts["sky"]
      : undefined;
    return { type: "sky", sky, floor };
  }
  const bg = src.scene.background;
  if (bg[3] !== undefined && bg[3] <= 0.5) return { floor }; // transparent: nothing to name
  const picked = records.map((r) => named(r.background)).find((n) => n);
  return { type: "backdrop", background: picked ?? nameSrgbColor(bg), floor };
}
