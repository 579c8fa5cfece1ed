/**
 * The body: ONE skinned mesh asset, so the person is one instance id, and the
 * simple solids (capsules between joints, ellipsoids on joints) that put it
 * on the floor and under a stool.
 */
import { mat4 } from "wgpu-matrix";
import type { Material, MeshPart, Quat, Texture, Vec3 } from "../scene/scene.ts";
import {
  proceduralKey,
  type ProceduralSpec,
  proceduralTexture,
} from "../scene/procedural_texture.ts";
import {
  type Appearance,
  DENIMS,
  HAIRS,
  linearColor,
  SHIRTS,
  SHOES,
  SKINS,
  TOP_PATTERNS,
  TROUSERS,
} from "./appearance.ts";
import { bodyJointBoxes, type BodyMesh, buildBodyMesh, type Slot } from "./body_mesh.ts";
import { bindPose, bodyPrimitives, type Primitive } from "./body_shape.ts";
import { jointBoxMesh } from "../scene/skin.ts";
import { add, compose, lerp3, qconj, qmul, rotate, sub } from "./math.ts";
import {
  footRadius,
  JOINT_INDEX,
  type JointName,
  JOINTS,
  type Proportions,
  type WorldPose,
} from "./skeleton.ts";

/** What a contact solid is dressed in (the baker only needs its shape). */
type PartSlot = "skin" | "shirt" | "trousers" | "shoes" | "hair";

export interface BodyPart {
  name: string;
  slot: PartSlot;
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
export function bodyParts(p: Proportions, longHair = false): BodyPart[] {
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

/**
 * One person's skinned mesh (engine/human/body_mesh.ts), its materials and
 * fabric textures; `skinMatrices` poses it each frame. The shape's primitives
 * and joint boxes are cheap and made at once; the mesh (about half a second)
 * only when a run draws it. `parts` are the simple solids the baker stands on
 * the floor.
 */
export class Body {
  readonly parts: BodyPart[];
  /** The bind pose (root at the origin) the shape and mesh are made in. */
  readonly bind: WorldPose;
  readonly primitives: Primitive[];
  /** A box per joint (skin.jointBoxes): the person's bounds in every pose. */
  readonly jointBoxes: Float32Array;
  /** Fabric textures the materials name (register them in the scene). */
  readonly textures = new Map<string, Texture>();
  /** Inverse bind transforms, 16 floats per joint. */
  readonly #inverseBind: Float32Array;
  #mesh?: BodyMesh;

  constructor(readonly appearance: Appearance, offsets: Vec3[]) {
    this.parts = bodyParts(appearance.proportions);
    this.bind = bindPose(offsets);
    this.primitives = bodyPrimitives(appearance, this.bind);
    this.jointBoxes = bodyJointBoxes(this.primitives, this.bind, appearance.proportions.height);
    this.#inverseBind = new Float32Array(JOINTS.length * 16);
    JOINTS.forEach((_, j) => {
      const m = compose(this.bind.positions[j], this.bind.rotations[j], [1, 1, 1]);
      this.#inverseBind.set(mat4.inverse(m), j * 16);
    });
  }

  /** The full mesh, built on first use. */
  get mesh(): BodyMesh {
    return this.#mesh ??= buildBodyMesh(this.appearance, this.bind, this.primitives);
  }

  /**
   * The mesh asset: one skinned part per material; or, for a run that never draws (plan
   * mode), the joint boxes as one part, which has the same posed bounds.
   */
  place(draw = true): MeshPart[] {
    if (!draw) {
      return [{ mesh: jointBoxMesh(this.jointBoxes, JOINTS.length), material: this.topMaterial }];
    }
    return this.mesh.parts.map(({ mesh, slot }) => ({
      mesh,
      material: slotMaterial(this.appearance, slot, this.textures),
    }));
  }

  /** Material of the person's top (the object's own material: captions read its colour). */
  get topMaterial(): Material {
    return slotMaterial(this.appearance, "top", this.textures);
  }

  /**
   * Joint matrices for `pose`, relative to the object frame (rootPosition, rootRotation):
   * object-from-world · joint-in-world · inverse bind. A fresh array each call.
   */
  skinMatrices(pose: WorldPose, rootPosition: Vec3, rootRotation: Quat): Float32Array {
    const inv = qconj(rootRotation);
    const out = new Float32Array(JOINTS.length * 16);
    const joint = new Float32Array(16);
    for (let j = 0; j < JOINTS.length; j++) {
      const q = qmul(inv, pose.rotations[j]);
      compose(rotate(inv, sub(pose.positions[j], rootPosition)), q, [1, 1, 1], joint);
      mat4.multiply(
        joint,
        this.#inverseBind.subarray(j * 16, j * 16 + 16),
        out.subarray(j * 16, j * 16 + 16),
      );
    }
    return out;
  }
}

/** The material a slot wears; patterned tops and jeans get a fabric texture. */
function slotMaterial(a: Appearance, slot: Slot, textures: Map<string, Texture>): Material {
  const skin = linearColor(SKINS, a.skin);
  const cloth = (palette: Record<string, string>, name: string, roughness: number): Material => ({
    color: linearColor(palette, name),
    roughness,
    metalness: 0,
    colorName: name,
  });
  switch (slot) {
    case "skin":
      return { color: skin, roughness: 0.5, metalness: 0, colorName: a.skin };
    case "lips":
      return {
        color: [skin[0] * 0.75, skin[1] * 0.45, skin[2] * 0.45],
        roughness: 0.4,
        metalness: 0,
      };
    case "eyes":
      return { color: [0.02, 0.015, 0.012], roughness: 0.15, metalness: 0 };
    case "hair":
      return { ...cloth(HAIRS, a.hair, 0.55) };
    case "shoes":
      return cloth(SHOES, a.shoes, 0.45);
    case "accent":
      return cloth(SHIRTS, a.clothes.accent, 0.85);
    case "bottom": {
      if (a.clothes.bottom !== "jeans") {
        return cloth(a.clothes.bottom === "dress" ? SHIRTS : TROUSERS, a.trousers, 0.85);
      }
      // Denim: a fine twill noise around the colour.
      const base = linearColor(DENIMS, a.trousers);
      const key = fabric(textures, {
        pattern: "noise",
        seed: a.seed,
        frequency: 24,
        colorA: scaleColor(base, 1.15),
        colorB: scaleColor(base, 0.8),
      });
      return {
        color: [1, 1, 1],
        roughness: 0.9,
        metalness: 0,
        colorName: a.trousers,
        texture: key,
      };
    }
    case "top": {
      const top = cloth(SHIRTS, a.shirt, a.clothes.top === "jacket" ? 0.7 : 0.85);
      const pattern = TOP_PATTERNS[a.clothes.pattern];
      if (!pattern) return top;
      const key = fabric(textures, {
        pattern,
        seed: a.seed + 1,
        frequency: pattern === "stripes" ? 12 : 8,
        colorA: top.color,
        colorB: linearColor(SHIRTS, a.clothes.accent),
      });
      return { ...top, color: [1, 1, 1], texture: key };
    }
  }
} // deno-fmt-ignore

function scaleColor(c: Vec3, k: number): Vec3 {
  return [Math.min(1, c[0] * k), Math.min(1, c[1] * k), Math.min(1, c[2] * k)];
}

/** Registers a procedural fabric texture; returns its key. */
function fabric(textures: Map<string, Texture>, spec: ProceduralSpec): string {
  const key = `${proceduralKey(spec)}/person`;
  textures.set(key, proceduralTexture(spec));
  return key;
}

/** Point halfway between two joints (for camera targets and props). */
export function midpoint(pose: WorldPose, a: JointName, b: JointName): Vec3 {
  return lerp3(pose.positions[JOINT_INDEX[a]], pose.positions[JOINT_INDEX[b]], 0.5);
}
