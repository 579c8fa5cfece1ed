/**
 * What a caption may say about a clip, gathered from the labels only: the
 * objects (class, colour name, material), the action events, the motions the
 * observer measured, and (scene_facts.ts) the camera, the key light and the
 * setting. Anything not found here is left out of captions, so captions never
 * contradict labels.
 */
import type { ActionEvent } from "../plugin/contract.ts";
import type { Scene, SceneObject, Vec3 } from "../scene/scene.ts";
import { materialColorName } from "./color_names.ts";
import { noun } from "./grammar.ts";
import { cameraBasis, type ClipObserver, dot, flat } from "./observer.ts";
import { cameraFacts, lightFacts, settingFacts } from "./scene_facts.ts";

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
  /** Material adjective from the preset ("wooden"); never on surfaces, whose preset is physics. */
  material?: string;
  /** Metalness above one half and no preset. */
  metallic: boolean;
  /** Pattern adjective of a procedural texture ("striped"). */
  pattern?: string;
  /** Size or shape words given in attributes ("small", "round"). */
  size?: string;
  shape?: string;
  /** Clothing phrases for people ("red shirt"). */
  clothing: string[];
  human: boolean;
  surface: boolean;
  /** A hand proxy that performs an action: the "someone" of the template, not a subject. */
  hand?: boolean;
  /** A distractor from randomizer/clutter: counted, not described one by one. */
  clutter?: boolean;
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
  /** What a person carries through the action (event `args.prop_id`). */
  carrying?: ObjectFacts;
  /** How many hand proxies in the scene do it (event `args.hands`). */
  hands?: number;
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
  "follow",
] as const; // deno-fmt-ignore
export type CameraMove = typeof CAMERA_MOVES[number];
/** Directions from the camera's own point of view; an orbit's left/right is where the camera goes. */
export const CAMERA_DIRECTIONS = ["left", "right", "up", "down", "in", "out"] as const;

export interface CameraFacts {
  move: CameraMove;
  direction?: typeof CAMERA_DIRECTIONS[number];
  speed?: "slowly" | "quickly";
  /** "close-up", "medium shot", "wide shot". */
  framing?: string;
  /** What the camera frames, follows or circles. */
  subject?: ObjectFacts;
}

export interface LightFacts {
  warmth?: "warm" | "cool";
  brightness?: "bright" | "dim";
  /** Where the key light comes from, seen from the camera. */
  from?: "left" | "right" | "front" | "behind" | "above";
  /** The key light casts shadows (so their direction can be told). */
  shadows?: boolean;
}

/** Procedural sky looks (engine/scene/environment.ts) that captions can name. */
export const SKY_LOOKS = ["clear", "sunset", "overcast", "dusk", "studio"] as const;

export interface SettingFacts {
  /**
   * room: walls stand around the scene; sky: an environment image fills the
   * background; backdrop: a solid background colour shows. Undefined: say nothing.
   */
  type?: "room" | "sky" | "backdrop";
  /** Distinct wall colour names, most common first. */
  walls?: string[];
  /** Colour of the wall straight ahead of the camera on frame 0 (behind the action). */
  backWall?: string;
  /** Floor colour name ("dark wood", "gray"). */
  floor?: string;
  sky?: typeof SKY_LOOKS[number];
  /** Background colour name. */
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
  /** Labelled frames in the clip (for camera speeds). */
  frames: number;
}

/** Speed thresholds in metres per second (object motion and `args.speed`). */
export const SLOW_SPEED = 0.3;
export const FAST_SPEED = 1.5;
/** Smallest displacement (m) and turn (degrees) that count as motion. */
export const MIN_TRAVEL = 0.25;
export const MIN_TURN = 30;

/** Procedural texture pattern (engine/scene/procedural_texture.ts) → the adjective captions use. */
export const PATTERN_WORDS: Readonly<Record<string, string>> = {
  noise: "mottled",
  checker: "checkered",
  stripes: "striped",
  marble: "marbled",
  wood: "wood-grain",
  dots: "dotted",
};

/** The pattern of a procedural texture key ("procedural/stripes/123"), if it is one. */
export function texturePattern(key: string | undefined): string | undefined {
  const m = key && /^procedural\/([a-z]+)\//.exec(key);
  return m ? m[1] : undefined;
}

export function describeObject(o: SceneObject): ObjectFacts {
  const cls = o.cls;
  const a = o.attributes ?? {};
  const word = (v: unknown) =>
    typeof v === "string" && /^[a-z -]+$/i.test(v) ? v.toLowerCase() : undefined;
  const surface = SURFACE_CLASSES.has(cls) || a.background === true;
  const human = HUMAN_CLASSES.has(cls);
  const clutter = cls === "clutter";
  const figure = human && (a.figure === "man" || a.figure === "woman") ? a.figure : undefined;
  // Surfaces get a physics preset ("wood") whatever they look like: name only their colour.
  const preset = surface ? undefined : o.material.preset;
  const pattern = texturePattern(o.material.texture);
  return {
    id: o.id,
    cls,
    // Distractors are named by their shape; people by their figure when it is known.
    noun: clutter ? noun(o.mesh) : figure ?? noun(cls),
    // A texture hides the base colour unless a palette named it (the pattern then tints it).
    color: materialColorName(o.material),
    material: preset ? MATERIAL_WORDS[preset] : undefined,
    metallic: !preset && !surface && o.material.metalness > 0.5,
    pattern: pattern && o.material.colorName ? PATTERN_WORDS[pattern] : undefined,
    size: word(a.size),
    shape: word(a.shape),
    clothing: human ? clothingPhrases(a) : [],
    human,
    surface,
    hand: a.role === "hand" || cls === "hand",
    clutter,
  };
}

/**
 * Clothing from attributes: `shirt` and `trousers` colour names (the human
 * plugins), or `clothing` as a string ("a red shirt") or a map of garment →
 * colour name or `{ color | colorName }` with linear RGB.
 */
function clothingPhrases(a: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const garment of ["shirt", "trousers"]) {
    const v = a[garment];
    if (typeof v === "string" && /^[a-z ]+$/.test(v)) out.push(`${v} ${garment}`);
  }
  const value = a.clothing;
  if (typeof value === "string") return [...out, value];
  if (!value || typeof value !== "object" || Array.isArray(value)) return out;
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

export function speedWord(value: unknown): "slowly" | "quickly" | undefined {
  if (value === "slow" || value === "slowly") return "slowly";
  if (value === "fast" || value === "quickly" || value === "quick") return "quickly";
  if (typeof value === "number") {
    return value < SLOW_SPEED ? "slowly" : value > FAST_SPEED ? "quickly" : undefined;
  }
  return undefined;
}

/** The dominant direction of a displacement, seen from the camera. */
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
    if (o.surface || o.hand || o.clutter || busy.has(o.id)) continue;
    const t = src.observer.objects.get(o.id);
    if (!t) continue;
    const d: Vec3 = [t.last[0] - t.first[0], t.last[1] - t.first[1], t.last[2] - t.first[2]];
    const travel = Math.hypot(d[0], d[1], d[2]);
    const seconds = Math.max(1, t.lastFrame - t.firstFrame) / src.fps;
    if (travel >= MIN_TRAVEL) {
      out.push({
        id: o.id,
        kind: t.rolled >= MIN_TURN ? "rolls" : "moves",
        direction: displacementDirection(d, right, forward),
        speed: speedWord(travel / seconds),
      });
    } else if (t.turned >= MIN_TURN && travel < MIN_TRAVEL / 2) {
      out.push({ id: o.id, kind: "spins", speed: undefined });
    }
  }
  return out;
}

/** Objects a person sits on. */
export const SEAT_CLASSES = new Set(["stool", "chair", "bench", "seat", "sofa"]);

/**
 * "[Someone] sitting down on [something]" names the person only: when the scene
 * has exactly one seat, it is the something (the human plugins add it for these motions).
 */
function seatFor(
  template: string | undefined,
  subjects: readonly ObjectFacts[],
  objects: readonly ObjectFacts[],
): ObjectFacts | undefined {
  const slots = template?.match(/\[[^\]]+\]/g) ?? [];
  if (!subjects[0]?.human || slots.length !== subjects.length + 1) return undefined;
  if (!/^\[some(thing|where)\]$/i.test(slots[subjects.length])) return undefined;
  const seats = objects.filter((o) => SEAT_CLASSES.has(o.cls));
  return seats.length === 1 ? seats[0] : undefined;
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
    const seat = seatFor(e.template, subjects, objects);
    if (seat) subjects.push(seat);
    const args = e.args ?? {};
    // The hands doing the action and what a person carries move because of it: no own clause.
    const carrying = typeof args.prop_id === "number" ? byId.get(args.prop_id) : undefined;
    const hands = Array.isArray(args.hands) ? args.hands : [];
    for (const id of [...e.subjects, ...hands, carrying?.id]) {
      if (typeof id === "number") busy.add(id);
    }
    const motion = [args.motion, args.move, args.dance].find((v) =>
      typeof v === "string" && /^[a-z -]+$/i.test(v)
    );
    actions.push({
      verb: e.verb,
      template: e.template,
      subjects,
      motion: motion as string | undefined,
      speed: speedWord(args.speed),
      carrying,
      hands: hands.filter((id) => byId.get(id as number)?.hand).length,
      start: e.start,
    });
  }
  return {
    objects,
    actions,
    motions: measuredMotions(src, objects, busy),
    camera: cameraFacts(src, byId),
    light: lightFacts(src, objects),
    setting: settingFacts(src, objects),
  };
}
