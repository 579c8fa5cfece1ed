/**
 * Simple props a person carries in both hands (a ball or a box): the arms
 * take a carrying pose and the prop, its own scene object, follows the hands.
 */
import { parseHexColor, srgbToLinear } from "../scene/color.ts";
import type { Rng } from "../scene/rng.ts";
import type { Scene, SceneObject, Vec3 } from "../scene/scene.ts";
import { SHIRTS } from "./appearance.ts";
import type { BakedFrame } from "./bake.ts";
import { lerp3, rotate } from "./math.ts";
import type { MotionFrame } from "./motion.ts";
import { JOINT_INDEX } from "./skeleton.ts";
import { HAND_SHAPES, mixHand } from "./hands.ts";

export type PropKind = "ball" | "box";

/** Motions whose arms are free to carry something. */
export const CARRY_MOTIONS = new Set(["walk", "turn_around", "squat", "sit_down", "stand_up"]);

/** The motion frames with the arms holding a prop in front of the belly. */
export function carryPose(poses: MotionFrame[]): MotionFrame[] {
  // Hands cupped round the prop: half way from open to a grip.
  const cupped = mixHand(HAND_SHAPES.open, HAND_SHAPES.grip, 0.45);
  return poses.map((f) => ({
    ...f,
    hands: { left: cupped, right: cupped },
    angles: {
      ...f.angles,
      left_shoulder: [28, 0, 0],
      right_shoulder: [28, 0, 0],
      left_elbow: [82, 0, 0],
      right_elbow: [82, 0, 0],
      left_wrist: [0, 0, 0],
      right_wrist: [0, 0, 0],
    },
  }));
}

export class CarriedProp {
  readonly object: SceneObject;
  readonly colorName: string;

  constructor(
    scene: Scene,
    name: string,
    readonly kind: PropKind,
    readonly baked: BakedFrame[],
    handRadius: number,
    rng: Rng,
  ) {
    // Sized to fill the gap between the hands in the first frame.
    const first = this.#hands(0);
    const gap = Math.max(
      0.1,
      Math.hypot(...first[0].map((v, i) => v - first[1][i]) as Vec3) - 2 * handRadius,
    );
    this.colorName = rng.choice(Object.keys(SHIRTS));
    const color = parseHexColor(SHIRTS[this.colorName])!.map(srgbToLinear) as Vec3;
    this.object = scene.add({
      name,
      class: kind,
      mesh: kind === "ball" ? "sphere" : "cube",
      scale: kind === "ball" ? [gap, gap, gap] : [gap, 0.7 * gap, 0.8 * gap],
      material: {
        color,
        roughness: kind === "ball" ? 0.5 : 0.8,
        metalness: 0,
        colorName: this.colorName,
        preset: kind === "ball" ? "rubber" : "cardboard",
      },
      attributes: { carried: true },
    });
    this.place(0);
  }

  #hands(frame: number): [Vec3, Vec3] {
    const p = this.baked[Math.min(frame, this.baked.length - 1)].world.positions;
    return [p[JOINT_INDEX.left_hand], p[JOINT_INDEX.right_hand]];
  }

  /** Centres the prop between the hands, turned with the body. */
  place(frame: number): void {
    const [l, r] = this.#hands(frame);
    const b = this.baked[Math.min(frame, this.baked.length - 1)];
    const forward = rotate(b.local.rootRotation, [0, 0, 1]);
    const yaw = Math.atan2(forward[0], forward[2]);
    const centre = lerp3(l, r, 0.5);
    this.object.position = [centre[0], centre[1], centre[2]];
    this.object.rotation = [0, Math.sin(yaw / 2), 0, Math.cos(yaw / 2)];
  }

  /** "a red ball" */
  get description(): string {
    return `a ${this.colorName} ${this.kind}`;
  }
}
