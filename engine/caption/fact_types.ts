/**
 * The words and shapes of caption facts: what facts.ts gathers and scene_facts.ts fills in
 * (object, action, camera, light and setting facts), with the word lists and thresholds both use.
 */
import type { ActionEvent } from "../plugin/contract.ts";
import type { Scene } from "../scene/scene.ts";
import type { ClipObserver } from "./observer.ts";

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
  /** What room it is, when a furnished set says so ("kitchen", "living room"). */
  room?: string;
  /** Colour of the wall straight ahead of the camera on frame 0 (behind the action). */
  backWall?: string;
  /** Floor colour name ("dark wood", "gray"). */
  floor?: string;
  sky?: typeof SKY_LOOKS[number];
  /** Where a real environment map was taken ("in a workshop"), from the HDRI library. */
  place?: string;
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
  /**
   * Ids of the objects the rendered labels show (engine/caption/visibility.ts): only these, their
   * colours, attributes and actions enter captions. Undefined (plan mode): every object.
   */
  visible?: ReadonlySet<number>;
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
