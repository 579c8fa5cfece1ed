/**
 * The plugin contract. A plugin is a module exporting a definition made with
 * `definePlugin`: an id, a kind, `defaults` (which double as the option
 * schema) and `create()`, which returns hooks. Every hook is optional and
 * they run in this order:
 *
 *   setup (once per run) → clipStart → frame (per frame) → clipEnd → dispose
 *
 * plus `rendered`, called with each frame's pixels once they reach host
 * memory (never in plan mode). Options are sampled per clip with the plugin's
 * own RNG and every sampled value is written to labels.json.
 */
import type { RenderedFrame } from "../gpu/frame.ts";
import type { Rng } from "../scene/rng.ts";
import type { Scene } from "../scene/scene.ts";

/**
 * Thrown from a hook when this draw of the clip is unusable, not broken: a simulation that did
 * not do what the label will say (a topple that did not fall). The clip is drawn again with fresh
 * random streams, up to SIMULATION_REDRAWS times (engine/run/clip_loop.ts); labels.json
 * `framing.draw` says which draw was kept. Any other error fails the clip.
 */
export class RedrawClip extends Error {
  override name = "RedrawClip";
}

export type PluginKind = "action" | "randomizer" | "captioner" | "audio";
export const PLUGIN_KINDS: readonly PluginKind[] = ["action", "randomizer", "captioner", "audio"];

/** Option values as written in `defaults`: numbers, strings, booleans, vectors, nested objects. */
export type OptionValue =
  | number
  | string
  | boolean
  | null
  | readonly OptionValue[]
  | { readonly [key: string]: OptionValue };
export type Options = { readonly [key: string]: OptionValue };

/** Extra checks for an option beyond its type (which comes from `defaults`). */
export interface OptionLimit {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Allowed strings. */
  oneOf?: readonly string[];
}

/** A structured record of something that happened in a clip. */
export interface ActionEvent {
  /** Action class, e.g. "push_left_to_right", "walk". */
  verb: string;
  /** Instance ids of the objects involved; the first is the main subject. */
  subjects: number[];
  /** First and last frame of the action, measured from the motion itself. */
  start: number;
  end: number;
  /** Something-something style template, e.g. "Pushing [something] from left to right". */
  template?: string;
  /** The template filled in, e.g. "Pushing a red ceramic mug from left to right". */
  label?: string;
  /** Direction, speed, second object, … */
  args?: Record<string, unknown>;
  /** Key of the plugin that emitted it (filled in by the engine). */
  source?: string;
}

export interface Caption {
  /** "template", "generic", "short", "medium", "long", … */
  style: string;
  text: string;
  /** Negative prompt paired with this caption, when the captioner makes one. */
  negative?: string;
}

/** A mono sound source an audio plugin adds to the clip's mix. */
export interface AudioSource {
  /** File-safe name, unique in the clip (becomes audio/stems/<name>.wav). */
  name: string;
  /** Instance id of the object making the sound, or "scene" for the whole scene. */
  instance: number | "scene";
  kind: string;
  sampleRate: number;
  /** Mono samples from the start of the clip. */
  samples: Float32Array;
  /** Onset times in seconds (for audio.json). */
  onsets?: number[];
}

export interface SetupContext<O extends Options> {
  /** This plugin instance's key (its `name`, or its id). */
  key: string;
  /** Options as written in the scene (samplers not yet drawn). */
  rawOptions: O;
  /** Folder of the scene file, for plugin assets named relative to it. */
  sceneDir: string;
  /**
   * A file option as an absolute path: relative to the scene, inside its folder or a folder it
   * lists under `read:` (what the render may read); throws a SceneError otherwise.
   */
  resolve(path: string): string;
  seed: number;
}

export interface ClipContext<O extends Options> {
  key: string;
  /** Options sampled for this clip. */
  options: O;
  /** This plugin's random stream for this clip. */
  rng: Rng;
  scene: Scene;
  clip: number;
  frames: number;
  fps: number;
  width: number;
  height: number;
  /** Events emitted so far in this clip, by every plugin. */
  readonly events: readonly ActionEvent[];
  emit(event: ActionEvent): void;
  /** Stores a value under labels.json `plugins.<key>.<name>`. */
  record(name: string, value: unknown): void;
  /** Everything recorded so far, by plugin key. */
  readonly records: Readonly<Record<string, Record<string, unknown>>>;
  /** Adds a caption to captions.json. */
  caption(caption: Caption): void;
  readonly captions: readonly Caption[];
  /** Adds a sound to the clip's mix. */
  addAudio(source: AudioSource): void;
  /** Per-clip values shared between plugins (a physics world, a skeleton, …). */
  readonly shared: Map<string, unknown>;
  /** True when sampling a plan without rendering. */
  planning: boolean;
}

export interface FrameContext<O extends Options> extends ClipContext<O> {
  frame: number;
  /** Seconds since the clip started. */
  time: number;
}

export interface PluginHooks<O extends Options> {
  setup?(ctx: SetupContext<O>): void | Promise<void>;
  clipStart?(ctx: ClipContext<O>): void | Promise<void>;
  /**
   * Sets the scene for frame `ctx.frame`. Called for frames 0..frames (one
   * more than rendered: the last call is the look-ahead for forward flow).
   */
  frame?(ctx: FrameContext<O>): void | Promise<void>;
  /**
   * Sees frame `ctx.frame` as rendered (pixels and per-instance labels). The
   * pixel arrays are reused for the next frame once the hook returns (or its
   * promise settles): copy what you keep (copyFrame in engine/gpu/host_frame.ts).
   * They are views of a SharedArrayBuffer (the recorder thread reads them
   * after the hook); give APIs that refuse shared memory a `.slice()`.
   */
  rendered?(ctx: FrameContext<O>, frame: RenderedFrame): void | Promise<void>;
  clipEnd?(ctx: ClipContext<O>): void | Promise<void>;
  dispose?(): void | Promise<void>;
}

export interface PluginDefinition<O extends Options = Options> {
  /** "<kind>/<name>", e.g. "action/push". */
  id: string;
  kind: PluginKind;
  description: string;
  defaults: O;
  limits?: { readonly [K in keyof O]?: OptionLimit };
  /**
   * Optional check of the options when the scene loads, for what `limits` cannot say (names in
   * a list, a file that must exist). Options are as written, merged over the defaults: samplers
   * are not drawn yet, so check plain values only. Each problem is reported with the scene's
   * file:line:column and key, before anything renders.
   */
  check?(options: O, scene: CheckContext): OptionProblem[];
  /**
   * Names and classes of the objects the plugin may add to the scene (`key` is its instance
   * key), so that other plugins' options naming them pass their load-time checks. A name ending
   * in "*" stands for every name with that prefix. A plugin without it adds no objects.
   */
  creates?(key: string): CreatedObjects;
  create(): PluginHooks<O>;
}

/** What a plugin's `check` sees of the scene besides its own options. */
export interface CheckContext {
  /** Mesh keys: built-in meshes and the scene's assets. */
  meshKeys: readonly string[];
  /** Resolves a file option inside the scene's folder; throws on absolute paths and "..". */
  resolve(path: string): string;
  /**
   * Object names: the scene file's `objects:` (an unnamed one is "<class>_<n>", n its place in
   * the list from 1) and the names plugins declare in `creates`; "<prefix>*" stands for every
   * name with that prefix. `checkObjects` in checks.ts checks an option against these.
   */
  objectNames: readonly string[];
  /** Object classes likewise (an object without `class` has its mesh's key). */
  objectClasses: readonly string[];
}

/** What `PluginDefinition.creates` declares. */
export interface CreatedObjects {
  names?: readonly string[];
  classes?: readonly string[];
}

/** One bad option found by a plugin's `check`. */
export interface OptionProblem {
  option: string;
  message: string;
}

/** Identity helper that checks a definition's shape and infers its option type. */
export function definePlugin<O extends Options>(
  definition: PluginDefinition<O>,
): PluginDefinition<O> {
  const [kind, name] = definition.id.split("/");
  if (kind !== definition.kind || !name || !/^[a-z0-9_]+$/.test(name)) {
    throw new TypeError(
      `Plugin id "${definition.id}" must read "${definition.kind}/<name>" with a lowercase name`,
    );
  }
  return definition;
}
