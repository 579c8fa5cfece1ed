/** Upper-body gestures and in-place exercises: wave, clap, kick, squat. */
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

/** Raise (0→1) over the first `rise` seconds and lower over the last, within `d`. */
const envelope = (t: number, d: number, rise: number) =>
  ease(0, rise, t) * (1 - ease(d - rise, d, t));

export const wave: Motion = {
  name: "wave",
  template: "[Someone] waving [hand]",
  label: (s, p) => `${s} waving ${p.side === "left" ? "the left" : "the right"} hand`,
  cyclic: false,
  duration: (p) => 3 / p.speed,
  sample(t, p) {
    const d = 3 / p.speed;
    const r = envelope(t, d, 0.55 / p.speed);
    const sway = Math.sin(2 * Math.PI * 2.2 * p.speed * t);
    const angles: JointAngles = {
      ...STAND,
      left_shoulder: [20 * r, (128 + 18 * p.amplitude * sway) * r, 0],
      left_elbow: [8 + 32 * r, 0, 0],
      left_wrist: [0, 10 * sway * r, 0],
      neck: [0, 0, 8 * r],
    };
    const f = still(angles);
    return p.side === "left" ? f : mirror(f);
  },
};

export const clap: Motion = {
  name: "clap",
  template: "[Someone] clapping hands",
  label: (s) => `${s} clapping hands`,
  cyclic: false,
  duration: (p) => 3.2 / p.speed,
  sample(t, p) {
    const d = 3.2 / p.speed;
    const r = envelope(t, d, 0.45 / p.speed);
    // Hands meet at the bottom of each beat: open = 0 together, 1 apart.
    const open = 0.5 - 0.5 * Math.cos(2 * Math.PI * 2.4 * p.speed * t);
    const apart = Math.min(1, open * p.amplitude);
    const arm = (): [number, number, number] => [42 * r, 0, (-19 + 24 * apart) * r];
    return still({
      ...STAND,
      left_shoulder: arm(),
      right_shoulder: arm(),
      left_elbow: [8 + 60 * r, 0, 0],
      right_elbow: [8 + 60 * r, 0, 0],
      left_wrist: [0, -15 * r, 0],
      right_wrist: [0, -15 * r, 0],
    });
  },
};

export const kick: Motion = {
  name: "kick",
  template: "[Someone] kicking with [leg]",
  label: (s, p) => `${s} kicking with ${p.side === "left" ? "the left" : "the right"} leg`,
  cyclic: false,
  duration: (p) => 1.4 / p.speed,
  sample(t, p) {
    const a = p.amplitude;
    const k = 1.4 / p.speed;
    const guard: JointAngles = {
      left_shoulder: [35, 12, 0],
      right_shoulder: [35, 12, 0],
      left_elbow: [95, 0, 0],
      right_elbow: [95, 0, 0],
    }; // deno-fmt-ignore
    const chamber = still({ ...guard, right_hip: [72 * a, 0, 0], right_knee: [105, 0, 0], left_knee: [12, 0, 0], spine: [-5, 0, 0] });
    const extend = still({
      ...guard,
      right_hip: [82 * a, 0, 0],
      right_knee: [8, 0, 0],
      right_ankle: [-30, 0, 0],
      left_knee: [10, 0, 0],
      spine: [-12, 0, 0],
    });
    const f = keyed(t, [
      [0, still(STAND)],
      [0.28 * k, still({ ...guard, left_knee: [10, 0, 0] })],
      [0.45 * k, chamber],
      [0.56 * k, extend],
      [0.7 * k, chamber],
      [1.0 * k, still(STAND)],
    ]); // deno-fmt-ignore
    return p.side === "right" ? f : mirror(f);
  },
};

/** One squat at depth d (0 standing, 1 deep). */
function squatPose(d: number, a: number): MotionFrame {
  return still({
    left_hip: [95 * a * d, 0, 0],
    right_hip: [95 * a * d, 0, 0],
    left_knee: [112 * a * d, 0, 0],
    right_knee: [112 * a * d, 0, 0],
    left_ankle: [17 * a * d, 0, 0],
    right_ankle: [17 * a * d, 0, 0], // feet stay flat
    spine: [22 * d, 0, 0],
    chest: [8 * d, 0, 0],
    neck: [-20 * d, 0, 0],
    left_shoulder: [85 * d, 4, 0],
    right_shoulder: [85 * d, 4, 0],
    left_elbow: [8 + 10 * d, 0, 0],
    right_elbow: [8 + 10 * d, 0, 0],
  }); // deno-fmt-ignore
}

export const squat: Motion = {
  name: "squat",
  template: "[Someone] doing squats",
  label: (s) => `${s} doing squats`,
  cyclic: false,
  duration: (p) => 2 * (2.2 / p.speed),
  sample(t, p) {
    const rep = 2.2 / p.speed;
    const d = t >= 2 * rep ? 0 : 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / rep);
    return squatPose(d, Math.min(1.15, p.amplitude));
  },
};
