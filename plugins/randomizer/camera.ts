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
 */
import { quat, vec3 } from "wgpu-matrix";
import { definePlugin } from "../../engine/plugin/contract.ts";
import type { Rng } from "../../engine/scene/rng.ts";
import type { Quat, Scene, Vec3 } from "../../engine/scene/scene.ts";
import { center, findSubject, objectBounds } from "./bounds.ts";

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
    /** Object to frame; "" = the first foreground object. */
    subject: "",
    /** follow: re-aim at the subject every frame; fixed: keep the first frame's aim. */
    focus: "follow",
    /** Aim point: the subject's box centre, or 0.3 × its height above (upper) / below (lower). */
    focus_position: "center",
    /** "auto" draws from the cinematographic mix; or one of MOVEMENTS. */
    movement: "auto",
    /** 0 = drawn from the movement's usual range. Sign gives the direction (dolly > 0 = forward). */
    amount: 0,
    /** Fraction of the frame height the subject spans on frame 0 (solves the focal length). */
    on_screen: 0.45,
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
  },
  create() {
    let rig: Rig | undefined;
    return {
      frame(ctx) {
        const scene = ctx.scene;
        const subject = findSubject(scene, ctx.options.subject);
        if (!subject) return; // nothing to frame: leave the scene's camera
        const box = objectBounds(scene, subject);
        const height = Math.max(1e-3, box.max[1] - box.min[1]);
        const offset =
          { upper: 0.3, center: 0, lower: -0.3 }[ctx.options.focus_position as string]! *
          height;
        const focusNow = vec3.add(center(box), [0, offset, 0]) as unknown as Vec3;
        if (ctx.frame === 0 || !rig) {
          rig = setUp(ctx.rng, scene, ctx.options, focusNow, height, ctx.height);
          // The subject's id lets captions name what the camera frames or follows.
          ctx.record("randomization", { subject_id: subject.id, ...rig.record });
        }
        const s = ease(ctx.frame / Math.max(1, ctx.frames));
        moveCamera(scene, rig, focusNow, s);
      },
    };
  },
});

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
  subjectHeight: number,
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
  const focal = (onScreen * imageHeight * distance) / subjectHeight;
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

function moveCamera(scene: Scene, rig: Rig, focusNow: Vec3, s: number): void {
  const camera = scene.camera;
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
