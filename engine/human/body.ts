/**
 * The body: smooth parts (capsules between joints, ellipsoids on joints) that
 * together make ONE mesh asset, so the person is one instance id. Part
 * placements are recomputed from the posed skeleton every frame.
 */
import { capsule, type MeshData, sphere } from "../scene/mesh.ts";
import type { Material, MeshPart, Quat, Vec3 } from "../scene/scene.ts";
import {
  type Appearance,
  HAIRS,
  linearColor,
  SHIRTS,
  SHOES,
  SKINS,
  TROUSERS,
} from "./appearance.ts";
import { add, compose, fromTo, length, lerp3, qconj, qmul, rotate, scale, sub } from "./math.ts";
import {
  footRadius,
  JOINT_INDEX,
  type JointName,
  type Proportions,
  type WorldPose,
} from "./skeleton.ts";

export type Slot = "skin" | "shirt" | "trousers" | "shoes" | "hair";

export interface BodyPart {
  name: string;
  slot: Slot;
  /** Capsule from `joint` to `to` (both rigid in `joint`'s frame), or ellipsoid on `joint`. */
  joint: JointName;
  to?: JointName;
  from?: JointName;
  radius: number;
  /** Ellipsoid centre in the joint's frame and its semi-axes. */
  centre?: Vec3;
  radii?: Vec3;
}

/** The parts of a body with these proportions. */
export function bodyParts(p: Proportions, longHair: boolean): BodyPart[] {
  const h = p.height;
  const g = p.build;
  const limb = (side: "left" | "right"): BodyPart[] => [
    {
      name: `${side}_upper_arm`,
      slot: "shirt",
      joint: `${side}_shoulder`,
      to: `${side}_elbow`,
      radius: 0.031 * h * g,
    },
    {
      name: `${side}_forearm`,
      slot: "skin",
      joint: `${side}_elbow`,
      to: `${side}_wrist`,
      radius: 0.025 * h * g,
    },
    {
      name: `${side}_hand`,
      slot: "skin",
      joint: `${side}_wrist`,
      to: `${side}_hand`,
      radius: 0.022 * h,
    },
    {
      name: `${side}_thigh`,
      slot: "trousers",
      joint: `${side}_hip`,
      to: `${side}_knee`,
      radius: 0.052 * h * g,
    },
    {
      name: `${side}_shin`,
      slot: "trousers",
      joint: `${side}_knee`,
      to: `${side}_ankle`,
      radius: 0.038 * h * g,
    },
    {
      name: `${side}_foot`,
      slot: "shoes",
      joint: `${side}_ankle`,
      from: `${side}_heel`,
      to: `${side}_toe`,
      radius: footRadius(p),
    },
  ]; // deno-fmt-ignore
  const parts: BodyPart[] = [
    { name: "hips", slot: "trousers", joint: "pelvis", radius: 0, centre: [0, -0.01 * h, 0], radii: [0.1 * h * p.hips * g, 0.065 * h, 0.07 * h * g] },
    { name: "belly", slot: "shirt", joint: "spine", radius: 0, centre: [0, 0.05 * h, 0], radii: [0.088 * h * g, 0.08 * h, 0.064 * h * g] },
    { name: "chest", slot: "shirt", joint: "chest", radius: 0, centre: [0, 0.06 * h, -0.004 * h], radii: [0.105 * h * p.shoulders * g, 0.085 * h, 0.068 * h * g] },
    { name: "neck", slot: "skin", joint: "neck", to: "head", radius: 0.027 * h },
    { name: "head", slot: "skin", joint: "head", radius: 0, centre: [0, 0.055 * h, 0.01 * h], radii: [0.05 * h, 0.064 * h, 0.058 * h] },
    { name: "hair", slot: "hair", joint: "head", radius: 0, centre: [0, 0.074 * h, -0.004 * h], radii: [0.053 * h, 0.05 * h, 0.06 * h] },
    ...limb("left"),
    ...limb("right"),
  ]; // deno-fmt-ignore
  if (longHair) {
    parts.push({ name: "long_hair", slot: "hair", joint: "head", radius: 0, centre: [0, 0.03 * h, -0.04 * h], radii: [0.05 * h, 0.075 * h, 0.035 * h] });
  } // deno-fmt-ignore
  return parts;
}

/** Lowest world height of a part (for putting the body on the ground). */
export function partBottom(part: BodyPart, pose: WorldPose): number {
  const i = JOINT_INDEX[part.joint];
  if (part.radii) {
    const c = add(pose.positions[i], rotate(pose.rotations[i], part.centre!));
    // Half-extent of a rotated ellipsoid along world Y: |row Y of R·diag(radii)|.
    const q = pose.rotations[i];
    const ex = rotate(q, [part.radii[0], 0, 0])[1];
    const ey = rotate(q, [0, part.radii[1], 0])[1];
    const ez = rotate(q, [0, 0, part.radii[2]])[1];
    return c[1] - Math.hypot(ex, ey, ez);
  }
  const a = pose.positions[JOINT_INDEX[part.from ?? part.joint]];
  const b = pose.positions[JOINT_INDEX[part.to!]];
  return Math.min(a[1], b[1]) - part.radius;
}

/** Meshes and per-part data of one person, built once per clip. */
export class Body {
  readonly parts: BodyPart[];
  readonly meshes: MeshData[];
  readonly materials: Material[];
  /** Rest direction and length of each capsule in its joint's frame. */
  readonly #axes: { dir: Quat; length: number; start: Vec3 }[];

  constructor(readonly appearance: Appearance, offsets: Vec3[]) {
    this.parts = bodyParts(appearance.proportions, appearance.longHair);
    const unit = sphere({ radius: 1, segments: 24, rings: 12 });
    const palettes = { skin: SKINS, shirt: SHIRTS, trousers: TROUSERS, shoes: SHOES, hair: HAIRS };
    const material = (slot: Slot): Material => ({
      color: linearColor(palettes[slot], appearance[slot]),
      roughness: slot === "skin" ? 0.55 : slot === "shoes" ? 0.4 : 0.85,
      metalness: 0,
      colorName: appearance[slot],
    });
    this.meshes = [];
    this.materials = [];
    this.#axes = [];
    for (const part of this.parts) {
      this.materials.push(material(part.slot));
      if (part.radii) {
        this.meshes.push(unit);
        this.#axes.push({ dir: [0, 0, 0, 1], length: 0, start: [0, 0, 0] });
        continue;
      }
      // Both capsule ends are rigid in the joint's frame: offsets of `to` (and `from`) from it.
      const start = part.from ? offsets[JOINT_INDEX[part.from]] : [0, 0, 0] as Vec3;
      const end = offsets[JOINT_INDEX[part.to!]];
      const bone = sub(end, start);
      const len = length(bone);
      this.meshes.push(
        capsule({ radius: part.radius, height: len + 2 * part.radius, segments: 16, rings: 5 }),
      );
      this.#axes.push({ dir: fromTo([0, 1, 0], bone), length: len, start });
    }
  }

  /** Mesh parts placed for `pose` (see `partMatrices`): the body's mesh asset. */
  place(pose: WorldPose, rootPosition: Vec3, rootRotation: Quat): MeshPart[] {
    return this.partMatrices(pose, rootPosition, rootRotation).map((matrix, k) => ({
      mesh: this.meshes[k],
      matrix,
      material: this.materials[k],
    }));
  }

  /**
   * Placement of every part for `pose`, relative to the object frame given by
   * (rootPosition, rootRotation). Fresh matrices each call.
   */
  partMatrices(pose: WorldPose, rootPosition: Vec3, rootRotation: Quat): Float32Array[] {
    const inv = qconj(rootRotation);
    const toObject = (p: Vec3) => rotate(inv, sub(p, rootPosition));
    return this.parts.map((part, k) => {
      const i = JOINT_INDEX[part.joint];
      const q = qmul(inv, pose.rotations[i]);
      const origin = toObject(pose.positions[i]);
      if (part.radii) return compose(add(origin, rotate(q, part.centre!)), q, part.radii);
      const axis = this.#axes[k];
      const mid = add(axis.start, scale(rotate(axis.dir, [0, 1, 0]), axis.length / 2));
      return compose(add(origin, rotate(q, mid)), qmul(q, axis.dir), [1, 1, 1]);
    });
  }
}

/** Point halfway between two joints (for camera targets and props). */
export function midpoint(pose: WorldPose, a: JointName, b: JointName): Vec3 {
  return lerp3(pose.positions[JOINT_INDEX[a]], pose.positions[JOINT_INDEX[b]], 0.5);
}
