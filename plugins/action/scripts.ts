/** Building blocks the object actions share: a subject on the surface, a push, a grasp from above. */
import type { Quat, SceneObject, Vec3 } from "../../engine/scene/scene.ts";
import { cross, length, madd, normalize, qaxis, qmul, scale } from "./math.ts";
import { type ActionPlan, expect, round } from "./object_action.ts";
import { addProp, colliderFor, propsWith, type Trait } from "./props.ts";
import { addLibraryProp, libraryCollider, libraryPropsWith } from "./library_props.ts";
import {
  addHand,
  HAND,
  HandMotion,
  type Key,
  palmDown,
  palmToward,
  placeOnSurface,
  pushStart,
  reach,
  span,
  type Stage,
} from "./stage.ts";

const UP: Vec3 = [0, 1, 0];

export interface SubjectOptions {
  traits: Trait[];
  /** Traits the prop must not have. */
  without?: Trait[];
  sizeFactor?: number;
  /** Rotation before placing (e.g. laid on its side). */
  rotation?: Quat;
  /** Metres above the surface (held objects); 0 rests on it. */
  lift?: number;
  linearDamping?: number;
  angularDamping?: number;
}

/** A sampled prop standing on the surface at ground point `at`, with a dynamic body. */
export function addSubject(
  stage: Stage,
  suffix: string,
  at: Vec3,
  options: SubjectOptions,
): SceneObject {
  const kinds = propsWith(...options.traits).filter((k) =>
    !options.without?.some((t) => k.traits.includes(t))
  );
  const name = `${stage.prefix}_${suffix}`;
  // a real model of the furniture library for a share of subjects (no draw when the share is 0)
  const real = stage.library > 0 && stage.rng.uniform(0, 1) < stage.library
    ? libraryPropsWith(options.traits, options.without)
    : [];
  const object = real.length > 0
    ? addLibraryProp(stage.scene, stage.rng, name, real, options.sizeFactor)
    : addProp(stage.scene, stage.rng, name, kinds, options.sizeFactor);
  if (options.rotation) object.rotation = options.rotation;
  else object.rotation = qaxis(UP, stage.rng.uniform(-0.4, 0.4)); // a little yaw for variety
  placeOnSurface(stage, object, at, (options.lift ?? 0) + 0.0005);
  stage.physics.addBody(stage.scene, object, {
    shape: libraryCollider(object) ?? colliderFor(object),
    linearDamping: options.linearDamping,
    angularDamping: options.angularDamping,
  });
  return object;
}

export interface PushOptions {
  /** Unit ground direction of the push. */
  dir: Vec3;
  /** How far the hand travels after touching, metres. */
  distance: number;
  /** Hand speed while pushing, m/s. */
  speed: number;
  /** When the hand starts moving (nominal seconds). */
  at?: number;
  /** Palm-centre height above the surface; default low (near the base). */
  height?: number;
  /** Push with the palm upright (default: a flat hand, fingertips first, that hides little). */
  upright?: boolean;
  suffix?: string;
}

/** A hand behind `subject` that pushes it along `dir` at constant speed, then lifts away. */
export function push(stage: Stage, subject: SceneObject, o: PushOptions): HandMotion {
  const gap = 0.02;
  const rotation = o.upright ? palmToward(o.dir) : palmDown(o.dir);
  const start = pushStart(stage, subject, o.dir, gap, rotation);
  if (o.height !== undefined) start[1] = stage.surface.top + o.height;
  const t0 = o.at ?? 0.15;
  const t1 = t0 + (gap + o.distance) / o.speed;
  const end = madd(start, o.dir, gap + o.distance);
  const hand = addHand(stage, o.suffix ?? "hand", "push", start, rotation);
  const keys: Key[] = [
    { t: 0, position: start },
    { t: t0, position: start },
    { t: t1, position: end, ease: "linear" },
    // Then the hand lets go and withdraws up and to the side, as a person's would, so it does
    // not stay parked between the camera and what it pushed.
    // Sideways first: straight up would cross the camera's line of sight to the object.
    { t: t1 + 0.3, position: madd(madd(madd(end, o.dir, -0.04), UP, 0.04), withdraw(o.dir), 0.12) },
    { t: t1 + 0.8, position: madd(madd(madd(end, o.dir, -0.1), UP, 0.2), withdraw(o.dir), 0.25) },
  ];
  return new HandMotion(stage, hand, keys);
}

/** The side a hand withdraws to after pushing along `dir` (its right, or world x for a vertical push). */
function withdraw(dir: Vec3): Vec3 {
  const side = cross(dir, UP);
  return length(side) > 1e-6 ? normalize(side) : [1, 0, 0];
}

/** Palm-down hand position resting on top of `object`. */
export function onTop(stage: Stage, object: SceneObject): Vec3 {
  const top = reach(stage, object, UP);
  return [
    object.position[0],
    object.position[1] + top + HAND.palm[0] / 2 + 0.001,
    object.position[2],
  ];
}

/** A ghost hand palm-down above the object, fingers pointing away from the camera. */
export function graspHand(stage: Stage, subject: SceneObject, suffix = "hand"): {
  hand: SceneObject;
  grip: Vec3;
  rotation: Quat;
} {
  const grip = onTop(stage, subject);
  const rotation = palmDown(stage.forward);
  const hand = addHand(stage, suffix, "grasp", grip, rotation);
  return { hand, grip, rotation };
}

export const above = (p: Vec3, h: number): Vec3 => madd(p, UP, h);
export const beside = (p: Vec3, dir: Vec3, d: number): Vec3 => madd(p, dir, d);
export const turnAbout = (axis: Vec3, angle: number, q: Quat): Quat => qmul(qaxis(axis, angle), q);
export const negate = (v: Vec3): Vec3 => scale(v, -1);
export { UP };

/** Plan of a straight push along `dir`: subject starts half the distance behind the anchor. */
export function pushAlong(
  stage: Stage,
  dir: Vec3,
  options: { distance: number; speed: number },
  what: string,
): ActionPlan {
  const distance = span(stage, options.distance);
  const subject = addSubject(stage, "subject", madd(stage.anchor, dir, -distance / 2), {
    traits: ["upright"],
  });
  const motion = push(stage, subject, { dir, distance, speed: options.speed });
  return {
    subjects: [subject],
    hands: [motion.hand],
    args: { direction: what, speed: options.speed, planned_distance: round(distance) },
    verify(m) {
      const moved = m.along(dir);
      expect(
        moved > 0.5 * distance,
        `${what}: moved ${moved.toFixed(3)} m of ${distance.toFixed(3)}`,
      );
      return { distance: round(moved) };
    },
  };
}
