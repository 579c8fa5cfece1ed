/** Breaking moves: uprock (standing footwork), spin (pirouette on one foot), freeze (held pose). */
import { ease } from "./math.ts";
import {
  type JointAngles,
  keyed,
  mirror,
  type Motion,
  type MotionFrame,
  STAND,
  still,
} from "./motion.ts";

/** Uprock: jab a leg forward on the beat with crossed arms, bounce back, switch sides. */
export const uprock: Motion = {
  name: "uprock",
  template: "[Someone] dancing an uprock",
  label: (s) => `${s} dancing an uprock`,
  cyclic: true,
  duration: (p) => 2 / p.speed,
  sample(t, p) {
    const beat = 0.5 / p.speed;
    const a = p.amplitude;
    const jab = still({
      left_hip: [38 * a, 6, 10],
      left_knee: [30, 0, 0],
      left_ankle: [-10, 0, 0],
      right_knee: [18, 0, 0],
      right_hip: [12, 0, 0],
      left_shoulder: [78, 0, -38],
      right_shoulder: [78, 0, -38],
      left_elbow: [105, 0, 0],
      right_elbow: [105, 0, 0],
      spine: [-6, 0, -12 * a],
      chest: [0, 0, -8 * a],
      neck: [0, 0, 10],
    }); // deno-fmt-ignore
    const bounce = still({
      left_hip: [22, 6, 0], right_hip: [22, 6, 0], left_knee: [32, 0, 0], right_knee: [32, 0, 0],
      left_ankle: [10, 0, 0], right_ankle: [10, 0, 0],
      left_shoulder: [20, 40 * a, 0], right_shoulder: [20, 40 * a, 0],
      left_elbow: [95, 0, 0], right_elbow: [95, 0, 0], spine: [14, 0, 0],
    }); // deno-fmt-ignore
    const u = t % (4 * beat);
    return keyed(u, [
      [0, bounce],
      [beat, jab],
      [2 * beat, bounce],
      [3 * beat, mirror(jab)],
      [4 * beat, bounce],
    ]);
  },
};

/** Spin: plié, pivot on one foot with the other drawn up (passé), arms tucked, land. */
export const spin: Motion = {
  name: "spin",
  template: "[Someone] spinning on one foot",
  label: (s) => `${s} spinning on one foot`,
  cyclic: false,
  duration: (p) => (0.5 + 1.1 * turns(p)) / p.speed,
  sample(t, p) {
    const d = (0.5 + 1.1 * turns(p)) / p.speed;
    const prep = 0.25 / p.speed;
    const tuck = still({
      right_hip: [50, 35, 30],
      right_knee: [100, 0, 0],
      right_ankle: [-20, 0, 0],
      left_knee: [4, 0, 0],
      left_ankle: [-8, 0, 0],
      left_shoulder: [75, 0, -30],
      right_shoulder: [75, 0, -30],
      left_elbow: [110, 0, 0],
      right_elbow: [110, 0, 0],
      spine: [2, 0, 0],
    }); // deno-fmt-ignore
    const plie = still({
      ...STAND,
      left_hip: [18, 0, 0], right_hip: [18, 0, 0], left_knee: [30, 0, 0], right_knee: [30, 0, 0],
      left_ankle: [14, 0, 0], right_ankle: [14, 0, 0],
      left_shoulder: [40, 35, 0], right_shoulder: [40, 35, 0], left_elbow: [40, 0, 0], right_elbow: [40, 0, 0],
    }); // deno-fmt-ignore
    const f = keyed(t, [
      [0, still(STAND)],
      [prep, plie],
      [2 * prep, tuck],
      [d - 2 * prep, tuck],
      [d - prep, plie],
      [d, still(STAND)],
    ]);
    const yaw = 2 * Math.PI * turns(p) * ease(1.5 * prep, d - 1.5 * prep, t);
    const out: MotionFrame = { ...f, yaw };
    return p.side === "left" ? out : mirror(out);
  },
};

/** One turn, or two for a big amplitude. */
const turns = (p: { amplitude: number }) => (p.amplitude > 1.1 ? 2 : 1);

/** Freeze: drop into a crouch, put one hand down, tip onto it with the legs tucked, and hold. */
export const freeze: Motion = {
  name: "freeze",
  template: "[Someone] holding a breakdance freeze",
  label: (s) => `${s} holding a breakdance freeze`,
  cyclic: false,
  duration: (p) => 1.4 / p.speed + 1.2,
  sample(t, p) {
    const k = 1.4 / p.speed;
    const crouch = still({
      left_hip: [100, 0, 0],
      right_hip: [100, 0, 0],
      left_knee: [125, 0, 0],
      right_knee: [125, 0, 0],
      left_ankle: [25, 0, 0],
      right_ankle: [25, 0, 0],
      spine: [30, 0, 0],
      right_shoulder: [60, 20, 0],
      left_shoulder: [40, 10, 0],
      right_elbow: [10, 0, 0],
      left_elbow: [30, 0, 0],
    }); // deno-fmt-ignore
    const held: JointAngles = {
      left_hip: [110, 20, 0], right_hip: [85, 30, 0], left_knee: [120, 0, 0], right_knee: [95, 0, 0],
      left_ankle: [-20, 0, 0], right_ankle: [-20, 0, 0], spine: [20, -15, 0], neck: [-10, 20, 0],
      right_shoulder: [20, 55, 0], right_elbow: [15, 0, 0],
      left_shoulder: [40, 140 * Math.min(1.2, p.amplitude), 0], left_elbow: [20, 0, 0],
    }; // deno-fmt-ignore
    const f = keyed(t, [
      [0, still(STAND)],
      [0.5 * k, crouch],
      [k, { ...still(held), roll: 62 * Math.PI / 180 }],
    ]);
    return p.side === "left" ? mirror(f) : f;
  },
};
