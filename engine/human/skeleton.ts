/**
 * The human skeleton: joints, rest offsets from body proportions, joint
 * limits and forward kinematics.
 *
 * Rest pose: standing upright, arms hanging at the sides, facing +Z, with the
 * person's left on +X. Joint rotations are written anatomically as
 * [flex, abduct, twist] in degrees (see `jointRotation`), so motions read like
 * a physiotherapist's notes: positive flex bends a hip or shoulder forward, a
 * knee or elbow into its bend, the spine forward; positive abduct moves a limb
 * away from the body's midline (or bends the spine to the person's left);
 * positive twist turns a limb outward, and the spine, neck and head to the left.
 */
import type { Quat, Vec3 } from "../scene/scene.ts";
import { add, axisAngle, DEG, IDENTITY, qmul, rotate } from "./math.ts";

const BODY_JOINTS = [
  "pelvis",
  "spine",
  "chest",
  "neck",
  "head",
  "nose",
  "left_eye",
  "right_eye",
  "left_ear",
  "right_ear",
  "left_shoulder",
  "left_elbow",
  "left_wrist",
  "left_hand",
  "right_shoulder",
  "right_elbow",
  "right_wrist",
  "right_hand",
  "left_hip",
  "left_knee",
  "left_ankle",
  "left_heel",
  "left_toe",
  "right_hip",
  "right_knee",
  "right_ankle",
  "right_heel",
  "right_toe",
] as const; // deno-fmt-ignore

/** Fingers in the order of the 21 hand keypoints (OpenPose / MediaPipe). */
export const FINGERS = ["thumb", "index", "middle", "ring", "pinky"] as const;
export type Finger = typeof FINGERS[number];
export type Side = "left" | "right";
/**
 * Three articulated joints per finger and a site at its tip: 1 is the knuckle (the thumb's
 * carpometacarpal joint), 2 and 3 the joints towards the tip.
 */
export type FingerJoint = `${Side}_${Finger}_${1 | 2 | 3 | "tip"}`;
export type JointName = typeof BODY_JOINTS[number] | FingerJoint;

const fingerJoints = (side: Side): FingerJoint[] =>
  FINGERS.flatMap((f) => ([1, 2, 3, "tip"] as const).map((k): FingerJoint => `${side}_${f}_${k}`));

/** Body joints first (their indices never change), then the left and the right hand's fingers. */
export const JOINTS: readonly JointName[] = [
  ...BODY_JOINTS,
  ...fingerJoints("left"),
  ...fingerJoints("right"),
];
export const JOINT_INDEX: Record<JointName, number> = Object.fromEntries(
  JOINTS.map((name, i) => [name, i]),
) as Record<JointName, number>;

const BODY_PARENT: Record<typeof BODY_JOINTS[number], JointName | null> = {
  pelvis: null,
  spine: "pelvis",
  chest: "spine",
  neck: "chest",
  head: "neck",
  nose: "head",
  left_eye: "head",
  right_eye: "head",
  left_ear: "head",
  right_ear: "head",
  left_shoulder: "chest",
  left_elbow: "left_shoulder",
  left_wrist: "left_elbow",
  left_hand: "left_wrist",
  right_shoulder: "chest",
  right_elbow: "right_shoulder",
  right_wrist: "right_elbow",
  right_hand: "right_wrist",
  left_hip: "pelvis",
  left_knee: "left_hip",
  left_ankle: "left_knee",
  left_heel: "left_ankle",
  left_toe: "left_ankle",
  right_hip: "pelvis",
  right_knee: "right_hip",
  right_ankle: "right_knee",
  right_heel: "right_ankle",
  right_toe: "right_ankle",
}; // deno-fmt-ignore

export const PARENT: Record<JointName, JointName | null> = {
  ...BODY_PARENT,
  ...Object.fromEntries((["left", "right"] as const).flatMap((side) =>
    FINGERS.flatMap((f) => [
      [`${side}_${f}_1`, `${side}_wrist`],
      [`${side}_${f}_2`, `${side}_${f}_1`],
      [`${side}_${f}_3`, `${side}_${f}_2`],
      [`${side}_${f}_tip`, `${side}_${f}_3`],
    ])
  )),
} as Record<JointName, JointName | null>;

/** The 21 hand keypoints of one hand (wrist, then each finger from knuckle to tip). */
export function hand21(side: Side): JointName[] {
  return [
    `${side}_wrist`,
    ...FINGERS.flatMap((f) => [1, 2, 3, "tip"].map((k) => `${side}_${f}_${k}` as JointName)),
  ];
} // deno-fmt-ignore

/** COCO-17 keypoints in COCO's order, as joints of this skeleton. */
export const COCO17: readonly JointName[] = [
  "nose", "left_eye", "right_eye", "left_ear", "right_ear",
  "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
  "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
]; // deno-fmt-ignore

/** Bones as [parent, child] joint pairs (every joint but the root). */
export const BONES: readonly [JointName, JointName][] = JOINTS.filter((j) => PARENT[j]).map(
  (j) => [PARENT[j]!, j],
);

/** Joints a motion may rotate; the rest (face, hands, heels, toes) are rigid sites. */
export type ArticulatedJoint =
  | "spine"
  | "chest"
  | "neck"
  | "head"
  | "left_shoulder"
  | "left_elbow"
  | "left_wrist"
  | "right_shoulder"
  | "right_elbow"
  | "right_wrist"
  | "left_hip"
  | "left_knee"
  | "left_ankle"
  | "right_hip"
  | "right_knee"
  | "right_ankle"; // deno-fmt-ignore

/** [flex, abduct, twist] in degrees. */
export type Angles = [number, number, number];

/** Anatomical ranges in degrees, [min, max] for flex, abduct and twist. */
export const LIMITS: Record<ArticulatedJoint, [number, number][]> = {
  spine: [[-30, 60], [-30, 30], [-35, 35]],
  chest: [[-25, 45], [-25, 25], [-35, 35]],
  neck: [[-40, 50], [-35, 35], [-60, 60]],
  head: [[-30, 30], [-20, 20], [-30, 30]],
  left_shoulder: [[-60, 180], [-40, 180], [-90, 90]],
  right_shoulder: [[-60, 180], [-40, 180], [-90, 90]],
  left_elbow: [[0, 150], [0, 0], [-80, 80]],
  right_elbow: [[0, 150], [0, 0], [-80, 80]],
  left_wrist: [[-70, 70], [-25, 25], [0, 0]],
  right_wrist: [[-70, 70], [-25, 25], [0, 0]],
  left_hip: [[-30, 130], [-30, 60], [-40, 40]],
  right_hip: [[-30, 130], [-30, 60], [-40, 40]],
  left_knee: [[0, 150], [0, 0], [-10, 10]],
  right_knee: [[0, 150], [0, 0], [-10, 10]],
  left_ankle: [[-50, 30], [-20, 20], [-15, 15]],
  right_ankle: [[-50, 30], [-20, 20], [-15, 15]],
};
export const ARTICULATED = Object.keys(LIMITS) as ArticulatedJoint[];

/** Sign of the X rotation that makes a positive anatomical flex (limbs hang along −Y). */
const FLEX_SIGN: Record<string, number> = {
  shoulder: -1,
  elbow: -1,
  wrist: -1,
  hip: -1,
  knee: 1,
  ankle: -1,
  spine: 1,
  chest: 1,
  neck: 1,
  head: 1,
}; // deno-fmt-ignore

/** Local rotation of `joint` for anatomical angles in degrees: twist · flex · abduct. */
export function jointRotation(joint: ArticulatedJoint, [flex, abduct, twist]: Angles): Quat {
  const kind = joint.replace(/^(left|right)_/, "");
  // Abduction of a left limb rotates it toward +X; the spine's "abduct" bends to the left.
  const side = joint.startsWith("right") ? -1 : 1;
  const zSign = kind === "spine" || kind === "chest" || kind === "neck" || kind === "head" ? -1 : 1;
  // Twist is mirrored like abduction: positive turns a limb outward, the spine to the left.
  const twistSign = zSign === -1 ? 1 : side;
  return qmul(
    qmul(axisAngle([0, 1, 0], twistSign * twist * DEG), axisAngle([1, 0, 0], FLEX_SIGN[kind] * flex * DEG)),
    axisAngle([0, 0, 1], side * zSign * abduct * DEG),
  );
}

/** Anatomical angles of a local rotation: the inverse of `jointRotation`. */
export function jointAngles(joint: ArticulatedJoint, q: Quat): Angles {
  const kind = joint.replace(/^(left|right)_/, "");
  const side = joint.startsWith("right") ? -1 : 1;
  const zSign = kind === "spine" || kind === "chest" || kind === "neck" || kind === "head" ? -1 : 1;
  const twistSign = zSign === -1 ? 1 : side;
  const [x, y, z, w] = q;
  // R = Ry(twist) · Rx(flex) · Rz(abduct): read the angles off its matrix entries.
  const r12 = 2 * (y * z - w * x);
  const r10 = 2 * (x * y + w * z);
  const r11 = 1 - 2 * (x * x + z * z);
  const r02 = 2 * (x * z + w * y);
  const r22 = 1 - 2 * (x * x + y * y);
  let rx = Math.asin(Math.max(-1, Math.min(1, -r12)));
  let rz = Math.atan2(r10, r11);
  let ry = Math.atan2(r02, r22);
  // Flexes beyond 90° (a deep knee bend) read as the other solution: (π − flex, abduct ± π,
  // twist ± π). Take the one with the smaller abduction and twist, as motions author them.
  const wrap = (a: number) => a - 2 * Math.PI * Math.round(a / (2 * Math.PI));
  const other = [wrap(Math.PI - rx), wrap(rz + Math.PI), wrap(ry + Math.PI)];
  if (Math.abs(other[1]) + Math.abs(other[2]) < Math.abs(rz) + Math.abs(ry)) {
    [rx, rz, ry] = other;
  }
  return [rx / DEG / FLEX_SIGN[kind], rz / DEG / (side * zSign), ry / DEG / twistSign];
}

export function clampAngles(joint: ArticulatedJoint, angles: Angles): Angles {
  const lim = LIMITS[joint];
  return angles.map((a, i) => Math.min(lim[i][1], Math.max(lim[i][0], a))) as Angles;
}

/** Body proportions of one person (metres). */
export interface Proportions {
  height: number;
  /** Multipliers around 1. */
  legs: number;
  arms: number;
  shoulders: number;
  hips: number;
  /** Girth multiplier for the body parts' radii (slim < 1 < heavy). */
  build: number;
  /** Head size relative to an adult's share of the height (a child's head is larger: ~1.25). */
  head: number;
}

export const AVERAGE: Proportions = {
  height: 1.75,
  legs: 1,
  arms: 1,
  shoulders: 1,
  hips: 1,
  build: 1,
  head: 1,
};

/** Rest offsets of every joint from its parent, in the parent's frame. */
export function restOffsets(p: Proportions): Vec3[] {
  const h = p.height;
  const leg = p.legs;
  // Leg lengths scale the whole standing height budget below the pelvis; the torso takes the rest.
  const ankle = 0.045 * h;
  const thigh = 0.245 * h * leg;
  const shin = 0.24 * h * leg;
  const hipDrop = 0.02 * h;
  const torsoScale = (h - (ankle + thigh + shin + hipDrop)) / (h * (1 - 0.55));
  const t = (x: number) => x * h * torsoScale;
  const foot = 0.045 * h;
  const footRadius = 0.022 * h;
  const arm = p.arms;
  // The head's own size: a child's head takes a larger share of the height.
  const hd = h * p.head;
  const o: Record<typeof BODY_JOINTS[number], Vec3> = {
    pelvis: [0, 0, 0],
    spine: [0, t(0.08), 0],
    chest: [0, t(0.1), 0],
    neck: [0, t(0.11), -0.01 * h],
    head: [0, t(0.05), 0.005 * h],
    nose: [0, 0.04 * hd, 0.065 * hd],
    left_eye: [0.018 * hd, 0.055 * hd, 0.052 * hd],
    right_eye: [-0.018 * hd, 0.055 * hd, 0.052 * hd],
    left_ear: [0.047 * hd, 0.045 * hd, 0.0],
    right_ear: [-0.047 * hd, 0.045 * hd, 0.0],
    left_shoulder: [0.1 * h * p.shoulders, t(0.085), -0.01 * h],
    left_elbow: [0, -0.17 * h * arm, 0],
    left_wrist: [0, -0.15 * h * arm, 0],
    left_hand: [0, -0.055 * h * arm, 0],
    right_shoulder: [-0.1 * h * p.shoulders, t(0.085), -0.01 * h],
    right_elbow: [0, -0.17 * h * arm, 0],
    right_wrist: [0, -0.15 * h * arm, 0],
    right_hand: [0, -0.055 * h * arm, 0],
    left_hip: [0.055 * h * p.hips, -hipDrop, 0],
    left_knee: [0, -thigh, 0],
    left_ankle: [0, -shin, 0],
    left_heel: [0, -foot + footRadius, -0.035 * h],
    left_toe: [0, -foot + footRadius, 0.1 * h],
    right_hip: [-0.055 * h * p.hips, -hipDrop, 0],
    right_knee: [0, -thigh, 0],
    right_ankle: [0, -shin, 0],
    right_heel: [0, -foot + footRadius, -0.035 * h],
    right_toe: [0, -foot + footRadius, 0.1 * h],
  };
  const fingers = { ...fingerOffsets("left", h * arm), ...fingerOffsets("right", h * arm) };
  return JOINTS.map((j) => (o as Record<string, Vec3>)[j] ?? fingers[j as FingerJoint]);
}

/**
 * Rest offsets of one hand's finger joints, for a hand of length 0.108 × `size` (an adult's
 * hand is 0.108 of the height). The hand hangs with the fingers along −Y, the palm facing
 * the body (−X for the left hand) and the thumb in front (+Z).
 */
function fingerOffsets(side: Side, size: number): Record<FingerJoint, Vec3> {
  const s = side === "left" ? 1 : -1;
  const out = {} as Record<FingerJoint, Vec3>;
  // Knuckle (MCP) positions from the wrist and phalanx lengths, as shares of `size`.
  const long: Record<Exclude<Finger, "thumb">, { at: Vec3; bones: [number, number, number] }> = {
    index: { at: [0, -0.052, 0.016], bones: [0.024, 0.015, 0.012] },
    middle: { at: [0, -0.054, 0.005], bones: [0.027, 0.017, 0.012] },
    ring: { at: [0, -0.051, -0.005], bones: [0.025, 0.016, 0.012] },
    pinky: { at: [0, -0.046, -0.014], bones: [0.019, 0.012, 0.011] },
  };
  for (
    const [f, { at, bones }] of Object.entries(long) as [
      Exclude<Finger, "thumb">,
      typeof long.index,
    ][]
  ) {
    out[`${side}_${f}_1`] = [at[0] * size, at[1] * size, at[2] * size];
    out[`${side}_${f}_2`] = [0, -bones[0] * size, 0];
    out[`${side}_${f}_3`] = [0, -bones[1] * size, 0];
    out[`${side}_${f}_tip`] = [0, -bones[2] * size, 0];
  }
  // The thumb leaves the wrist's front edge pointing down, forward and a little palmward.
  const along = (d: Vec3, l: number): Vec3 => {
    const n = Math.hypot(...d);
    return [(d[0] / n) * l * size, (d[1] / n) * l * size, (d[2] / n) * l * size];
  };
  out[`${side}_thumb_1`] = [-s * 0.006 * size, -0.014 * size, 0.014 * size];
  out[`${side}_thumb_2`] = along([-s * 0.3, -0.72, 0.62], 0.027);
  out[`${side}_thumb_3`] = along([-s * 0.22, -0.82, 0.5], 0.019);
  out[`${side}_thumb_tip`] = along([-s * 0.22, -0.82, 0.5], 0.015);
  return out;
} // deno-fmt-ignore

/** Radius of the foot's sole capsule; heel and toe sites sit this far above the sole. */
export const footRadius = (p: Proportions): number => 0.022 * p.height;

/** A posed skeleton in the world. */
export interface WorldPose {
  positions: Vec3[];
  rotations: Quat[];
}

/** Local pose: root placement plus a local rotation per joint (identity for rigid sites). */
export interface LocalPose {
  root: Vec3;
  rootRotation: Quat;
  local: Quat[];
}

export function restLocal(): Quat[] {
  return JOINTS.map(() => [...IDENTITY] as Quat);
}

/** Forward kinematics: world position and rotation of every joint (parents come first). */
export function forwardKinematics(offsets: Vec3[], pose: LocalPose): WorldPose {
  const positions: Vec3[] = [];
  const rotations: Quat[] = [];
  JOINTS.forEach((joint, i) => {
    const parent = PARENT[joint];
    if (parent === null) {
      positions.push(pose.root);
      rotations.push(qmul(pose.rootRotation, pose.local[i]));
      return;
    }
    const p = JOINT_INDEX[parent];
    positions.push(add(positions[p], rotate(rotations[p], offsets[i])));
    rotations.push(qmul(rotations[p], pose.local[i]));
  });
  return { positions, rotations };
}
