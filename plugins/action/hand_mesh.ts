/**
 * The hand the object actions push and carry with: the engine's human hand (skeleton rest
 * offsets, a named hand shape through `fingerRotations`, the body's hand primitives
 * polygonized by surface nets) fitted to the measurements (HAND) and frame of the mitten of boxes
 * it replaced, built once per pose and cached.
 *
 * It lives here, not in engine/human, because its size, frame and poses are the actions':
 * a person's hands come with their body mesh (engine/human/body_mesh.ts); this is a lone
 * left hand the size of the mitten the actions were tuned with.
 */
import type { MeshData } from "../../engine/scene/mesh.ts";
import type { Shape } from "../../engine/physics/world.ts";
import type { Scene, Vec3 } from "../../engine/scene/scene.ts";
import { add, axisAngle, DEG, qmul, scale } from "../../engine/human/math.ts";
import { primitiveSurface } from "../../engine/human/body_mesh.ts";
import { handPrimitives, type Primitive } from "../../engine/human/body_shape.ts";
import { fingerRotations, HAND_SHAPES, type HandShape, mixHand } from "../../engine/human/hands.ts";
import {
  AVERAGE,
  type Finger,
  type FingerJoint,
  FINGERS,
  forwardKinematics,
  JOINT_INDEX,
  restLocal,
  restOffsets,
  type WorldPose,
} from "../../engine/human/skeleton.ts";

/**
 * The hand's measurements: palm thickness (local x, the palm faces +x), length (y, fingers
 * up) and width (z, thumb on +z), and how far the fingers reach beyond the palm. The origin
 * is the palm's centre.
 */
export const HAND = { palm: [0.024, 0.075, 0.085] as Vec3, fingers: 0.05 };

export interface HandPose {
  shape: HandShape;
  /** The thumb swung in towards the index finger about the palm's normal, degrees. */
  thumbIn: number;
}

/** The pose each mode holds. */
export const HAND_POSES = {
  /**
   * Pushing: a flat hand, fingers together and barely bent, the thumb turned out of
   * opposition and swung in beside the index finger, so the hand stays within the palm's slab.
   */
  push: {
    shape: {
      ...mixHand(HAND_SHAPES.open, HAND_SHAPES.relaxed, 0.25),
      spread: 0.15,
      opposition: -30,
    },
    thumbIn: 25,
  },
  /**
   * Carrying: the fingers curled as in a grip; the thumb out of opposition and swung away
   * from the fingers, so it hangs down the side of what the hand holds from above instead of
   * curling under the palm into it.
   */
  grasp: { shape: { ...HAND_SHAPES.grip, opposition: 10 }, thumbIn: -15 },
} satisfies Record<string, HandPose>;
export type HandMode = keyof typeof HAND_POSES;

/** Scene mesh key of a mode's hand. */
export const handMeshKey = (mode: HandMode): string => `hand_${mode}`;

/** The skeleton's hand of a person this tall has HAND's palm length (wrist to knuckle). */
const SIZE = HAND.palm[1] / 0.054;
/** Shortens the long fingers' bones to HAND's finger length (tip radius included). */
const FINGER_SCALE = 0.6;
/** The thumb keeps more of its length: it reaches the index finger's middle joint. */
const THUMB_SCALE = 0.8;
/** HAND's palm is broader than the skeleton's: knuckles spread across it, long fingers thicker. */
const KNUCKLE_SPREAD = 1.35;
const FINGER_THICKNESS = 1.3;
const THUMB_THICKNESS = 1.15;
/**
 * The palm: a slab across the knuckles (its half length) and an ellipsoid heel (half sizes;
 * x: how much thinner than the slab, so their union bulges little out of the slab's faces).
 */
const KNUCKLE_HALF = 0.024;
const HEEL: Vec3 = [0.002, 0.033, 0.036];
const HEEL_BLEND = 0.006;
/** Blend radius of the long fingers' first bones with the palm, metres. */
const WEBBING = 0.008;
/** Grid cell and simplification error of the body's hands, as shares of the height. */
const CELL = 0.0022 * SIZE;
const ERROR = 0.0003 * SIZE;

const joint = (finger: Finger, k: 1 | 2 | 3 | "tip") =>
  JOINT_INDEX[`left_${finger}_${k}` as FingerJoint];

/** The left hand's joints in `pose`, hanging in the skeleton's rest frame. */
function posedHand({ shape, thumbIn }: HandPose): WorldPose {
  const offsets = restOffsets({ ...AVERAGE, height: SIZE });
  for (const finger of FINGERS) {
    for (const bone of [2, 3, "tip"] as const) {
      const i = joint(finger, bone);
      const k = finger === "thumb" ? THUMB_SCALE : FINGER_SCALE;
      offsets[i] = offsets[i].map((x) => x * k) as Vec3;
    }
  }
  for (const finger of FINGERS) offsets[joint(finger, 1)][2] *= KNUCKLE_SPREAD;
  // The thumb's root in the palm's mid-plane (not on its front), so a flat hand lies flat.
  offsets[joint("thumb", 1)][0] = 0;
  const local = restLocal();
  fingerRotations("left", shape, offsets, local);
  // About +x (the left palm's normal, outward from the back) swings the thumb towards the fingers.
  const base = joint("thumb", 1);
  local[base] = qmul(axisAngle([1, 0, 0], thumbIn * DEG), local[base]);
  return forwardKinematics(offsets, { root: [0, 0, 0], rootRotation: [0, 0, 0, 1], local });
}

/**
 * The body's primitives of that hand fitted to HAND, and the palm's centre. The palm slab
 * keeps HAND.palm's width at the knuckles and narrows to a rounded heel; the long fingers are
 * thicker and melt into it. The wrist stub only joins a hand to its forearm: a lone hand ends
 * at its heel.
 */
function primitivesOf(pose: WorldPose): { primitives: Primitive[]; centre: Vec3 } {
  const all = handPrimitives(pose, "left", SIZE, 0).filter((p) => p.region === "hand");
  const [px, py, pz] = HAND.palm.map((x) => x / 2);
  const palm = all.find((p) => p.shape === "box")!;
  // Towards the fingers (−y of the wrist's frame: the hand hangs).
  const fingerward = (d: number) => add(palm.centre, scale(palm.axes[1], -d));
  const knuckles: Primitive = {
    ...palm,
    centre: fingerward(py - KNUCKLE_HALF),
    radii: [px, KNUCKLE_HALF, pz],
    round: px, // as round as the slab allows
  };
  const heel: Primitive = {
    ...palm,
    shape: "ellipsoid",
    centre: fingerward(HEEL[1] - py),
    radii: [px - HEEL[0], HEEL[1], HEEL[2]],
    blend: HEEL_BLEND,
  };
  const primitives = all.flatMap((p): Primitive[] => {
    if (p === palm) return [knuckles, heel];
    // The thumb's ball (its first bone) stays within the palm's slab.
    if (p.joint === "left_thumb_1") return [{ ...p, ra: Math.min(p.ra, px) }];
    const k = p.joint.startsWith("left_thumb") ? THUMB_THICKNESS : FINGER_THICKNESS;
    const thick = { ...p, ra: p.ra * k, rb: p.rb * k };
    return [p.joint.endsWith("_1") ? { ...thick, blend: WEBBING } : thick];
  });
  return { primitives, centre: palm.centre };
}

/**
 * From the rest frame (fingers −y, the left palm facing −x, thumb +z) to HAND's
 * (fingers +y, palm +x, origin at the palm's centre): half a turn about z.
 */
function toHandFrame(centre: Vec3): (p: Vec3) => Vec3 {
  return (p) => [-(p[0] - centre[0]), -(p[1] - centre[1]), p[2] - centre[2]];
}

interface BuiltHand {
  mesh: MeshData;
  /** Finger tips (FINGERS order) and knuckles in the hand frame, where the skeleton puts them. */
  tips: Vec3[];
  knuckles: Vec3[];
}

const built = new Map<HandMode, BuiltHand>();

function build(mode: HandMode): BuiltHand {
  const pose = posedHand(HAND_POSES[mode]);
  const { primitives, centre } = primitivesOf(pose);
  const frame = toHandFrame(centre);
  const surface = primitiveSurface(primitives, CELL, ERROR, () => 0);
  const n = surface.positions.length / 3;
  const positions = new Float32Array(n * 3);
  const normals = new Float32Array(n * 3);
  for (let v = 0; v < n; v++) {
    const p = surface.positions.subarray(v * 3, v * 3 + 3);
    positions.set(frame([p[0], p[1], p[2]]), v * 3);
    const q = surface.normals.subarray(v * 3, v * 3 + 3);
    normals.set([-q[0], -q[1], q[2]], v * 3);
  }
  const site = (i: number) => frame(pose.positions[i]);
  return {
    mesh: {
      positions,
      normals,
      // Skin has no texture: one UV for all.
      uvs: new Float32Array(n * 2),
      indices: surface.indices,
      convex: false,
    },
    tips: FINGERS.map((f) => site(joint(f, "tip"))),
    knuckles: FINGERS.map((f) => site(joint(f, 1))),
  };
}

/** The hand of `mode`, built on first use. */
export function builtHand(mode: HandMode): BuiltHand {
  let hand = built.get(mode);
  if (!hand) built.set(mode, hand = build(mode));
  return hand;
}

/**
 * The hand's collider in either mode: the box around the pushing hand. Flat faces push as
 * the mitten of boxes did; a hull of the rounded fingertips would meet an object at the
 * longest finger and steer it aside.
 */
export function handCollider(): Shape {
  const p = builtHand("push").mesh.positions;
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], p[i + k]);
      max[k] = Math.max(max[k], p[i + k]);
    }
  }
  return {
    kind: "box",
    halfExtents: [0, 1, 2].map((k) => (max[k] - min[k]) / 2) as Vec3,
    offset: [0, 1, 2].map((k) => (max[k] + min[k]) / 2) as Vec3,
  };
}

/** Registers the hand of `mode` with the scene (once) and returns its mesh key. */
export function useHandMesh(scene: Scene, mode: HandMode): string {
  const key = handMeshKey(mode);
  if (!scene.meshes.has(key)) scene.meshes.set(key, [{ mesh: builtHand(mode).mesh }]);
  return key;
}
