/**
 * What a caption may say about a clip, gathered from the labels only: the
 * objects (class, colour name, material), the action events, the motions the
 * observer measured, and (scene_facts.ts) the camera, the key light and the
 * setting. Anything not found here is left out of captions, so captions never
 * contradict labels.
 */
import type { SceneObject, Vec3 } from "../scene/scene.ts";
import { materialColorName } from "./color_names.ts";
import { noun } from "./grammar.ts";
import { cameraBasis, dot, flat } from "./observer.ts";
import { cameraFacts, lightFacts, settingFacts } from "./scene_facts.ts";
import {
  type ActionFacts,
  type ClipFacts,
  type Direction,
  type FactSources,
  FAST_SPEED,
  HUMAN_CLASSES,
  MATERIAL_WORDS,
  MIN_TRAVEL,
  MIN_TURN,
  type MotionFacts,
  type ObjectFacts,
  PATTERN_WORDS,
  SLOW_SPEED,
  SURFACE_CLASSES,
} from "./fact_types.ts";

export * from "./fact_types.ts";

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
  // …and props whose physics preset is no word for them (attributes.material_word false).
  const preset = surface || a.material_word === false ? undefined : o.material.preset;
  const pattern = texturePattern(o.material.texture);
  return {
    id: o.id,
    cls,
    // Distractors are named by their shape; people by their figure when it is known.
    noun: clutter ? noun(o.mesh) : figure ?? noun(cls),
    // A texture hides the base colour unless a palette named it (the pattern then tints it).
    color: materialColorName(o.material),
    // "a plastic cup" already says it: no "plastic plastic cup"
    material: preset && !String(cls).includes(MATERIAL_WORDS[preset] ?? "\0")
      ? MATERIAL_WORDS[preset]
      : undefined,
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
    // Garment names keep their hyphens ("t-shirt", "long-sleeved shirt").
    const g = garment.replace(/_+/g, " ").trim().toLowerCase();
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
  const all = src.scene.objects.map(describeObject);
  // Only what is seen is said: an unseen object is left out with everything about it.
  const byId = new Map<number, ObjectFacts>();
  for (const o of all) if (!src.visible || src.visible.has(o.id)) byId.set(o.id, o);
  const objects = [...byId.values()];
  const actions: ActionFacts[] = [];
  const busy = new Set<number>();
  for (const e of [...src.events].sort((a, b) => a.start - b.start)) {
    const subjects = e.subjects.map((id) => byId.get(id)).filter((o): o is ObjectFacts => !!o);
    if (subjects.length !== e.subjects.length) continue; // a subject left the scene or was never seen: say nothing
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
    // The key light is the one at the first prop, seen or not: light words name no object.
    light: lightFacts(src, all),
    setting: settingFacts(src, objects),
  };
}
