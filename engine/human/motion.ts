/**
 * Motions as functions of time. A motion returns joint angles plus how the
 * whole body is turned, tilted and lifted; `bake` (bake.ts) then puts the body
 * on the ground and plants the stance foot, so motions never author the root
 * path themselves.
 */
import { type Angles, ARTICULATED, type ArticulatedJoint } from "./skeleton.ts";
import { ease, lerp } from "./math.ts";
import { type Hands, mixHands, RELAXED_HANDS } from "./hands.ts";

export type JointAngles = Partial<Record<ArticulatedJoint, Angles>>;

export interface MotionFrame {
  angles: JointAngles;
  /** Heading change since the motion began, radians (positive turns left). */
  yaw: number;
  /** Whole-body tilt, radians: pitch forward, roll to the person's right. */
  pitch: number;
  roll: number;
  /** Height above the grounded pose (metres): > 0 only while airborne. */
  lift: number;
  /** Finger shapes; relaxed hands when absent. */
  hands?: Hands;
}

export interface MotionParams {
  /** Tempo multiplier (1 = typical). */
  speed: number;
  /** Amplitude multiplier for the big angles (1 = typical). */
  amplitude: number;
  /** Leading side for one-sided motions (wave, kick, spin, turn). */
  side: "left" | "right";
  /** Body height, for motions that depend on it (jump height). */
  height: number;
}

export interface Motion {
  /** Motion name, also the action class ("walk", "fall_over"). */
  name: string;
  /** Something-something style template. */
  template: string;
  /** Fills the template: subject → label. */
  label(subject: string, p: MotionParams): string;
  /** True for motions that repeat until the clip ends (walk, run, …). */
  cyclic: boolean;
  /** Seconds the motion lasts with these parameters (one cycle when cyclic). */
  duration(p: MotionParams): number;
  /** Pose at `t` seconds since the motion began (t may exceed the duration: hold or repeat). */
  sample(t: number, p: MotionParams): MotionFrame;
}

export function still(angles: JointAngles = {}): MotionFrame {
  return { angles, yaw: 0, pitch: 0, roll: 0, lift: 0 };
}

/** Standing at ease: slightly soft elbows. */
export const STAND: JointAngles = { left_elbow: [8, 0, 0], right_elbow: [8, 0, 0] };

/** Linear mix of two motion frames (angles are anatomical, so mixing them is well behaved). */
export function mix(a: MotionFrame, b: MotionFrame, w: number): MotionFrame {
  const angles: JointAngles = {};
  for (const joint of ARTICULATED) {
    const x = a.angles[joint];
    const y = b.angles[joint];
    if (!x && !y) continue;
    const p = x ?? [0, 0, 0];
    const q = y ?? [0, 0, 0];
    angles[joint] = [lerp(p[0], q[0], w), lerp(p[1], q[1], w), lerp(p[2], q[2], w)];
  }
  return {
    angles,
    yaw: lerp(a.yaw, b.yaw, w),
    pitch: lerp(a.pitch, b.pitch, w),
    roll: lerp(a.roll, b.roll, w),
    lift: lerp(a.lift, b.lift, w),
    ...(a.hands || b.hands
      ? { hands: mixHands(a.hands ?? RELAXED_HANDS, b.hands ?? RELAXED_HANDS, w) }
      : {}),
  };
}

/**
 * Key poses at times (seconds); eased between neighbours, held outside.
 * Keys must be sorted by time.
 */
export function keyed(t: number, keys: readonly [number, MotionFrame][]): MotionFrame {
  if (t <= keys[0][0]) return keys[0][1];
  for (let i = 1; i < keys.length; i++) {
    if (t <= keys[i][0]) {
      return mix(keys[i - 1][1], keys[i][1], ease(keys[i - 1][0], keys[i][0], t));
    }
  }
  return keys[keys.length - 1][1];
}

/** Mirrors a pose left↔right (a left kick becomes a right kick). */
export function mirror(f: MotionFrame): MotionFrame {
  const angles: JointAngles = {};
  for (const [joint, a] of Object.entries(f.angles) as [ArticulatedJoint, Angles][]) {
    const other = joint.startsWith("left_")
      ? joint.replace("left_", "right_")
      : joint.startsWith("right_")
      ? joint.replace("right_", "left_")
      : joint;
    // Limb angles are already mirrored by definition; the spine's side bend and twist flip.
    const central = other === joint;
    angles[other as ArticulatedJoint] = central ? [a[0], -a[1], -a[2]] : [...a];
  }
  const hands = f.hands ? { left: f.hands.right, right: f.hands.left } : undefined;
  return { ...f, angles, yaw: -f.yaw, roll: -f.roll, ...(hands ? { hands } : {}) };
}

/** Samples `motion` after a lead-in of standing still, then holds or repeats it. */
export interface Scheduled {
  motion: Motion;
  params: MotionParams;
  /** Clip time (seconds) the motion starts at. */
  start: number;
}

/**
 * Plays motions one after another; each begins at its `start`, blending over
 * `blend` seconds from whatever the previous one was doing. The heading of a
 * finished motion carries into the next.
 */
export function sequence(
  parts: readonly Scheduled[],
  blend: number,
  lead: MotionFrame = still(STAND),
) {
  return (t: number): MotionFrame => {
    let current = lead;
    let yaw = 0;
    for (let i = 0; i < parts.length; i++) {
      const { motion, params, start } = parts[i];
      if (t < start) break;
      const f = motion.sample(t - start, params);
      const next = { ...f, yaw: f.yaw + yaw };
      const w = blend > 0 ? ease(start, start + blend, t) : 1;
      current = w >= 1 ? next : mix(current, next, w);
      // The heading reached at the moment the next motion starts carries into it.
      const nextStart = parts[i + 1]?.start;
      if (nextStart !== undefined && t >= nextStart) {
        yaw += motion.sample(nextStart - start, params).yaw;
      }
    }
    return current;
  };
}
