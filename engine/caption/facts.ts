/**
 * What a caption may say about a clip, gathered from the labels only: the
 * objects (class, colour name, material), the action events, the motions the
 * observer measured, the camera (a randomizer's `camera` record, or the
 * observer when the camera never moved), the lights (colour temperature,
 * intensity, direction) and the scene type and background. Anything not found
 * here is left out of captions, so captions never contradict labels.
 */
import type { ActionEvent } from "../plugin.ts";
import type { Light, Scene, SceneObject, Vec3 } from "../scene.ts";
import { materialColorName, nameSrgbColor } from "./color_names.ts";
import { noun } from "./grammar.ts";
import { type ClipObserver, rotateVector } from "./observer.ts";

/** Classes that are the stage, not the subject. */
export const SURFACE_CLASSES = new Set([
  "floor",
  "ground",
  "wall",
  "walls",
  "ceiling",
  "room",
  "table",
  "backdrop",
  "background",
  "sky",
]); // deno-fmt-ignore
export const HUMAN_CLASSES = new Set(["person", "human", "man", "woman", "dancer", "character"]);

/** Material preset → the adjective captions use. */
export const MATERIAL_WORDS: Readonly<Record<string, string>> = {
  wood: "wooden",
  metal: "metal",
  plastic: "plastic",
  rubber: "rubber",
  glass: "glass",
  ceramic: "ceramic",
  cardboard: "cardboard",
  stone: "stone",
  fabric: "fabric",
  leather: "leather",
  paper: "paper",
  concrete: "concrete",
};

export interface ObjectFacts {
  id: number;
  cls: string;
  noun: string;
  color?: string;
  /** Material adjective from the preset ("wooden"). */
  material?: string;
  /** Metalness above one half and no preset. */
  metallic: boolean;
  /** Size or shape words given in attributes ("small", "round"). */
  size?: string;
  shape?: string;
  /** Clothing phrases for people ("a red shirt"). */
  clothing: string[];
  human: boolean;
  surface: boolean;
}

export type Direction = "left_to_right" | "right_to_left" | "toward" | "away" | "up" | "down";

export interface MotionFacts {
  id: number;
  /** "rolls" (moves and turns), "moves", "spins" (turns in place). */
  kind: "rolls" | "moves" | "spins";
  direction?: Direction;
  speed?: "slowly" | "quickly";
}

export interface ActionFacts {
  verb: string;
  template?: string;
  subjects: ObjectFacts[];
  /** Named human motion ("uprock"). */
  motion?: string;
  speed?: "slowly" | "quickly";
  start: number;
}

export const CAMERA_MOVES = [
  "static",
  "pan",
  "tilt",
  "dolly",
  "truck",
  "pedestal",
  "zoom",
  "orbit",
  "spin",
  "follow",
] as const; // deno-fmt-ignore
export type CameraMove = typeof CAMERA_MOVES[number];
export const CAMERA_DIRECTIONS = [
  "left",
  "right",
  "up",
  "down",
  "in",
  "out",
  "clockwise",
  "counterclockwise",
] as const; // deno-fmt-ignore

export interface CameraFacts {
  move: CameraMove;
  direction?: typeof CAMERA_DIRECTIONS[number];
  speed?: "slowly" | "quickly";
  /** "close-up", "medium shot", "wide shot". */
  framing?: string;
}

export interface LightFacts {
  warmth?: "warm" | "cool";
  brightness?: "bright" | "dim";
  /** Where the key light comes from, seen from the camera. */
  from?: "left" | "right" | "front" | "behind" | "above";
}

export interface SettingFacts {
  /** "room" (a coloured indoor room) or "empty"; undefined when not recorded. */
  type?: "room" | "empty";
  roomColor?: string;
  /** Background colour name, when the background is visible (no room). */
  background?: string;
}

export interface ClipFacts {
  objects: ObjectFacts[];
  actions: ActionFacts[];
  motions: MotionFacts[];
  camera?: CameraFacts;
  light?: LightFacts;
  setting: SettingFacts;
}

export interface FactSources {
  scene: Scene;
  events: readonly ActionEvent[];
  records: Readonly<Record<string, Record<string, unknown>>>;
  observer: ClipObserver;
  fps: number;
}

/** Speed thresholds in metres per second (object motion and `args.speed`). */
export const SLOW_SPEED = 0.3;
export const FAST_SPEED = 1.5;
/** Smallest displacement (m) and turn (degrees) that count as motion. */
export const MIN_TRAVEL = 0.25;
export const MIN_TURN = 30;

export function describeObject(o: SceneObject): ObjectFacts {
  const cls = o.cls;
  const a = o.attributes ?? {};
  const word = (v: unknown) =>
    typeof v === "string" && /^[a-z -]+$/i.test(v) ? v.toLowerCase() : undefined;
  const preset = o.material.preset;
  return {
    id: o.id,
    cls,
    noun: noun(cls),
    color: materialColorName(o.material),
    material: preset ? MATERIAL_WORDS[preset] : undefined,
    metallic: !preset && o.material.metalness > 0.5,
    size: word(a.size),
    shape: word(a.shape),
    clothing: clothingPhrases(a.clothing),
    human: HUMAN_CLASSES.has(cls),
    surface: SURFACE_CLASSES.has(cls) || a.background === true,
  };
}

/**
 * Clothing from attributes: a string ("a red shirt"), or a map of garment →
 * colour name or `{ color | colorName }` with linear RGB.
 */
function clothingPhrases(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (!value || typeof value !== "object" || Array.isArray(value)) return [];
  const out: string[] = [];
  for (const [garment, v] of Object.entries(value as Record<string, unknown>)) {
    const g = noun(garment);
    if (typeof v === "string") out.push(`${v} ${g}`);
    else if (v && typeof v === "object") {
      const m = v as { colorName?: string; color?: number[] };
      const c = m.colorName ??
        (Array.isArray(m.color) ? materialColorName({ color: m.color as Vec3 }) : undefined);
      out.push(c ? `${c} ${g}` : g);
    }
  }
  return out;
}

function speedWord(value: unknown): "slowly" | "quickly" | undefined {
  if (value === "slow" || value === "slowly") return "slowly";
  if (value === "fast" || value === "quickly" || value === "quick") return "quickly";
  if (typeof value === "number") {
    return value < SLOW_SPEED ? "slowly" : value > FAST_SPEED ? "quickly" : undefined;
  }
  return undefined;
}

/** Camera basis in world space (renderer frame: right +x, up +y, looking down -z). */
export function cameraBasis(rotation: [number, number, number, number]) {
  return {
    right: rotateVector(rotation, [1, 0, 0]),
    forward: rotateVector(rotation, [0, 0, -1]),
  };
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** The dominant direction of a displacement, seen from the camera. */
/** A vector laid flat on the ground plane, unit length. */
export function flat(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[2]) || 1;
  return [v[0] / n, 0, v[2] / n];
}

export function displacementDirection(d: Vec3, right: Vec3, forward: Vec3): Direction {
  const r = dot(d, flat(right));
  const f = dot(d, flat(forward));
  const u = d[1];
  const m = Math.max(Math.abs(r), Math.abs(f), Math.abs(u));
  if (m === Math.abs(r)) return r > 0 ? "left_to_right" : "right_to_left";
  if (m === Math.abs(u)) return u > 0 ? "up" : "down";
  return f > 0 ? "away" : "toward";
}

function measuredMotions(
  src: FactSources,
  objects: ObjectFacts[],
  busy: Set<number>,
): MotionFacts[] {
  const cam = src.observer.camera;
  if (!cam) return [];
  const { right, forward } = cameraBasis(cam.rotation);
  const out: MotionFacts[] = [];
  for (const o of objects) {
    if (o.surface || busy.has(o.id)) continue;
    const t = src.observer.objects.get(o.id);
    if (!t) continue;
    const d: Vec3 = [t.last[0] - t.first[0], t.last[1] - t.first[1], t.last[2] - t.first[2]];
    const travel = Math.hypot(d[0], d[1], d[2]);
    const seconds = Math.max(1, t.lastFrame - t.firstFrame) / src.fps;
    if (travel >= MIN_TRAVEL) {
      out.push({
        id: o.id,
        kind: t.turned >= MIN_TURN ? "rolls" : "moves",
        direction: displacementDirection(d, right, forward),
        speed: speedWord(travel / seconds),
      });
    } else if (t.turned >= MIN_TURN && travel < MIN_TRAVEL / 2) {
      out.push({ id: o.id, kind: "spins", speed: undefined });
    }
  }
  return out;
}

/** The first record named `name` (by any plugin) that is an object. */
export function findRecord(
  records: FactSources["records"],
  name: string,
): Record<string, unknown> | undefined {
  for (const byName of Object.values(records)) {
    const v = byName[name];
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  }
  return undefined;
}

const MOVE_ALIASES: Record<string, CameraMove> = {
  following: "follow",
  fixed: "static",
  still: "static",
  crane: "pedestal",
  arc: "orbit",
};

function cameraFacts(src: FactSources): CameraFacts | undefined {
  const rec = findRecord(src.records, "camera");
  const raw = rec &&
    (typeof rec.move === "string" ? rec.move : typeof rec.type === "string" ? rec.type : undefined);
  if (raw) {
    const key = raw.toLowerCase();
    const move = (CAMERA_MOVES as readonly string[]).includes(key)
      ? key as CameraMove
      : MOVE_ALIASES[key];
    if (!move) return undefined;
    const direction = typeof rec!.direction === "string" &&
        (CAMERA_DIRECTIONS as readonly string[]).includes(rec!.direction)
      ? rec!.direction as CameraFacts["direction"]
      : undefined;
    const framing = typeof rec!.framing === "string" && /^[a-z -]+$/.test(rec!.framing)
      ? rec!.framing
      : undefined;
    return { move, direction, speed: speedWord(rec!.speed), framing };
  }
  const cam = src.observer.camera;
  if (cam && cam.travelled < 1e-4 && cam.turned < 1e-3) return { move: "static" };
  return undefined;
}

/** The light that casts the scene's look: the brightest directional light, else the brightest. */
function keyLight(lights: readonly Light[]): Light | undefined {
  const sorted = [...lights].sort((a, b) =>
    Number(b.type === "directional") - Number(a.type === "directional") || b.intensity - a.intensity
  );
  return sorted[0];
}

/** Thresholds the caption's light words use (directional lux-like intensity as in scenes). */
export const BRIGHT_INTENSITY = 4;
export const DIM_INTENSITY = 1.5;
export const WARM_KELVIN = 4200;
export const COOL_KELVIN = 7000;

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

function lightFacts(src: FactSources): LightFacts | undefined {
  const key = keyLight(src.scene.lights);
  const cam = src.observer.camera;
  if (!key || !cam) return undefined;
  const facts: LightFacts = {
    warmth: lightWarmth(key),
    brightness: key.type === "directional"
      ? key.intensity >= BRIGHT_INTENSITY
        ? "bright"
        : key.intensity <= DIM_INTENSITY
        ? "dim"
        : undefined
      : undefined,
  };
  if (key.type === "directional") {
    const { right, forward } = cameraBasis(cam.rotation);
    const d = key.direction;
    const n = Math.hypot(d[0], d[1], d[2]) || 1;
    const r = dot(d, flat(right)) / n;
    const f = dot(d, flat(forward)) / n;
    // The light travels along d, so it comes from -d.
    if (Math.abs(r) >= 0.35 && Math.abs(r) >= Math.abs(f)) facts.from = r > 0 ? "left" : "right";
    else if (Math.abs(f) >= 0.35) facts.from = f > 0 ? "front" : "behind";
    else if (-d[1] / n > 0.9) facts.from = "above";
  }
  return facts.warmth || facts.brightness || facts.from ? facts : undefined;
}

function settingFacts(src: FactSources): SettingFacts {
  const rec = findRecord(src.records, "scene_type") ?? findRecord(src.records, "environment");
  const type = rec && typeof rec.type === "string" ? rec.type.toLowerCase() : undefined;
  if (type === "room" || type === "basic") {
    const c = typeof rec!.colorName === "string"
      ? rec!.colorName
      : Array.isArray(rec!.color)
      ? nameSrgbColor(rec!.color as number[])
      : undefined;
    return { type: "room", roomColor: c };
  }
  const bg = src.scene.background;
  const background = bg[3] === undefined || bg[3] > 0.5 ? nameSrgbColor(bg) : undefined;
  return { type: type === "empty" ? "empty" : undefined, background };
}

export function gatherFacts(src: FactSources): ClipFacts {
  const byId = new Map<number, ObjectFacts>();
  for (const o of src.scene.objects) byId.set(o.id, describeObject(o));
  const objects = [...byId.values()];
  const actions: ActionFacts[] = [];
  const busy = new Set<number>();
  for (const e of [...src.events].sort((a, b) => a.start - b.start)) {
    const subjects = e.subjects.map((id) => byId.get(id)).filter((o): o is ObjectFacts => !!o);
    if (subjects.length !== e.subjects.length) continue; // a subject left the scene: say nothing
    for (const s of subjects) busy.add(s.id);
    const args = e.args ?? {};
    const motion = [args.motion, args.move, args.dance].find((v) =>
      typeof v === "string" && /^[a-z -]+$/i.test(v)
    );
    actions.push({
      verb: e.verb,
      template: e.template,
      subjects,
      motion: motion as string | undefined,
      speed: speedWord(args.speed),
      start: e.start,
    });
  }
  return {
    objects,
    actions,
    motions: measuredMotions(src, objects, busy),
    camera: cameraFacts(src),
    light: lightFacts(src),
    setting: settingFacts(src),
  };
}
