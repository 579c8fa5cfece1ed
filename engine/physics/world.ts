/**
 * Rigid-body physics for one clip: a Rapier world that every plugin of the clip shares through
 * `physicsFor(ctx)` (kept in `ctx.shared` under "physics").
 *
 * Time: frame f is simulation time f / fps, reached with `substeps` fixed steps per frame.
 * Kinematic bodies are moved by controllers (`onStep`), called before every substep with the time
 * that substep ends at, so the result does not depend on which plugin steps first. Before frame 0
 * the world settles for `settleSeconds` (controllers see t = 0, no contacts kept).
 *
 * Physics first, then everything else: the first `advanceTo` (or `bake`) of a clip, which comes
 * after every plugin's clipStart, simulates the WHOLE clip and records each body's pose,
 * velocities and touching state per frame. `advanceTo(ctx.frame)` then shows frame f: it copies
 * the recorded poses to the SceneObjects (any plugin may call it; calls are idempotent). So a
 * camera can frame where the objects will go (`track`), and the trajectories are the ones stepping
 * frame by frame gives, because controllers depend only on time.
 *
 * Bodies: colliders come from the object's mesh and scale: cube → box, sphere → ball,
 * cylinder → cylinder, capsule → capsule, plane → a thick box under it, anything else → the
 * convex hull of its vertices (a hull of a finely tessellated round mesh can rock a little at
 * rest: give such props a compound of primitives instead). Density, friction and restitution come from the material preset
 * (engine/scene/materials.ts), which also sets the object's roughness, metalness and preset name.
 *
 * Contacts (for audio and labels): each new touch between two bodies is one ContactEvent
 * {frame, time, bodies: [idA, idB] (instance ids), position (world, metres), impulse (N·s, the
 * peak per substep during that frame), materials}. They accumulate in
 * `ctx.shared.get("physics").contacts` as frames advance, and the first plugin that calls
 * `finishPhysics(ctx)` in clipEnd writes them to labels.json as `plugins.<its key>.contacts`
 * (with `plugins.<its key>.physics`: step sizes and the deepest interpenetration seen).
 *
 * Deterministic: Rapier gives the same trajectories for the same insertion order and inputs.
 */
import RAPIER from "@dimforge/rapier3d-compat";
import { applyPreset, materialPreset, type PresetName } from "../scene/materials.ts";
import type { ClipContext, Options } from "../plugin/contract.ts";
import type { Quat, Scene, SceneObject, Vec3 } from "../scene/scene.ts";
import { posedMesh } from "../scene/skin.ts";
import { meshBounds } from "../scene/mesh.ts";

export {
  MATERIAL_PRESETS,
  type MaterialPreset,
  PRESET_NAMES,
  type PresetName,
} from "../scene/materials.ts";

export const GRAVITY = 9.81;

let ready: Promise<void> | undefined;
/** Loads Rapier's WASM once per process; call it from a plugin's setup. */
export function initPhysics(): Promise<void> {
  ready ??= RAPIER.init();
  return ready;
}

export type Shape =
  | { kind: "box"; halfExtents: Vec3; offset?: Vec3 }
  | { kind: "sphere"; radius: number; offset?: Vec3 }
  | { kind: "cylinder"; radius: number; halfHeight: number; offset?: Vec3 }
  | { kind: "capsule"; radius: number; halfHeight: number; offset?: Vec3 }
  | { kind: "cone"; radius: number; halfHeight: number; offset?: Vec3 }
  | { kind: "hull"; points: Float32Array; offset?: Vec3 }
  /** Several shapes on one body (e.g. a mug: a cylinder and a box for the handle). */
  | { kind: "compound"; parts: Exclude<Shape, { kind: "compound" }>[] };

export type BodyType = "dynamic" | "kinematic" | "fixed";

export interface BodyOptions {
  type?: BodyType;
  /** Collider; derived from the object's mesh and scale when absent. */
  shape?: Shape;
  /** Material preset; defaults to the object's preset, else "plastic". */
  preset?: PresetName;
  /** A ghost touches nothing (a hand that only carries what it grasps). */
  ghost?: boolean;
  /**
   * Starts asleep: a body placed at rest (clutter on a shelf) costs nothing until something
   * touches it or a plugin moves it. Rapier otherwise waits 2 s of stillness before sleeping.
   */
  asleep?: boolean;
  /** False keeps the object's look (only its preset name is set). */
  restyle?: boolean;
  /** Override the preset's contact coefficients (e.g. a hand that does not bounce things). */
  friction?: number;
  restitution?: number;
  linearDamping?: number;
  angularDamping?: number;
}

export interface ContactEvent {
  frame: number;
  time: number;
  bodies: [number, number];
  position: Vec3;
  impulse: number;
  materials: [string, string];
}

/** What the world recorded of one body at one frame. */
export interface BodyFrame {
  position: Vec3;
  rotation: Quat;
  /** Linear (m/s) and angular (rad/s) velocity. */
  linear: Vec3;
  angular: Vec3;
  dynamic: boolean;
  /** Some contact point of the body is within TOUCH_DISTANCE of another body. */
  touching: boolean;
}

/** Contact distance (metres) under which two bodies count as touching. */
export const TOUCH_DISTANCE = 1e-3;

export interface PhysicsBody {
  object: SceneObject;
  body: RAPIER.RigidBody;
  /** The first (main) collider; `colliders` lists all of a compound. */
  collider: RAPIER.Collider;
  colliders: RAPIER.Collider[];
  preset: PresetName;
  mass: number;
}

export interface PhysicsOptions {
  fps: number;
  /** Fixed steps per frame; default keeps the step at or under 1/240 s. */
  substeps?: number;
  /** Seconds simulated before frame 0 so resting bodies settle. */
  settleSeconds?: number;
  gravity?: number;
  /** Last frame the clip shows: the first advance simulates 0..lastFrame (default 0: frame by frame). */
  lastFrame?: number;
}

/** Vertices of an object's mesh (all parts) in its local frame, scaled. */
export function meshPoints(scene: Scene, object: SceneObject): Float32Array {
  const parts = scene.meshes.get(object.mesh);
  if (!parts) throw new RangeError(`Mesh "${object.mesh}" is not registered`);
  const out: number[] = [];
  const [sx, sy, sz] = object.scale;
  for (const [k, { mesh, matrix }] of parts.entries()) {
    // An articulated object (a person) is where its current part placements put it.
    const m = object.partMatrices?.[k] ?? matrix;
    // A skinned object (a person) is where its current joint matrices put it.
    const p = mesh.skin && object.skinMatrices
      ? posedMesh(mesh, object.skinMatrices).positions
      : mesh.positions;
    for (let i = 0; i < p.length; i += 3) {
      let [x, y, z] = [p[i], p[i + 1], p[i + 2]];
      if (m) {
        [x, y, z] = [
          m[0] * x + m[4] * y + m[8] * z + m[12],
          m[1] * x + m[5] * y + m[9] * z + m[13],
          m[2] * x + m[6] * y + m[10] * z + m[14],
        ];
      }
      out.push(x * sx, y * sy, z * sz);
    }
  }
  return new Float32Array(out);
}

/** The collider an object's mesh and scale call for. */
export function shapeOf(scene: Scene, object: SceneObject): Shape {
  const [sx, sy, sz] = object.scale;
  const round = sx === sz;
  // A mesh that asks for its bounds (a table with legs) collides as the box it fills.
  const parts = scene.meshes.get(object.mesh);
  if (parts?.length === 1 && parts[0].mesh.collider === "bounds" && !parts[0].matrix) {
    const { min, max } = meshBounds(parts[0].mesh);
    const centre = [0, 1, 2].map((k) => ((max[k] + min[k]) / 2) * object.scale[k]) as Vec3;
    return {
      kind: "box",
      halfExtents: [0, 1, 2].map((k) => ((max[k] - min[k]) / 2) * object.scale[k]) as Vec3,
      ...(centre.some((c) => c !== 0) ? { offset: centre } : {}),
    };
  }
  switch (object.mesh) {
    case "cube":
      return { kind: "box", halfExtents: [sx / 2, sy / 2, sz / 2] };
    case "sphere":
      if (sx === sy && sy === sz) return { kind: "sphere", radius: sx / 2 };
      break;
    case "cylinder":
      if (round) return { kind: "cylinder", radius: sx / 2, halfHeight: sy / 2 };
      break;
    case "capsule":
      if (round && sx === sy) return { kind: "capsule", radius: sx / 4, halfHeight: sx / 4 };
      break;
    case "plane": {
      const thick = 0.5; // thick enough that nothing tunnels through a floor
      return { kind: "box", halfExtents: [sx / 2, thick / 2, sz / 2], offset: [0, -thick / 2, 0] };
    }
  }
  return { kind: "hull", points: meshPoints(scene, object) };
}

function colliderDesc(shape: Exclude<Shape, { kind: "compound" }>): RAPIER.ColliderDesc {
  let desc: RAPIER.ColliderDesc | null;
  switch (shape.kind) {
    case "box":
      desc = RAPIER.ColliderDesc.cuboid(...shape.halfExtents);
      break;
    case "sphere":
      desc = RAPIER.ColliderDesc.ball(shape.radius);
      break;
    case "cylinder":
      desc = RAPIER.ColliderDesc.cylinder(shape.halfHeight, shape.radius);
      break;
    case "capsule":
      desc = RAPIER.ColliderDesc.capsule(shape.halfHeight, shape.radius);
      break;
    case "cone":
      desc = RAPIER.ColliderDesc.cone(shape.halfHeight, shape.radius);
      break;
    case "hull":
      desc = RAPIER.ColliderDesc.convexHull(shape.points);
      if (!desc) throw new RangeError("Cannot build a convex hull from these points");
  }
  if (shape.offset) desc.setTranslation(...shape.offset);
  return desc;
}

const v3 = (v: { x: number; y: number; z: number }): Vec3 => [v.x, v.y, v.z];
const q4 = (q: { x: number; y: number; z: number; w: number }): Quat => [q.x, q.y, q.z, q.w];
const xyz = (v: Vec3) => ({ x: v[0], y: v[1], z: v[2] });
const xyzw = (q: Quat) => ({ x: q[0], y: q[1], z: q[2], w: q[3] });

export class PhysicsWorld {
  readonly world: RAPIER.World;
  readonly fps: number;
  readonly substeps: number;
  readonly dt: number;
  readonly settleSeconds: number;
  readonly contacts: ContactEvent[] = [];
  /** The frame shown (poses copied to the objects); -1 before the first advance. */
  frame = -1;
  readonly lastFrame: number;
  /** Deepest interpenetration (metres) seen at any frame. */
  maxPenetration = 0;
  #bodies = new Map<number, PhysicsBody>();
  #byCollider = new Map<number, PhysicsBody>();
  #controllers: ((time: number) => void)[] = [];
  #queue = new RAPIER.EventQueue(true);
  #freed = false;
  /** Per body id, what it did at each frame 0..lastFrame; empty until the bake. */
  #tracks = new Map<number, BodyFrame[]>();
  /** Last frame simulated and recorded; -1 before the settling. */
  #simulated = -1;
  /** Bodies asleep when last recorded, and whether they touched anything then. */
  #sleepingTouch = new Map<number, boolean>();
  /** Bodies asleep when penetration() last measured their contacts. */
  #sleepingMeasured = new Set<number>();

  constructor(options: PhysicsOptions) {
    this.fps = options.fps;
    this.substeps = options.substeps ?? Math.max(1, Math.ceil(240 / options.fps));
    this.dt = 1 / (this.fps * this.substeps);
    this.settleSeconds = options.settleSeconds ?? 0.25;
    this.lastFrame = Math.max(0, options.lastFrame ?? 0);
    this.world = new RAPIER.World({ x: 0, y: -(options.gravity ?? GRAVITY), z: 0 });
    this.world.timestep = this.dt;
  }

  /** Gives `object` a body at its current pose; its pose follows the body from then on. */
  addBody(scene: Scene, object: SceneObject, options: BodyOptions = {}): PhysicsBody {
    if (this.#bodies.has(object.id)) throw new RangeError(`${object.name} already has a body`);
    if (object.partMatrices || object.skinMatrices) {
      // A rigid body would keep the limbs where they were when it was made.
      throw new RangeError(
        `${object.name} is articulated (its action poses its limbs every frame) and cannot have a rigid body`,
      );
    }
    const type = options.type ?? "dynamic";
    const preset = options.preset ?? (object.material.preset as PresetName | undefined) ??
      "plastic";
    const p = materialPreset(preset);
    if (options.restyle === false) object.material.preset = preset;
    else applyPreset(object.material, preset);
    const bodyDesc = type === "dynamic"
      ? RAPIER.RigidBodyDesc.dynamic().setCcdEnabled(true)
      : type === "kinematic"
      ? RAPIER.RigidBodyDesc.kinematicPositionBased()
      : RAPIER.RigidBodyDesc.fixed();
    bodyDesc.setTranslation(...object.position).setRotation(xyzw(object.rotation));
    if (options.asleep && type === "dynamic") bodyDesc.setSleeping(true);
    bodyDesc.setLinearDamping(options.linearDamping ?? 0.05);
    bodyDesc.setAngularDamping(options.angularDamping ?? 0.05);
    const body = this.world.createRigidBody(bodyDesc);
    const shape = options.shape ?? shapeOf(scene, object);
    const colliders = (shape.kind === "compound" ? shape.parts : [shape]).map((part) => {
      const desc = colliderDesc(part)
        .setDensity(p.density)
        .setFriction(options.friction ?? p.friction)
        .setRestitution(options.restitution ?? p.restitution)
        .setActiveEvents(RAPIER.ActiveEvents.COLLISION_EVENTS);
      if (options.ghost) desc.setCollisionGroups(0);
      return this.world.createCollider(desc, body);
    });
    const entry = { object, body, collider: colliders[0], colliders, preset, mass: body.mass() };
    this.#bodies.set(object.id, entry);
    for (const c of colliders) this.#byCollider.set(c.handle, entry);
    return entry;
  }

  get(object: SceneObject | number): PhysicsBody | undefined {
    return this.#bodies.get(typeof object === "number" ? object : object.id);
  }

  /** Body of `object`, or an error. */
  bodyOf(object: SceneObject): PhysicsBody {
    const entry = this.get(object);
    if (!entry) throw new RangeError(`${object.name} has no physics body`);
    return entry;
  }

  /** Calls `control(t)` before every substep, t = the time that substep ends at (≥ 0). */
  onStep(control: (time: number) => void): void {
    this.#controllers.push(control);
  }

  /** Sets where a kinematic body will be at the end of the coming substep. */
  moveKinematic(object: SceneObject, position: Vec3, rotation: Quat): void {
    const { body } = this.bodyOf(object);
    body.setNextKinematicTranslation(xyz(position));
    body.setNextKinematicRotation(xyzw(rotation));
  }

  /** Makes a body kinematic (grasped) at its current pose. */
  makeKinematic(object: SceneObject): void {
    this.bodyOf(object).body.setBodyType(RAPIER.RigidBodyType.KinematicPositionBased, true);
  }

  /** Makes a body dynamic (released) with the given velocities. */
  makeDynamic(object: SceneObject, linvel: Vec3 = [0, 0, 0], angvel: Vec3 = [0, 0, 0]): void {
    const { body } = this.bodyOf(object);
    body.setBodyType(RAPIER.RigidBodyType.Dynamic, true);
    body.setLinvel(xyz(linvel), true);
    body.setAngvel(xyz(angvel), true);
  }

  pose(object: SceneObject): { position: Vec3; rotation: Quat } {
    const { body } = this.bodyOf(object);
    return { position: v3(body.translation()), rotation: q4(body.rotation()) };
  }

  velocity(object: SceneObject): { linear: Vec3; angular: Vec3 } {
    const { body } = this.bodyOf(object);
    return { linear: v3(body.linvel()), angular: v3(body.angvel()) };
  }

  /** Shows frame `frame`: the objects take the poses simulated for it (simulating on if needed). */
  advanceTo(frame: number): void {
    if (this.#freed) throw new Error("The physics world of this clip was already finished");
    this.bake();
    this.#simulateTo(frame);
    this.frame = Math.max(0, frame);
    for (const { object } of this.#bodies.values()) {
      const state = this.#tracks.get(object.id)?.[this.frame];
      if (!state) continue;
      object.position = [...state.position];
      object.rotation = [...state.rotation];
    }
  }

  /**
   * Simulates the clip up to `lastFrame` (later calls do nothing). Call it only once every body and
   * controller of the clip exists: from a frame hook, not from clipStart.
   */
  bake(): void {
    if (this.#simulated < 0) this.#simulateTo(this.lastFrame);
  }

  #simulateTo(frame: number): void {
    if (this.#simulated < 0) {
      const settle = Math.round(this.settleSeconds / this.dt);
      for (let i = 0; i < settle; i++) this.#step(0, undefined);
      this.#record(0);
      this.#simulated = 0;
    }
    for (let f = this.#simulated; f < frame; f++) {
      const next = f + 1;
      const fresh = new Map<string, ContactEvent>();
      for (let s = 1; s <= this.substeps; s++) {
        this.#step((f + s / this.substeps) / this.fps, fresh);
        this.#measureFresh(fresh, next);
      }
      this.contacts.push(...fresh.values());
      this.maxPenetration = Math.max(this.maxPenetration, this.penetration());
      this.#record(next);
      this.#simulated = next;
    }
  }

  /** The recorded frames of a body (index = frame), or undefined if it has none. */
  track(object: SceneObject | number): readonly BodyFrame[] | undefined {
    return this.#tracks.get(typeof object === "number" ? object : object.id);
  }

  /** Keeps every body's state at the frame just simulated, and shows it on its object. */
  #record(frame: number): void {
    for (const { object, body, collider } of this.#bodies.values()) {
      object.position = v3(body.translation());
      object.rotation = q4(body.rotation());
      // A sleeping body's contacts are frozen: what was measured while it slept still holds.
      const sleeping = body.isSleeping();
      let touching = sleeping ? this.#sleepingTouch.get(object.id) : undefined;
      if (touching === undefined) {
        touching = false;
        this.world.contactPairsWith(collider, (other) => {
          if (touching) return; // a floor touches everything: one touch is enough
          this.world.contactPair(collider, other, (manifold) => {
            for (let i = 0; i < manifold.numContacts(); i++) {
              if (manifold.contactDist(i) < TOUCH_DISTANCE) touching = true;
            }
          });
        });
      }
      if (sleeping) this.#sleepingTouch.set(object.id, touching);
      else this.#sleepingTouch.delete(object.id);
      let track = this.#tracks.get(object.id);
      if (!track) this.#tracks.set(object.id, track = []);
      track[frame] = {
        position: [...object.position],
        rotation: [...object.rotation],
        linear: v3(body.linvel()),
        angular: v3(body.angvel()),
        dynamic: body.isDynamic(),
        touching,
      };
    }
  }

  #step(time: number, fresh: Map<string, ContactEvent> | undefined): void {
    for (const control of this.#controllers) control(time);
    this.world.step(this.#queue);
    this.#queue.drainCollisionEvents((h1, h2, started) => {
      const a = this.#byCollider.get(h1);
      const b = this.#byCollider.get(h2);
      if (!started || !fresh || !a || !b) return;
      const [first, second] = a.object.id < b.object.id ? [a, b] : [b, a];
      const key = `${first.object.id}/${second.object.id}`;
      if (fresh.has(key)) return;
      fresh.set(key, {
        frame: -1,
        time,
        bodies: [first.object.id, second.object.id],
        position: [NaN, NaN, NaN],
        impulse: 0,
        materials: [first.preset, second.preset],
      });
    });
  }

  /** Updates this frame's new contacts with the strongest impulse seen so far and where. */
  #measureFresh(fresh: Map<string, ContactEvent>, frame: number): void {
    for (const event of fresh.values()) {
      event.frame = frame;
      const pairs = this.#bodies.get(event.bodies[0])!.colliders.flatMap((a) =>
        this.#bodies.get(event.bodies[1])!.colliders.map((b) => [a, b] as const)
      );
      for (const [a, b] of pairs) {
        this.world.contactPair(a, b, (manifold) => {
          let impulse = 0;
          const point: Vec3 = [0, 0, 0];
          const n = manifold.numSolverContacts();
          for (let i = 0; i < manifold.numContacts(); i++) impulse += manifold.contactImpulse(i);
          for (let i = 0; i < n; i++) {
            const p = manifold.solverContactPoint(i);
            point[0] += p.x / n;
            point[1] += p.y / n;
            point[2] += p.z / n;
          }
          if (n > 0 && (impulse > event.impulse || Number.isNaN(event.position[0]))) {
            event.impulse = Math.max(event.impulse, impulse);
            event.position = point;
          }
        });
      }
    }
  }

  /** Deepest current interpenetration between any two touching bodies, in metres. */
  penetration(): number {
    let deepest = 0;
    for (const { object, body, colliders } of this.#bodies.values()) {
      // Contacts that matter have a dynamic body: each is measured from that side. Frozen
      // contacts of a body asleep since they were last measured were counted then.
      if (!body.isDynamic()) continue;
      if (body.isSleeping() && this.#sleepingMeasured.has(object.id)) continue;
      if (body.isSleeping()) this.#sleepingMeasured.add(object.id);
      else this.#sleepingMeasured.delete(object.id);
      for (const collider of colliders) {
        this.world.contactPairsWith(collider, (other) => {
          this.world.contactPair(collider, other, (manifold) => {
            for (let i = 0; i < manifold.numContacts(); i++) {
              deepest = Math.max(deepest, -manifold.contactDist(i));
            }
          });
        });
      }
    }
    return deepest;
  }

  /** Releases the WASM world; contacts and stats stay readable. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.#queue.free();
    this.world.free();
  }

  get freed(): boolean {
    return this.#freed;
  }
}

const SHARED_KEY = "physics";

/** The clip's physics world, created on first use (call `initPhysics()` in setup first). */
// deno-lint-ignore no-explicit-any
export function physicsFor(ctx: ClipContext<any>): PhysicsWorld {
  let world = ctx.shared.get(SHARED_KEY) as PhysicsWorld | undefined;
  if (!world) {
    // The look-ahead frame (ctx.frames) is simulated too: forward flow needs its poses.
    world = new PhysicsWorld({ fps: ctx.fps, lastFrame: ctx.frames });
    ctx.shared.set(SHARED_KEY, world);
  }
  return world;
}

/**
 * Call from clipEnd: the first caller records the contacts and stats under its key and frees the
 * world; `ctx.shared.get("physics").contacts` stays readable for later plugins.
 */
export function finishPhysics<O extends Options>(ctx: ClipContext<O>): void {
  const world = ctx.shared.get(SHARED_KEY) as PhysicsWorld | undefined;
  if (!world || world.freed) return;
  ctx.record("contacts", world.contacts);
  ctx.record("physics", {
    fps: world.fps,
    substeps: world.substeps,
    dt: world.dt,
    max_penetration: world.maxPenetration,
  });
  world.free();
}
