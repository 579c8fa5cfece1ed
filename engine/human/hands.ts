/**
 * Hand shapes: how far each finger joint curls, how far the fingers spread
 * and how far the thumb turns across the palm (opposition). Named shapes
 * (open, relaxed, fist, point, grip, pinch) are what motions and actions ask
 * for; `fingerRotations` turns a shape into local joint rotations.
 */
import type { Quat, Vec3 } from "../scene/scene.ts";
import { axisAngle, cross, DEG, normalize, qmul } from "./math.ts";
import { type FingerJoint, FINGERS, JOINT_INDEX, type Side } from "./skeleton.ts";

export interface HandShape {
  /** Curl in degrees of joints 1, 2, 3 of each finger, in FINGERS order (thumb first). */
  curl: [number, number, number][];
  /** Spread of the four long fingers, 0 (together) … 1 (splayed). */
  spread: number;
  /** Thumb turned across the palm, degrees. */
  opposition: number;
}

const curls = (thumb: [number, number, number], ...long: [number, number, number][]) => [
  thumb,
  ...long,
];

export const HAND_SHAPES = {
  open: {
    curl: curls([0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]),
    spread: 0.8,
    opposition: 0,
  },
  relaxed: {
    curl: curls([8, 10, 10], [14, 22, 10], [17, 26, 12], [20, 30, 14], [24, 34, 16]),
    spread: 0.3,
    opposition: 15,
  },
  fist: {
    curl: curls([20, 35, 40], [88, 100, 55], [90, 100, 55], [90, 100, 55], [88, 100, 55]),
    spread: 0,
    opposition: 55,
  },
  point: {
    curl: curls([20, 35, 40], [0, 0, 0], [90, 100, 55], [90, 100, 55], [88, 100, 55]),
    spread: 0,
    opposition: 50,
  },
  /** Wrapped round a cylinder about 4 cm across (a bottle, a handle, a box edge). */
  grip: {
    curl: curls([25, 20, 15], [45, 60, 30], [48, 62, 30], [50, 64, 32], [52, 66, 34]),
    spread: 0.15,
    opposition: 60,
  },
  /** Thumb and index tips meeting. */
  pinch: {
    curl: curls([18, 25, 25], [35, 50, 30], [25, 35, 18], [28, 40, 20], [30, 44, 22]),
    spread: 0.2,
    opposition: 50,
  },
} satisfies Record<string, HandShape>; // deno-fmt-ignore
export type HandShapeName = keyof typeof HAND_SHAPES;
export const HAND_SHAPE_NAMES = Object.keys(HAND_SHAPES) as HandShapeName[];

/** Both hands' shapes in a motion frame. */
export interface Hands {
  left: HandShape;
  right: HandShape;
}

export const RELAXED_HANDS: Hands = { left: HAND_SHAPES.relaxed, right: HAND_SHAPES.relaxed };

export function bothHands(name: HandShapeName): Hands {
  return { left: HAND_SHAPES[name], right: HAND_SHAPES[name] };
}

/** Linear mix of two hand shapes. */
export function mixHand(a: HandShape, b: HandShape, w: number): HandShape {
  const l = (x: number, y: number) => x + (y - x) * w;
  return {
    curl: a.curl.map((c, i) => c.map((x, k) => l(x, b.curl[i][k])) as [number, number, number]),
    spread: l(a.spread, b.spread),
    opposition: l(a.opposition, b.opposition),
  };
}

export function mixHands(a: Hands, b: Hands, w: number): Hands {
  return { left: mixHand(a.left, b.left, w), right: mixHand(a.right, b.right, w) };
}

/** Splay of each long finger at full spread, degrees (towards the thumb is positive). */
const SPLAY: Record<string, number> = { index: 9, middle: 0, ring: -7, pinky: -15 };

/**
 * Local rotations of one hand's finger joints for `shape`, written into `local` (indexed by
 * joint). `offsets` are the skeleton's rest offsets: the thumb bends about axes made from its
 * own rest direction.
 */
export function fingerRotations(
  side: Side,
  shape: HandShape,
  offsets: Vec3[],
  local: Quat[],
): void {
  const s = side === "left" ? 1 : -1;
  // Rest frame of the hand: fingers along −Y, palm facing −s·X.
  const palm: Vec3 = [-s, 0, 0];
  FINGERS.forEach((finger, i) => {
    const [c1, c2, c3] = shape.curl[i];
    const joint = (k: 1 | 2 | 3) => JOINT_INDEX[`${side}_${finger}_${k}` as FingerJoint];
    if (finger === "thumb") {
      // Opposition turns the thumb about the hand's long axis towards the palm; each joint then
      // flexes about the axis that moves its bone towards the palm.
      const bone = (k: 2 | 3 | "tip") => offsets[JOINT_INDEX[`${side}_thumb_${k}` as FingerJoint]];
      const flexAxis = (d: Vec3) => normalize(cross(normalize(d), palm));
      local[joint(1)] = qmul(
        axisAngle([0, 1, 0], -s * shape.opposition * DEG),
        axisAngle(flexAxis(bone(2)), c1 * DEG),
      );
      local[joint(2)] = axisAngle(flexAxis(bone(3)), c2 * DEG);
      local[joint(3)] = axisAngle(flexAxis(bone("tip")), c3 * DEG);
      return;
    }
    // A long finger curls about Z (across the palm) and splays about X (the palm's normal).
    const splay = SPLAY[finger] * shape.spread * DEG;
    local[joint(1)] = qmul(axisAngle([1, 0, 0], -splay), axisAngle([0, 0, 1], -s * c1 * DEG));
    local[joint(2)] = axisAngle([0, 0, 1], -s * c2 * DEG);
    local[joint(3)] = axisAngle([0, 0, 1], -s * c3 * DEG);
  });
}
