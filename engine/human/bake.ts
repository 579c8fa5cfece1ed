/**
 * Turns a motion (joint angles over time) into world poses for every frame:
 *  - the body is lowered until its lowest part touches the floor (y = 0), then
 *    lifted by the motion's `lift` while airborne;
 *  - the root moves so that the stance foot's contact point stays where it was
 *    on the previous frame (no foot sliding); without contact it keeps its
 *    velocity while airborne and stays put while lying or sitting on the floor;
 *  - any other foot that stays on the floor is held where it is by leg IK
 *    (foot locking), and let go smoothly once it lifts.
 */
import type { Quat, Vec3 } from "../scene/scene.ts";
import { type BodyPart, partBottom } from "./body.ts";
import { add, axisAngle, length, qmul, rotate, scale, sub, yawPitchRoll } from "./math.ts";
import { shiftFoot } from "./leg_ik.ts";
import { fingerRotations, RELAXED_HANDS } from "./hands.ts";
import type { MotionFrame } from "./motion.ts";
import {
  ARTICULATED,
  clampAngles,
  forwardKinematics,
  JOINT_INDEX,
  jointRotation,
  type LocalPose,
  restLocal,
  type WorldPose,
} from "./skeleton.ts";

/**
 * A foot touches the floor when its sole is within this height: 0.31 foot radii, 1.2 cm
 * on a 1.75 m adult. Motions are joint angles, so a shorter leg swings its foot lower.
 */
export function contactHeight(footRadius: number): number {
  return 0.31 * footRadius;
}
/**
 * A foot further than this from where it should be held is not locked (it is swinging
 * through): 3.9 foot radii, 15 cm on a 1.75 m adult.
 */
function maxLock(footRadius: number): number {
  return 3.9 * footRadius;
}
/** Time constant (seconds) over which a released foot returns to its authored place. */
const RELEASE = 0.05;

export interface BakedFrame {
  local: LocalPose;
  world: WorldPose;
  /** Feet touching the floor. */
  contact: { left: boolean; right: boolean };
}

export interface BakeOptions {
  offsets: Vec3[];
  parts: BodyPart[];
  footRadius: number;
  fps: number;
  /** Start position on the floor (x, z) and heading (radians, 0 = facing +Z). */
  start: [number, number];
  heading: number;
}

/** Local pose (root at the origin) for a motion frame, with joint limits enforced. */
export function localPose(f: MotionFrame, heading: number, offsets: Vec3[]): LocalPose {
  const local = restLocal();
  for (const joint of ARTICULATED) {
    const a = f.angles[joint];
    if (a) local[JOINT_INDEX[joint]] = jointRotation(joint, clampAngles(joint, a));
  }
  const hands = f.hands ?? RELAXED_HANDS;
  fingerRotations("left", hands.left, offsets, local);
  fingerRotations("right", hands.right, offsets, local);
  const rootRotation: Quat = qmul(
    axisAngle([0, 1, 0], heading),
    yawPitchRoll(f.yaw, f.pitch, f.roll),
  );
  return { root: [0, 0, 0], rootRotation, local };
}

const FEET = ["left", "right"] as const;
type Side = typeof FEET[number];
/** Two ways of carrying the body that slide a foot within this of each other (m per frame) tie. */
const SLIDE_TIE = 0.0002;

export function bake(frames: readonly MotionFrame[], o: BakeOptions): BakedFrame[] {
  const out: BakedFrame[] = [];
  let root: Vec3 = [o.start[0], 0, o.start[1]];
  // While airborne the root keeps the mean velocity of the last half second on the floor,
  // so the extension of a standing jump does not throw the body forward.
  const window = Math.max(1, Math.round(o.fps / 2));
  const roots: Vec3[] = [];
  let velocity: Vec3 = [0, 0, 0];
  // Horizontal shift of each foot from its authored place (foot locking).
  let shifts: Record<Side, Vec3> = { left: [0, 0, 0], right: [0, 0, 0] };
  const keep = Math.exp(-1 / (o.fps * RELEASE));
  const touching = contactHeight(o.footRadius);
  for (let f = 0; f < frames.length; f++) {
    const motion = frames[f];
    const local = localPose(motion, o.heading, o.offsets);
    const atOrigin = forwardKinematics(o.offsets, local);
    const lowest = Math.min(...o.parts.map((p) => partBottom(p, atOrigin)));
    const y = -lowest + motion.lift;
    // Contact points of each foot in the origin-rooted pose, lifted onto the floor.
    const soles = FEET.map((side) =>
      [`${side}_heel`, `${side}_toe`].map((j) => {
        const p = atOrigin.positions[JOINT_INDEX[j as "left_heel"]];
        return [p[0], p[1] + y - o.footRadius, p[2]] as Vec3;
      })
    );
    const contact = { left: false, right: false };
    FEET.forEach((side, k) => {
      contact[side] = Math.min(soles[k][0][1], soles[k][1][1]) < touching;
    });
    const prev = out[f - 1];

    /** The frame with the body carried by `planted` (held still), the other foot locked. */
    const place = (planted: Side | undefined) => {
      let at = root;
      if (planted) {
        const k = FEET.indexOf(planted);
        const joint = holdPoint(soles, k, planted, prev, o.footRadius);
        const before = prev.world.positions[joint];
        const now = add(atOrigin.positions[joint], shifts[planted]);
        at = [before[0] - now[0], 0, before[2] - now[2]];
      } else if (prev && (motion.lift > 0 || frames[f - 1].lift > 0)) {
        at = add(root, velocity);
      }
      const rootWorld: Vec3 = [at[0], y, at[2]];
      const rotations = [...local.local];
      const world = forwardKinematics(o.offsets, { ...local, root: rootWorld });
      const next: Record<Side, Vec3> = { left: [...shifts.left], right: [...shifts.right] };
      const held: { joint: number; before: Vec3 }[] = [];
      FEET.forEach((side, k) => {
        if (side === planted) return;
        let locked = false;
        if (prev && contact[side] && prev.contact[side]) {
          // Hold the foot's touching point where it was on the previous frame.
          const joint = holdPoint(soles, k, side, prev, o.footRadius);
          const before = prev.world.positions[joint];
          const now = world.positions[joint];
          const shift: Vec3 = [before[0] - now[0], 0, before[2] - now[2]];
          if (length(shift) <= maxLock(o.footRadius)) {
            next[side] = shift;
            locked = true;
            held.push({ joint, before });
          }
        }
        if (!locked) next[side] = scale(next[side], keep);
      });
      for (const side of FEET) {
        if (length(next[side]) <= 1e-6) continue;
        const ankle = JOINT_INDEX[`${side}_ankle`];
        const [x, , z] = world.positions[ankle];
        shiftFoot(world, rotations, side, next[side]);
        // Keep the shift the leg reached: a foot asked to go out of reach falls short, and the
        // next frame must hold it (or the root on it) where it really is, or the body creeps.
        const [x1, , z1] = world.positions[ankle];
        next[side] = [x1 - x, 0, z1 - z];
      }
      // How far a locked foot still slid because its leg could not reach.
      const slide = Math.max(
        0,
        ...held.map(({ joint, before }) =>
          Math.hypot(world.positions[joint][0] - before[0], world.positions[joint][2] - before[2])
        ),
      );
      return { at, rootWorld, rotations, world, shifts: next, slide };
    };

    // A foot in contact now and on the previous frame can carry the body. With both down, the
    // lower one does, unless the other foot's leg then cannot reach where it is held and it
    // slides (a kick's support foot keeps the weight as the kicking foot lands a hair lower).
    const stances = prev
      ? FEET.map((side, k) => ({ side, h: Math.min(soles[k][0][1], soles[k][1][1]) }))
        .filter(({ side }) => contact[side] && prev.contact[side])
        .sort((a, b) => a.h - b.h)
      : [];
    let chosen = place(stances[0]?.side);
    if (stances.length === 2 && chosen.slide > SLIDE_TIE) {
      const other = place(stances[1].side);
      if (other.slide + SLIDE_TIE < chosen.slide) chosen = other;
    }
    root = chosen.at;
    shifts = chosen.shifts;
    if (prev && motion.lift === 0) {
      const from = roots[Math.max(0, roots.length - window)];
      velocity = scale(sub(root, from), 1 / Math.min(window, roots.length));
    }
    roots.push(root);
    out.push({
      local: { ...local, local: chosen.rotations, root: chosen.rootWorld },
      world: chosen.world,
      contact,
    });
  }
  return out;
}

/**
 * The sole point of foot k to hold still: of its heel and toe, one that was
 * already touching the floor on the previous frame (the lower if both were),
 * else the lower now. Holding the point that touched first keeps a foot that
 * rolls onto the floor from skidding on it.
 */
function holdPoint(
  soles: Vec3[][],
  k: number,
  side: "left" | "right",
  prev: BakedFrame,
  footRadius: number,
): number {
  const points = [JOINT_INDEX[`${side}_heel`], JOINT_INDEX[`${side}_toe`]];
  const touched = [0, 1].filter((i) =>
    prev.world.positions[points[i]][1] - footRadius < contactHeight(footRadius) &&
    soles[k][i][1] < contactHeight(footRadius)
  );
  const from = touched.length > 0 ? touched : [0, 1];
  return points[from.reduce((a, b) => (soles[k][b][1] < soles[k][a][1] ? b : a))];
}

/** World position of a site rigidly attached to `joint` (e.g. the stool under the pelvis). */
export function attached(pose: WorldPose, joint: number, offset: Vec3): Vec3 {
  return add(pose.positions[joint], rotate(pose.rotations[joint], offset));
}

/**
 * Baked frames from given local poses (motion capture): the root path is the
 * capture's, shifted once so the first frame's lowest point is on the floor.
 */
export function fromLocalPoses(
  poses: readonly LocalPose[],
  o: Omit<BakeOptions, "fps">,
): BakedFrame[] {
  const turn = axisAngle([0, 1, 0], o.heading);
  const place = (p: LocalPose, lift: number): LocalPose => {
    const r = rotate(turn, p.root);
    return {
      ...p,
      root: [r[0] + o.start[0], r[1] + lift, r[2] + o.start[1]],
      rootRotation: qmul(turn, p.rootRotation),
    };
  };
  const touching = contactHeight(o.footRadius);
  const first = forwardKinematics(o.offsets, place(poses[0], 0));
  const lift = -Math.min(...o.parts.map((p) => partBottom(p, first)));
  return poses.map((p) => {
    const local = place(p, lift);
    const world = forwardKinematics(o.offsets, local);
    const sole = (side: string) =>
      Math.min(
        world.positions[JOINT_INDEX[`${side}_heel` as "left_heel"]][1],
        world.positions[JOINT_INDEX[`${side}_toe` as "left_toe"]][1],
      ) - o.footRadius;
    return {
      local,
      world,
      contact: { left: sole("left") < touching, right: sole("right") < touching },
    };
  });
}
