/**
 * Camera grammar (seed 004, Table 10): focus follow/fixed on the upper,
 * centre or lower part of a subject; one movement with an amount (truck,
 * dolly, pedestal along the camera's own x/z/y; pan/tilt in place; spin =
 * orbit around the focus; following = travel with the subject; zoom = focal
 * length only); an initial position; and the focal length solved per clip
 * from how much of the subject's height should fill the frame.
 *
 * Defaults follow real cinematography (static, push-in and following shots
 * dominate, moves are small); `random: true` draws everything uniformly.
 * The camera is set in frame(): list this plugin after actions that move its
 * subject in frame() if the follow must not lag by one frame.
 *
 * Framing covers the whole clip, not frame 0: on frame 0 the rig is planned from where the acting
 * objects will be at every frame (physics is simulated first; actions announce their subjects
 * and hands, engine/plugin/actors.ts). A fixed focus aims at the middle of the subject's path;
 * the focal length makes the subject's median share of the frame height `on_screen`, then widens
 * until the subjects (and a hand while it touches them) stay inside the safe area on every frame;
 * a move that would still lose them is shortened. `random: true` skips all of this (seed 004's
 * baseline). Objects without a physics track (moved by scene keyframes or by a plugin's own
 * code) are planned where they are on frame 0; a follow focus still re-aims at them every frame.
 */
import { quat, vec3 } from "wgpu-matrix";
import { actorsOf } from "../../engine/plugin/actors.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";
import { checkObjects } from "../../engine/plugin/checks.ts";
import type { PhysicsWorld } from "../../engine/physics/world.ts";
import { Camera } from "../../engine/scene/camera.ts";
import type { Rng } from "../../engine/scene/rng.ts";
import type { Quat, Scene, SceneObject, Vec3 } from "../../engine/scene/scene.ts";
import { type Box, center, findSubject, objectBounds } from "./bounds.ts";
import {
  boxesOverClip,
  gap,
  median,
  overshoot,
  project,
  size,
  sizeShare,
  union,
} from "./framing.ts";

export const MOVEMENTS = [
  "static",
  "truck",
  "dolly",
  "pedestal",
  "tilt",
  "pan",
  "spin",
  "following",
  "zoom",
] as const;
export type Movement = typeof MOVEMENTS[number];

/** How often each move is drawn by default (forward and following shots first). */
const CINEMATIC_WEIGHTS: Record<Movement, number> = {
  static: 0.22,
  dolly: 0.26,
  following: 0.2,
  truck: 0.1,
  pan: 0.08,
  spin: 0.05,
  pedestal: 0.04,
  tilt: 0.02,
  zoom: 0.03,
};

/** Amount ranges: metres (truck, dolly, pedestal, following), degrees (pan, tilt, spin), factor (zoom). */
const AMOUNTS: Record<Movement, [number, number]> = {
  static: [0, 0],
  truck: [0.3, 1.0],
  dolly: [0.3, 1.2],
  pedestal: [0.2, 0.6],
  tilt: [4, 12],
  pan: [5, 20],
  spin: [15, 60],
  following: [0, 0.5],
  zoom: [1.2, 1.8],
};

export const cameraRandomizer = definePlugin({
  id: "randomizer/camera",
  kind: "randomizer",
  description: "Camera focus, movement (truck/dolly/pedestal/tilt/pan/spin/following/zoom), " +
    "initial position and focal length from the subject's share of the frame",
  defaults: {
    /** Object to frame; "" = the acting objects the actions announce, else the first foreground one. */
    subject: "",
    /** follow: re-aim at the subject every frame; fixed: aim once, at the middle of its path. */
    focus: "follow",
    /** Aim point: the subject's box centre, or 0.3 × its height above (upper) / below (lower). */
    focus_position: "center",
    /** "auto" draws from the cinematographic mix; or one of MOVEMENTS. */
    movement: "auto",
    /** 0 = drawn from the movement's usual range. Sign gives the direction (dolly > 0 = forward). */
    amount: 0,
    /** Fraction of the frame height the subject's largest extent spans, median over the clip. */
    on_screen: 0.45,
    /** Fraction of the frame (each way, centred) the acting objects must stay inside, every frame. */
    safe_area: 0.9,
    /** scene: keep the scene camera's position; front: a frontal arc; random: anywhere above. */
    initial: "front",
    /** Distance to the focus at frame 0; 0 = keep the scene camera's distance. */
    distance: 0,
    /** Draw focus, movement, initial position and framing uniformly (seed 004: mostly unusable). */
    random: false,
  },
  limits: {
    focus: { oneOf: ["follow", "fixed"] },
    focus_position: { oneOf: ["upper", "center", "lower"] },
    movement: { oneOf: ["auto", ...MOVEMENTS] },
    on_screen: { min: 0.01, max: 4 },
    initial: { oneOf: ["scene", "front", "random"] },
    distance: { min: 0 },
    safe_area: { min: 0.3, max: 1 },
  },
  check: (o, scene) => checkObjects("subject", o.subject, scene, { special: [""] }),
  create() {
    let rig: Rig | undefined;
    let path: SubjectPath | undefined;
    return {
      frame(ctx) {
        const scene = ctx.scene;
        if (ctx.frame === 0 || !rig) {
          // Physics first: the world simulates the clip now if no action has made it yet.
          const world = liveWorld(ctx.shared.get("physics"));
          world?.advanceTo(ctx.frame);
          path = subjectPath(scene, ctx.options.subject, actorsOf(ctx), ctx.frames, world);
          if (!path) return; // nothing to frame: leave the scene's camera
        }
        if (!path) return;
        // Where the subject is now (physics shows its recorded pose); the path is for planning.
        const box = objectBounds(scene, path.subject);
        const focusNow = focusOf(box, ctx.options.focus_position);
        if (ctx.frame === 0 || !rig) {
          const fixedAim = focusOf(union(path.boxes), ctx.options.focus_position);
          const follow = ctx.options.focus === "follow";
          const aim = ctx.options.random || follow ? focusNow : fixedAim;
          rig = setUp(ctx.rng, scene, ctx.options, aim, size(box), ctx.height);
          if (!rig.record.random) {
            fit(rig, path, scene.camera, ctx.options, ctx.width, ctx.height, ctx.frames);
          }
          // The subject's id lets captions name what the camera frames or follows.
          ctx.record("randomization", { subject_id: path.subject.id, ...rig.record });
        }
        const s = ease(ctx.frame / Math.max(1, ctx.frames));
        moveCamera(scene.camera, rig, focusNow, s);
      },
    };
  },
});

/** Where the objects a clip is about go: the main subject first, then the other subjects. */
interface SubjectPath {
  subject: SceneObject;
  /** boxes[t]: the main subject's world bounds at frame t. */
  boxes: Box[];
  /** Each other subject's bounds per frame. */
  others: Box[][];
  /** Each agent's (hand's) bounds per frame; framed only while it is at a subject. */
  agents: Box[][];
}

function subjectPath(
  scene: Scene,
  name: string,
  actors: { subjects: number[]; agents: number[] },
  frames: number,
  world: PhysicsWorld | undefined,
): SubjectPath | undefined {
  const byId = (id: number) => scene.objects.find((o) => o.id === id);
  const found = (ids: number[]) => ids.map(byId).filter((o): o is SceneObject => o !== undefined);
  const announced = name ? [] : found(actors.subjects);
  const fallback = findSubject(scene, name);
  const subjects = announced.length > 0 ? announced : fallback ? [fallback] : [];
  const [subject, ...others] = subjects;
  if (!subject) return undefined;
  const boxes = (o: SceneObject) => boxesOverClip(scene, o, frames, world);
  const agents = name ? [] : found(actors.agents);
  return {
    subject,
    boxes: boxes(subject),
    others: others.map(boxes),
    agents: agents.map(boxes),
  };
}

/** The physics world of the clip when one exists and can still be asked. */
function liveWorld(value: unknown): PhysicsWorld | undefined {
  const world = value as PhysicsWorld | undefined;
  return typeof world?.advanceTo === "function" && !world.freed ? world : undefined;
}

function height(box: Box): number {
  return Math.max(1e-3, box.max[1] - box.min[1]);
}

function focusOf(box: Box, position: string): Vec3 {
  const offset = { upper: 0.3, center: 0, lower: -0.3 }[position]! * height(box);
  return vec3.add(center(box), [0, offset, 0]) as unknown as Vec3;
}

/** A hand counts as acting on a subject (and is framed) while it is this close to it (metres). */
const AGENT_REACH = 0.05;
/** Widening the view more than this to keep a move's subjects in frame shortens the move instead. */
const MAX_WIDENING = 2.5;

/**
 * Plans the rig over the whole clip. A fixed aim is turned to the middle of everything that must
 * stay in view over the clip; the focal length gives the subject its median on_screen share and
 * is then widened until every subject (and every hand at one) stays in the safe area on every
 * frame. A move that needs much more widening than a static camera would (MAX_WIDENING, or a
 * subject passing behind the camera) is shortened: halved, up to three times, then dropped.
 */
function fit(
  rig: Rig,
  path: SubjectPath,
  sceneCamera: Camera,
  o: { on_screen: number; safe_area: number },
  width: number,
  height: number,
  frames: number,
) {
  const camera = new Camera();
  camera.near = sceneCamera.near;
  camera.principal = sceneCamera.principal;
  const planned = rig.amount;
  const neutral = rig.movement === "zoom" ? 1 : 0;
  const setAmount = (shorten: number) => rig.amount = neutral + (planned - neutral) * shorten;
  const measure = () => {
    let worst = 0;
    const shares: number[] = [];
    const rect = [Infinity, Infinity, -Infinity, -Infinity];
    const take = (box: Box) => {
      const p = project(camera, box, width, height);
      worst = Math.max(worst, overshoot(camera, p, width, height, o.safe_area));
      for (let k = 0; k < 2; k++) rect[k] = Math.min(rect[k], p.rect[k]);
      for (let k = 2; k < 4; k++) rect[k] = Math.max(rect[k], p.rect[k]);
      return p;
    };
    for (let t = 0; t < frames; t++) {
      const box = path.boxes[t];
      moveCamera(camera, rig, focusOf(box, rig.record.focus_position as string), ease(t / frames));
      take(box);
      const share = sizeShare(camera, box, width, height);
      if (share !== undefined) shares.push(share);
      for (const other of path.others) take(other[t]);
      const subjects = [box, ...path.others.map((b) => b[t])];
      for (const agent of path.agents) {
        if (subjects.some((b) => gap(agent[t], b) < AGENT_REACH)) take(agent[t]);
      }
    }
    return { worst, share: median(shares), rect };
  };
  // Turns a fixed aim to the middle of the pixel rectangle everything must stay in.
  const recenter = (rect: number[]) => {
    if (rig.follow || !rect.every(Number.isFinite)) return;
    const { cx, cy } = camera.intrinsics(width, height);
    const f = rig.focal;
    const local: Vec3 = [
      ((rect[0] + rect[2]) / 2 - cx) / f,
      -((rect[1] + rect[3]) / 2 - cy) / f,
      -1,
    ];
    const direction = vec3.normalize(vec3.transformQuat(local, rig.rotation));
    const distance = vec3.distance(rig.position, rig.focus);
    rig.focus = vec3.addScaled(rig.position, direction, distance) as unknown as Vec3;
    camera.position = [...rig.position];
    rig.rotation = [...camera.lookAt(rig.focus).rotation];
  };
  setAmount(1);
  recenter(measure().rect);
  let m = measure();
  setAmount(0);
  const still = measure().worst;
  for (const shorten of [1, 0.5, 0.25, 0]) {
    setAmount(shorten);
    m = measure();
    if (m.worst <= Math.max(MAX_WIDENING, 1.25 * still)) break;
  }
  const wanted = m.share > 0 ? o.on_screen / m.share : 1;
  const fits = Number.isFinite(m.worst) && m.worst > 0 ? 1 / m.worst : wanted;
  const scale = Math.min(wanted, fits);
  rig.focal *= scale;
  rig.record.amount = rig.amount;
  rig.record.focal = rig.focal;
  rig.record.framing = {
    safe_area: o.safe_area,
    median_share: m.share * scale,
    overshoot: m.worst * scale,
    move_scale: planned === neutral ? 1 : (rig.amount - neutral) / (planned - neutral),
  };
}

interface Rig {
  movement: Movement;
  amount: number;
  follow: boolean;
  position: Vec3;
  rotation: Quat;
  focus: Vec3;
  focal: number;
  record: Record<string, unknown>;
}

function setUp(
  rng: Rng,
  scene: Scene,
  o: {
    focus: string;
    focus_position: string;
    movement: string;
    amount: number;
    on_screen: number;
    initial: string;
    distance: number;
    random: boolean;
  },
  focus: Vec3,
  subjectSize: number,
  imageHeight: number,
): Rig {
  const camera = scene.camera;
  const random = o.random;
  const follow = random ? rng.chance(0.5) : o.focus === "follow";
  const movement: Movement = random
    ? rng.choice(MOVEMENTS)
    : o.movement === "auto"
    ? rng.choice(MOVEMENTS, MOVEMENTS.map((m) => CINEMATIC_WEIGHTS[m]))
    : o.movement as Movement;
  const [lo, hi] = AMOUNTS[movement];
  let amount = o.amount !== 0 ? o.amount : random ? rng.uniform(lo, hi * 3) : rng.uniform(lo, hi);
  // lateral and rotational moves go either way; dolly defaults to pushing in
  if (o.amount === 0 && ["truck", "pedestal", "pan", "tilt", "spin"].includes(movement)) {
    amount *= rng.chance(0.5) ? 1 : -1;
  }
  if (o.amount === 0 && movement === "zoom" && random && rng.chance(0.5)) amount = 1 / amount;

  const sceneOffset = vec3.subtract(camera.position, focus);
  const sceneDistance = Math.max(0.1, vec3.length(sceneOffset));
  const distance = o.distance > 0
    ? o.distance
    : random
    ? rng.uniform(1, 3) * sceneDistance
    : sceneDistance;
  let direction: Vec3;
  const initial = random ? "random" : o.initial;
  if (initial === "scene") {
    direction = vec3.scale(sceneOffset, 1 / sceneDistance) as unknown as Vec3;
  } else {
    // azimuth measured around the scene camera's side of the subject
    const baseAzimuth = Math.atan2(sceneOffset[0], sceneOffset[2]);
    const azimuth = baseAzimuth +
      (initial === "front" ? rng.uniform(-30, 30) : rng.uniform(-180, 180)) *
        Math.PI / 180;
    const elevation = (initial === "front" ? rng.uniform(5, 25) : rng.uniform(-5, 75)) * Math.PI /
      180;
    direction = [
      Math.sin(azimuth) * Math.cos(elevation),
      Math.sin(elevation),
      Math.cos(azimuth) * Math.cos(elevation),
    ];
  }
  camera.position = vec3.add(focus, vec3.scale(direction, distance)) as unknown as Vec3;
  camera.lookAt(focus);
  const onScreen = random ? rng.uniform(0.1, 1.5) : o.on_screen;
  // pinhole: a subject of height h at distance d spans f·h/d pixels
  const focal = (onScreen * imageHeight * distance) / subjectSize;
  camera.focal = focal;
  const rig: Rig = {
    movement,
    amount,
    follow,
    position: [...camera.position],
    rotation: [...camera.rotation],
    focus: [...focus],
    focal,
    record: {
      focus: follow ? "follow" : "fixed",
      focus_position: o.focus_position,
      movement,
      amount,
      amount_unit: unitOf(movement),
      initial,
      initial_position: [...camera.position],
      distance,
      on_screen: onScreen,
      focal,
      random,
    },
  };
  return rig;
}

function unitOf(m: Movement): string {
  return m === "zoom" ? "factor" : ["pan", "tilt", "spin"].includes(m) ? "degrees" : "metres";
}

/** Smooth start and stop. */
function ease(x: number): number {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
}

function moveCamera(camera: Camera, rig: Rig, focusNow: Vec3, s: number): void {
  const q = rig.rotation;
  const axis = (local: Vec3) => vec3.transformQuat(local, q) as unknown as Vec3;
  const deg = (rig.amount * s * Math.PI) / 180;
  let position: Vec3 = [...rig.position];
  let rotation: Quat = [...q];
  let aim = rig.follow;
  camera.focal = rig.focal;
  switch (rig.movement) {
    case "static":
      break;
    case "truck":
      position = vec3.addScaled(position, axis([1, 0, 0]), rig.amount * s) as unknown as Vec3;
      break;
    case "pedestal":
      position = vec3.addScaled(position, axis([0, 1, 0]), rig.amount * s) as unknown as Vec3;
      break;
    case "dolly": // forward is the camera's −z
      position = vec3.addScaled(position, axis([0, 0, -1]), rig.amount * s) as unknown as Vec3;
      break;
    case "pan": // about world up, in place
      rotation = [...quat.multiply(quat.fromAxisAngle([0, 1, 0], deg), q)] as Quat;
      aim = false;
      break;
    case "tilt": // about the camera's own x, in place
      rotation = [...quat.multiply(q, quat.fromAxisAngle([1, 0, 0], deg))] as Quat;
      aim = false;
      break;
    case "spin": { // orbit about the focus at constant distance
      const pivot = rig.follow ? focusNow : rig.focus;
      const offset = vec3.subtract(rig.position, rig.focus);
      position = vec3.add(
        pivot,
        vec3.transformQuat(offset, quat.fromAxisAngle([0, 1, 0], deg)),
      ) as unknown as Vec3;
      camera.position = position;
      camera.lookAt(pivot);
      return;
    }
    case "following": {
      const travel = vec3.subtract(focusNow, rig.focus);
      position = vec3.add(position, travel) as unknown as Vec3;
      position = vec3.addScaled(position, axis([0, 0, -1]), rig.amount * s) as unknown as Vec3;
      break;
    }
    case "zoom":
      camera.focal = rig.focal * (1 + (rig.amount - 1) * s);
      break;
  }
  camera.position = position;
  if (aim) camera.lookAt(focusNow);
  else camera.rotation = rotation;
}
