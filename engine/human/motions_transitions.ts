/** Whole-body transitions: sitting down on a stool, standing up from it, falling over. */
import { DEG, ease } from "./math.ts";
import { type JointAngles, type Motion, type MotionFrame, still } from "./motion.ts";

/** Seated on a stool: thighs level, shins upright, hands on the thighs. */
export function seatedPose(s: number): MotionFrame {
  const lean = 38 * Math.sin(Math.PI * s); // lean over the feet while the weight moves
  const angles: JointAngles = {
    left_hip: [88 * s, 0, 0],
    right_hip: [88 * s, 0, 0],
    left_knee: [88 * s, 0, 0],
    right_knee: [88 * s, 0, 0],
    left_ankle: [6 * Math.sin(Math.PI * s), 0, 0],
    right_ankle: [6 * Math.sin(Math.PI * s), 0, 0],
    spine: [lean + 4 * s, 0, 0],
    neck: [-0.6 * lean, 0, 0],
    left_shoulder: [30 * Math.sin(Math.PI * s) + 22 * s, 6, 0],
    right_shoulder: [30 * Math.sin(Math.PI * s) + 22 * s, 6, 0],
    left_elbow: [8 + 45 * s, 0, 0],
    right_elbow: [8 + 45 * s, 0, 0],
  }; // deno-fmt-ignore
  return still(angles);
}

export const sitDown: Motion = {
  name: "sit_down",
  template: "[Someone] sitting down on [something]",
  label: (s) => `${s} sitting down on a stool`,
  cyclic: false,
  duration: (p) => 1.9 / p.speed,
  sample: (t, p) => seatedPose(ease(0, 1.9 / p.speed, t)),
};

export const standUp: Motion = {
  name: "stand_up",
  template: "[Someone] standing up from [something]",
  label: (s) => `${s} standing up from a stool`,
  cyclic: false,
  duration: (p) => 1.9 / p.speed,
  sample: (t, p) => seatedPose(1 - ease(0, 1.9 / p.speed, t)),
};

/** Tilt (radians) of a body toppling like a rod about its feet, sampled every 1/240 s. */
function toppleAngles(length: number): number[] {
  const dt = 1 / 240;
  const out = [2 * DEG];
  let theta = 2 * DEG;
  let omega = 0.35; // the stumble that starts it
  while (theta < 88 * DEG) {
    // Uniform rod about one end: θ'' = (3g / 2L) sin θ
    omega += ((3 * 9.81) / (2 * length)) * Math.sin(theta) * dt;
    theta = Math.min(88 * DEG, theta + omega * dt);
    out.push(theta);
  }
  return out;
}

const toppleCache = new Map<number, number[]>();

/** Falling over (forward for side "right", backward for "left") and lying still. */
export const fallOver: Motion = {
  name: "fall_over",
  template: "[Someone] falling over",
  label: (s, p) => `${s} falling ${p.side === "left" ? "backward" : "forward"}`,
  cyclic: false,
  duration: (p) => 0.35 / p.speed + toppleAngles(p.height).length / 240 + 0.3,
  sample(t, p) {
    const buckle = 0.35 / p.speed; // knees give way first
    let table = toppleCache.get(p.height);
    if (!table) toppleCache.set(p.height, table = toppleAngles(p.height));
    const i = Math.max(0, Math.min(table.length - 1, Math.round((t - buckle) * 240)));
    const theta = t < buckle ? 0 : table[i];
    const s = theta / (88 * DEG);
    const k = ease(0, buckle, t);
    const forward = p.side !== "left";
    const a = p.amplitude;
    // Arms reach out to break the fall; the head tucks away from the floor. The legs stay
    // parallel: spreading them with the feet on the floor would slide a foot.
    const angles: JointAngles = forward
      ? {
        left_hip: [15 * k + 10 * s, 0, 0],
        right_hip: [15 * k + 10 * s, 0, 0],
        left_knee: [25 * k - 15 * s, 0, 0],
        right_knee: [25 * k - 15 * s, 0, 0],
        spine: [10 * k, 0, 0],
        neck: [-35 * s, 0, 0],
        left_shoulder: [8 + 110 * a * s, 25 * s, 0],
        right_shoulder: [8 + 110 * a * s, 25 * s, 0],
        left_elbow: [10 + 20 * s, 0, 0],
        right_elbow: [10 + 20 * s, 0, 0],
      }
      : {
        left_hip: [30 * k, 0, 0],
        right_hip: [30 * k, 0, 0],
        left_knee: [35 * k - 20 * s, 0, 0],
        right_knee: [35 * k - 20 * s, 0, 0],
        spine: [15 * k, 0, 0],
        neck: [30 * s, 0, 0],
        left_shoulder: [-30 * s, 40 * a * s, 0],
        right_shoulder: [-30 * s, 40 * a * s, 0],
        left_elbow: [10, 0, 0],
        right_elbow: [10, 0, 0],
      }; // deno-fmt-ignore
    return { angles, yaw: 0, pitch: forward ? theta : -theta, roll: 0, lift: 0 };
  },
};
