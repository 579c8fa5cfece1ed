/**
 * Where an object action happens: the support surface (the scene's "table", else its "floor",
 * else a floor added here), the camera's ground axes (screen-right and away-from-camera projected
 * on the ground, so directions read as a viewer says them), an anchor point on the surface in
 * view, and the hands (hand_mesh.ts; class "hand"): kinematic bodies that follow keyframes and
 * can grasp and release bodies.
 */
import { meshPoints, physicsFor, type PhysicsWorld } from "../../engine/physics/world.ts";
import type { ClipContext } from "../../engine/plugin/contract.ts";
import type { Rng } from "../../engine/scene/rng.ts";
import type { Quat, Scene, SceneObject, Vec3 } from "../../engine/scene/scene.ts";
import { srgbToLinear } from "../../engine/scene/color.ts";
import { handCollider, useHandMesh } from "./hand_mesh.ts";
import {
  add,
  dot,
  lerp,
  madd,
  normalize,
  qaxis,
  qconj,
  qdelta,
  qfacing,
  qmul,
  qrot,
  qslerp,
  scale,
  sub,
} from "./math.ts";

export interface Surface {
  object: SceneObject;
  /** Height of the top face. */
  top: number;
  /** World-space extent of the top (axis-aligned). */
  min: [number, number];
  max: [number, number];
}

export interface Stage {
  // deno-lint-ignore no-explicit-any
  ctx: ClipContext<any>;
  rng: Rng;
  scene: Scene;
  physics: PhysicsWorld;
  surface: Surface;
  /** Screen-right on the ground plane (unit). */
  right: Vec3;
  /** Away from the camera on the ground plane (unit). */
  forward: Vec3;
  /** Point on the surface, in view, where the action is centred. */
  anchor: Vec3;
  /** Visible width at the anchor, metres. */
  view: number;
  /** ≤ 1: the action's timeline is squeezed by this when the clip is shorter than planned. */
  pace: number;
  /** Unique object-name prefix (the plugin key). */
  prefix: string;
  /** Share of subjects drawn from the furniture library's real props (library_props.ts). */
  library: number;
}

const SUPPORT_KEY = "support";

function worldPoints(scene: Scene, object: SceneObject): Vec3[] {
  const p = meshPoints(scene, object);
  const out: Vec3[] = [];
  for (let i = 0; i < p.length; i += 3) {
    out.push(add(object.position, qrot(object.rotation, [p[i], p[i + 1], p[i + 2]])));
  }
  return out;
}

/** The clip's support surface, given fixed bodies once (shared by every action of the clip). */
// deno-lint-ignore no-explicit-any
export function supportFor(ctx: ClipContext<any>, physics: PhysicsWorld): Surface {
  const known = ctx.shared.get(SUPPORT_KEY) as Surface | undefined;
  if (known) return known;
  const scene = ctx.scene;
  const find = (word: string) =>
    scene.objects.find((o) => o.name === word) ?? scene.objects.find((o) => o.cls === word);
  let table = find("table");
  let floor = find("floor");
  if (!table && !floor) {
    const grey = srgbToLinear(ctx.rng.uniform(0.35, 0.65));
    floor = scene.add({
      name: "floor",
      class: "floor",
      mesh: "plane",
      scale: [8, 1, 8],
      material: { color: [grey, grey, grey], roughness: 0.9, metalness: 0, preset: "wood" },
    });
  }
  for (const object of [floor, table]) {
    if (!object || physics.get(object)) continue;
    object.material.preset ??= "wood";
    physics.addBody(scene, object, { type: "fixed", restyle: false });
  }
  table ??= floor!;
  const points = worldPoints(scene, table);
  const surface: Surface = {
    object: table,
    top: Math.max(...points.map((p) => p[1])),
    min: [Math.min(...points.map((p) => p[0])), Math.min(...points.map((p) => p[2]))],
    max: [Math.max(...points.map((p) => p[0])), Math.max(...points.map((p) => p[2]))],
  };
  ctx.shared.set(SUPPORT_KEY, surface);
  return surface;
}

const ground = (v: Vec3): Vec3 => normalize([v[0], 0, v[2]]);

/** Builds the stage for one action; `seconds` is how long its script plans to run. */
// deno-lint-ignore no-explicit-any
export function makeStage(ctx: ClipContext<any>, seconds: number): Stage {
  const physics = physicsFor(ctx);
  const surface = supportFor(ctx, physics);
  const camera = ctx.scene.camera;
  const right = ground(qrot(camera.rotation, [1, 0, 0]));
  const look = qrot(camera.rotation, [0, 0, -1]);
  const forward = ground(look);
  // Where the view axis meets the surface, kept away from the surface's edges.
  const t = look[1] < -0.05 ? (surface.top - camera.position[1]) / look[1] : 1.2;
  const hit = madd(camera.position, look[1] < -0.05 ? look : forward, t);
  const margin = (i: 0 | 1) => Math.min(0.25, (surface.max[i] - surface.min[i]) / 4);
  const clamp = (v: number, i: 0 | 1) =>
    Math.min(surface.max[i] - margin(i), Math.max(surface.min[i] + margin(i), v));
  const anchor: Vec3 = [clamp(hit[0], 0), surface.top, clamp(hit[2], 1)];
  const k = camera.intrinsics(ctx.width, ctx.height);
  const distance = Math.hypot(...sub(anchor, camera.position));
  const view = (ctx.width / k.fx) * distance;
  const pace = Math.min(1, (ctx.frames / ctx.fps - 0.2) / seconds);
  return {
    ctx,
    rng: ctx.rng,
    scene: ctx.scene,
    physics,
    surface,
    right,
    forward,
    anchor,
    view,
    pace,
    prefix: ctx.key,
    library: Number(ctx.options.library_props ?? 0),
  };
}

/** How far the object reaches from its origin along `dir` (world), at its current rotation. */
export function reach(stage: Stage, object: SceneObject, dir: Vec3): number {
  const p = meshPoints(stage.scene, object);
  let best = -Infinity;
  for (let i = 0; i < p.length; i += 3) {
    best = Math.max(best, dot(qrot(object.rotation, [p[i], p[i + 1], p[i + 2]]), dir));
  }
  return best;
}

/** Puts the object on the surface at ground point `at` (its lowest point `lift` above the top). */
export function placeOnSurface(stage: Stage, object: SceneObject, at: Vec3, lift = 0.0005): void {
  const below = reach(stage, object, [0, -1, 0]);
  object.position = [at[0], stage.surface.top + below + lift, at[2]];
}

/** Ground point `a` metres along screen-right and `b` metres away from the camera from the anchor. */
export function spot(stage: Stage, a: number, b: number): Vec3 {
  return add(add(stage.anchor, scale(stage.right, a)), scale(stage.forward, b));
}

/** A distance as a fraction of the visible width, kept within the surface. */
export function span(stage: Stage, fraction: number): number {
  const { min, max } = stage.surface;
  const room = Math.min(max[0] - min[0], max[1] - min[1]) * 0.6;
  return Math.max(0.03, Math.min(fraction * stage.view, room));
}

// ---------------------------------------------------------------- hands

const SKIN = ["#f1c6a7", "#e0ac85", "#c68642", "#8d5524", "#5c3a21", "#ffdbac"];

export { HAND } from "./hand_mesh.ts";

/** Palm-down rotation with fingers pointing along `dir` on the ground. */
export function palmDown(dir: Vec3): Quat {
  return qmul(qfacing(dir), qaxis([0, 0, 1], -Math.PI / 2));
}

/** Palm facing `dir` (a push), fingers up. */
export const palmToward = (dir: Vec3): Quat => qfacing(dir);

/**
 * Adds a hand. A pushing hand collides; a grasping hand is a ghost that only moves what it holds.
 */
export function addHand(
  stage: Stage,
  suffix: string,
  mode: "push" | "grasp",
  position: Vec3,
  rotation: Quat,
): SceneObject {
  const hex = stage.rng.choice(SKIN);
  const n = parseInt(hex.slice(1), 16);
  const color = [(n >> 16) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255].map(
    srgbToLinear,
  ) as Vec3;
  const hand = stage.scene.add({
    name: `${stage.prefix}_${suffix}`,
    class: "hand",
    mesh: useHandMesh(stage.scene, mode),
    position,
    rotation,
    material: { color, roughness: 0.6, metalness: 0, preset: "rubber" },
    attributes: { role: "hand", mode },
  });
  stage.physics.addBody(stage.scene, hand, {
    type: "kinematic",
    ghost: mode === "grasp",
    shape: handCollider(),
    restyle: false,
    restitution: 0,
    friction: 0.2,
  });
  return hand;
}

/**
 * Where a pushing hand with `rotation` must start so it is `gap` short of the object along `dir`,
 * its lowest point 4 mm above the surface.
 */
export function pushStart(
  stage: Stage,
  object: SceneObject,
  dir: Vec3,
  gap: number,
  rotation: Quat,
): Vec3 {
  const mesh = useHandMesh(stage.scene, "push");
  const hand = { mesh, scale: [1, 1, 1], rotation } as unknown as SceneObject;
  const back = reach(stage, object, scale(dir, -1)) + reach(stage, hand, dir);
  const at = madd(object.position, dir, -(back + gap));
  return [at[0], stage.surface.top + reach(stage, hand, [0, -1, 0]) + 0.004, at[2]];
}

export interface Key {
  /** Seconds on the action's nominal timeline (scaled by stage.pace). */
  t: number;
  position: Vec3;
  rotation?: Quat;
  /** How the hand gets to this key: eased (default) or at constant speed. */
  ease?: "smooth" | "linear";
}

interface Hold {
  object: SceneObject;
  from: number;
  until: number;
  offset?: { position: Vec3; rotation: Quat };
}

/**
 * Drives a hand through keyframes and carries what it grasps: a grasped body turns kinematic
 * and keeps its pose relative to the hand; on release it turns dynamic with the velocity it had.
 */
export class HandMotion {
  #keys: Key[];
  #holds: Hold[] = [];

  constructor(readonly stage: Stage, readonly hand: SceneObject, keys: Key[]) {
    this.#keys = keys.map((k) => ({ ...k, t: k.t * stage.pace }));
    let rotation = keys[0].rotation ?? hand.rotation;
    for (const k of this.#keys) rotation = k.rotation ??= rotation;
    stage.physics.onStep((time) => this.#step(time));
  }

  /** Holds `object` from time `from` to `until` (nominal seconds; 0 = held from the start). */
  hold(object: SceneObject, from: number, until = Infinity): this {
    this.#holds.push({ object, from: from * this.stage.pace, until: until * this.stage.pace });
    return this;
  }

  /** The hand's pose at time t (seconds of clip time). */
  pose(time: number): { position: Vec3; rotation: Quat } {
    const keys = this.#keys;
    if (time <= keys[0].t) return { position: keys[0].position, rotation: keys[0].rotation! };
    for (let i = 1; i < keys.length; i++) {
      const [a, b] = [keys[i - 1], keys[i]];
      if (time > b.t) continue;
      let u = (time - a.t) / Math.max(b.t - a.t, 1e-9);
      if (b.ease !== "linear") u = u * u * (3 - 2 * u);
      return {
        position: lerp(a.position, b.position, u),
        rotation: qslerp(a.rotation!, b.rotation!, u),
      };
    }
    const last = keys[keys.length - 1];
    return { position: last.position, rotation: last.rotation! };
  }

  /** Where a held object is at `time`, carried rigidly by the hand. */
  #carried(hold: Hold, time: number): { position: Vec3; rotation: Quat } {
    const hand = this.pose(time);
    return {
      position: add(hand.position, qrot(hand.rotation, hold.offset!.position)),
      rotation: qmul(hand.rotation, hold.offset!.rotation),
    };
  }

  #step(time: number): void {
    const physics = this.stage.physics;
    const dt = physics.dt;
    const hand = this.pose(time);
    physics.moveKinematic(this.hand, hand.position, hand.rotation);
    for (const hold of this.#holds) {
      const holding = time >= hold.from && time < hold.until;
      if (holding && !hold.offset) {
        // Grasp: keep the object where it sits relative to the hand right now.
        const before = this.pose(time - dt);
        const now = physics.pose(hold.object);
        const inverse = qconj(before.rotation);
        hold.offset = {
          position: qrot(inverse, sub(now.position, before.position)),
          rotation: qmul(inverse, now.rotation),
        };
        physics.makeKinematic(hold.object);
      }
      if (!hold.offset || hold.until === -1) continue;
      if (holding) {
        const carried = this.#carried(hold, time);
        physics.moveKinematic(hold.object, carried.position, carried.rotation);
      } else {
        // Release with the velocity of the last carried step.
        const a = this.#carried(hold, time - 2 * dt);
        const b = this.#carried(hold, time - dt);
        const linear = scale(sub(b.position, a.position), 1 / dt);
        const angular = scale(qdelta(a.rotation, b.rotation), 1 / dt);
        physics.makeDynamic(hold.object, linear, angular);
        hold.until = -1;
      }
    }
  }
}
