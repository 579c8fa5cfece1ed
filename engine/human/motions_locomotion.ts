/** Walking, running, jumping and turning around. */
import { ease } from "./math.ts";
import { type JointAngles, keyed, type Motion, type MotionFrame, STAND, still } from "./motion.ts";

/** max(0, cos x)^n: a smooth bump centred on x = 0. */
const bump = (x: number, n = 2) => Math.max(0, Math.cos(x)) ** n;

/** One leg over a gait cycle; φ = π/2 is the leg furthest forward (heel strike). */
function gaitLeg(phi: number, a: number, run: boolean): [number, number, number][] {
  const hip: [number, number, number] = run
    ? [a * (14 + 34 * Math.sin(phi)), 3, 0]
    : [a * (7 + 19 * Math.sin(phi)), 2, 0];
  const knee: [number, number, number] = run
    ? [22 + a * 72 * bump(phi + 0.55), 0, 0]
    : [4 + (22 + 32 * a) * bump(phi + 0.3) + 10 * bump(phi - 2.1, 4), 0, 0];
  const ankle: [number, number, number] = [
    12 * bump(phi + 0.2) - (run ? 25 : 14) * bump(phi + 1.9, 4),
    0,
    0,
  ];
  return [hip, knee, ankle];
}

function gait(t: number, period: number, a: number, run: boolean): MotionFrame {
  const phi = (2 * Math.PI * t) / period;
  const angles: JointAngles = {};
  for (const [side, offset] of [["left", 0], ["right", Math.PI]] as const) {
    const [hip, knee, ankle] = gaitLeg(phi + offset, a, run);
    angles[`${side}_hip`] = hip;
    angles[`${side}_knee`] = knee;
    angles[`${side}_ankle`] = ankle;
    // Arms swing against the leg on their own side.
    const swing = -Math.sin(phi + offset);
    angles[`${side}_shoulder`] = run ? [a * 38 * swing, 10, 0] : [a * 17 * swing, 6, 0];
    angles[`${side}_elbow`] = run
      ? [85 + 12 * swing, 0, 0]
      : [14 + a * 12 * Math.max(0, swing), 0, 0];
  }
  angles.spine = [run ? 9 : 3, 0, 4 * a * Math.sin(phi)];
  angles.chest = [run ? 4 : 1, 0, -7 * a * Math.sin(phi)];
  angles.neck = [run ? -8 : -2, 0, 0];
  // Running has two flights per cycle, when both feet are behind or ahead of toe-off.
  const flight = run ? 0.045 * a * Math.max(0, (Math.abs(Math.sin(phi)) - 0.72) / 0.28) ** 2 : 0;
  return { angles, yaw: 0, pitch: 0, roll: 0, lift: flight };
}

export const walk: Motion = {
  name: "walk",
  template: "[Someone] walking forward",
  label: (s) => `${s} walking forward`,
  cyclic: true,
  duration: (p) => 1.08 / p.speed,
  sample: (t, p) => gait(t, 1.08 / p.speed, p.amplitude, false),
};

export const run: Motion = {
  name: "run",
  template: "[Someone] running forward",
  label: (s) => `${s} running forward`,
  cyclic: true,
  duration: (p) => 0.72 / p.speed,
  sample: (t, p) => gait(t, 0.72 / p.speed, p.amplitude, true),
};

const GRAVITY = 9.81;

/** Vertical jump: crouch, push off, fly ballistically, land and absorb, stand. */
export const jump: Motion = {
  name: "jump",
  template: "[Someone] jumping up",
  label: (s) => `${s} jumping up`,
  cyclic: false,
  duration: (p) => jumpTimes(p).end,
  sample(t, p) {
    const { crouch, push, land, end, flight, v } = jumpTimes(p);
    const a = p.amplitude;
    const low: MotionFrame = still({
      left_hip: [55 * a, 0, 0],
      right_hip: [55 * a, 0, 0],
      left_knee: [80 * a, 0, 0],
      right_knee: [80 * a, 0, 0],
      left_ankle: [25, 0, 0],
      right_ankle: [25, 0, 0],
      spine: [28 * a, 0, 0],
      left_shoulder: [-35, 8, 0],
      right_shoulder: [-35, 8, 0],
      left_elbow: [15, 0, 0],
      right_elbow: [15, 0, 0],
    }); // deno-fmt-ignore
    const air: MotionFrame = still({
      left_hip: [10, 4, 0], right_hip: [10, 4, 0], left_knee: [18, 0, 0], right_knee: [18, 0, 0],
      left_ankle: [-25, 0, 0], right_ankle: [-25, 0, 0], spine: [2, 0, 0],
      left_shoulder: [145 * a, 15, 0], right_shoulder: [145 * a, 15, 0],
      left_elbow: [15, 0, 0], right_elbow: [15, 0, 0],
    }); // deno-fmt-ignore
    const takeoff = push;
    const touchdown = push + flight;
    const pose = keyed(t, [
      [0, still(STAND)],
      [crouch, low],
      [takeoff, arms(air, 75, -30)],
      [takeoff + flight / 2, air],
      [touchdown, arms(air, 70, -20)],
      [land, arms(low, 25, 25)],
      [end, still(STAND)],
    ]);
    const u = t - takeoff;
    const lift = t > takeoff && t < touchdown ? Math.max(0, v * u - (GRAVITY * u * u) / 2) : 0;
    return { ...pose, lift };
  },
};

/**
 * A pose with both shoulders raised to `shoulder`, both ankles at `ankle`
 * degrees and the legs parallel: the feet touch the floor in this pose, so the
 * hips may not spread them (they would slide apart).
 */
function arms(f: MotionFrame, shoulder: number, ankle: number): MotionFrame {
  const a = f.angles;
  return still({
    ...a,
    left_hip: [a.left_hip![0], 0, 0],
    right_hip: [a.right_hip![0], 0, 0],
    left_shoulder: [shoulder, 15, 0],
    right_shoulder: [shoulder, 15, 0],
    left_ankle: [ankle, 0, 0],
    right_ankle: [ankle, 0, 0],
  }); // deno-fmt-ignore
}

function jumpTimes(p: { speed: number; amplitude: number; height: number }) {
  const rise = 0.14 * p.amplitude * (p.height / 1.75);
  const v = Math.sqrt(2 * GRAVITY * rise);
  const flight = (2 * v) / GRAVITY;
  const crouch = 0.5 / p.speed;
  const push = crouch + 0.28;
  const land = push + flight + 0.22 / p.speed;
  return { crouch, push, flight, v, land, end: land + 0.5 / p.speed };
}

/**
 * Turning 180° on the spot in two steps. The body turns only while one foot is
 * in the air, pivoting on the ball of the other (its heel raised), so no foot
 * twists or slides on the floor.
 */
export const turnAround: Motion = {
  name: "turn_around",
  template: "[Someone] turning around",
  label: (s) => `${s} turning around`,
  cyclic: false,
  duration: (p) => 1.5 / p.speed,
  sample(t, p) {
    const d = 1.5 / p.speed;
    const s = t / d;
    const dir = p.side === "left" ? 1 : -1;
    // The leg on the turning side steps first, then the other follows.
    const step = (from: number, to: number) =>
      Math.sin(Math.PI * Math.min(1, Math.max(0, (s - from) / (to - from))));
    const lead = step(0.08, 0.5);
    const follow = step(0.5, 0.92);
    const [first, second] = p.side === "left"
      ? ["left", "right"] as const
      : ["right", "left"] as const;
    const angles: JointAngles = {
      ...STAND,
      [`${first}_hip`]: [28 * lead, 0, 0],
      [`${first}_knee`]: [50 * lead, 0, 0],
      [`${first}_ankle`]: [-16 * follow, 0, 0],
      [`${second}_hip`]: [28 * follow, 0, 0],
      [`${second}_knee`]: [50 * follow, 0, 0],
      [`${second}_ankle`]: [-16 * lead, 0, 0],
      neck: [0, 0, dir * 25 * Math.sin(Math.PI * Math.min(1, s))],
      chest: [0, 0, dir * 10 * Math.sin(Math.PI * Math.min(1, s))],
    };
    // Half the turn during each step, while the stepping foot is well off the floor.
    const yaw = dir * (Math.PI / 2) * (ease(0.16, 0.42, s) + ease(0.58, 0.84, s));
    return { angles, yaw, pitch: 0, roll: 0, lift: 0 };
  },
};
