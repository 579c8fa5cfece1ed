/**
 * BVH motion capture: parser, forward kinematics, and retargeting onto this
 * skeleton by bone directions (so a T-pose capture drives a body whose rest
 * pose has the arms down). Joint names are matched through `BVH_NAMES`.
 */
import type { Quat, Vec3 } from "../scene/scene.ts";
import {
  add,
  axisAngle,
  cross,
  DEG,
  fromTo,
  IDENTITY,
  normalize,
  qconj,
  qmul,
  qnormalize,
  rotate,
  scale,
  sub,
} from "./math.ts";
import {
  JOINT_INDEX,
  type JointName,
  JOINTS,
  type LocalPose,
  PARENT,
  restLocal,
} from "./skeleton.ts";

export interface BvhJoint {
  name: string;
  parent: number;
  offset: Vec3;
  channels: string[];
  /** Offset of the End Site, when the joint has one. */
  end?: Vec3;
}

export interface Bvh {
  joints: BvhJoint[];
  frameTime: number;
  /** Channel values per frame, in joint then channel order. */
  frames: number[][];
}

export function parseBvh(text: string): Bvh {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  let i = 0;
  const next = () => {
    if (i >= tokens.length) throw new SyntaxError("BVH ended early");
    return tokens[i++];
  };
  const expect = (word: string) => {
    const t = next();
    if (t.toUpperCase() !== word) throw new SyntaxError(`BVH: expected ${word}, found "${t}"`);
  };
  const vec = (): Vec3 => [Number(next()), Number(next()), Number(next())];
  const joints: BvhJoint[] = [];
  expect("HIERARCHY");
  const readJoint = (parent: number) => {
    const name = next();
    expect("{");
    expect("OFFSET");
    const joint: BvhJoint = { name, parent, offset: vec(), channels: [] };
    const index = joints.push(joint) - 1;
    for (let t = next(); t !== "}"; t = next()) {
      const word = t.toUpperCase();
      if (word === "CHANNELS") {
        const n = Number(next());
        for (let c = 0; c < n; c++) joint.channels.push(next().toLowerCase());
      } else if (word === "JOINT") {
        readJoint(index);
      } else if (word === "END") {
        next(); // "Site"
        expect("{");
        expect("OFFSET");
        joint.end = vec();
        expect("}");
      } else {
        throw new SyntaxError(`BVH: unexpected "${t}" in joint ${name}`);
      }
    }
  };
  expect("ROOT");
  readJoint(-1);
  expect("MOTION");
  expect("FRAMES:");
  const count = Number(next());
  expect("FRAME");
  expect("TIME:");
  const frameTime = Number(next());
  const width = joints.reduce((n, j) => n + j.channels.length, 0);
  const frames: number[][] = [];
  for (let f = 0; f < count; f++) {
    const row: number[] = [];
    for (let c = 0; c < width; c++) row.push(Number(next()));
    if (row.some((v) => !Number.isFinite(v))) {
      throw new SyntaxError(`BVH: bad number in frame ${f}`);
    }
    frames.push(row);
  }
  if (!(frameTime > 0)) throw new SyntaxError("BVH: Frame Time must be positive");
  return { joints, frameTime, frames };
}

/** World positions of every BVH joint (and end sites, keyed "<name>_end") for one frame. */
export function bvhPositions(bvh: Bvh, frame: number): Map<string, Vec3> {
  const row = bvh.frames[Math.min(frame, bvh.frames.length - 1)];
  const out = new Map<string, Vec3>();
  const rotations: Quat[] = [];
  let c = 0;
  bvh.joints.forEach((j, k) => {
    let translation: Vec3 = [...j.offset];
    let q: Quat = IDENTITY;
    for (const channel of j.channels) {
      const v = row[c++];
      const axis = channel[0] as "x" | "y" | "z";
      const ai = "xyz".indexOf(axis);
      if (channel.endsWith("position")) {
        translation = [...translation] as Vec3;
        translation[ai] = j.parent < 0 ? v : translation[ai] + v;
      } else {
        const unit: Vec3 = [0, 0, 0];
        unit[ai] = 1;
        q = qmul(q, axisAngle(unit, v * DEG));
      }
    }
    const parentRot = j.parent < 0 ? IDENTITY : rotations[j.parent];
    const parentPos = j.parent < 0 ? [0, 0, 0] as Vec3 : out.get(bvh.joints[j.parent].name)!;
    const position = add(parentPos, rotate(parentRot, translation));
    rotations[k] = qnormalize(qmul(parentRot, q));
    out.set(j.name, position);
    if (j.end) out.set(`${j.name}_end`, add(position, rotate(rotations[k], j.end)));
  });
  return out;
}

/** Common BVH names (CMU, Mixamo, SFU) for this skeleton's joints; first match wins. */
export const BVH_NAMES: Partial<Record<JointName, string[]>> = {
  pelvis: ["Hips", "hip", "pelvis", "mixamorig:Hips"],
  spine: ["Spine", "abdomen", "LowerBack", "mixamorig:Spine"],
  chest: ["Spine1", "chest", "Spine2", "mixamorig:Spine1"],
  neck: ["Neck", "neck", "Neck1", "mixamorig:Neck"],
  head: ["Head", "head", "mixamorig:Head"],
  left_shoulder: ["LeftArm", "lShldr", "LeftUpArm", "mixamorig:LeftArm"],
  left_elbow: ["LeftForeArm", "lForeArm", "LeftLowArm", "mixamorig:LeftForeArm"],
  left_wrist: ["LeftHand", "lHand", "mixamorig:LeftHand"],
  right_shoulder: ["RightArm", "rShldr", "RightUpArm", "mixamorig:RightArm"],
  right_elbow: ["RightForeArm", "rForeArm", "RightLowArm", "mixamorig:RightForeArm"],
  right_wrist: ["RightHand", "rHand", "mixamorig:RightHand"],
  left_hip: ["LeftUpLeg", "lThigh", "LeftHip", "mixamorig:LeftUpLeg"],
  left_knee: ["LeftLeg", "lShin", "LeftKnee", "mixamorig:LeftLeg"],
  left_ankle: ["LeftFoot", "lFoot", "LeftAnkle", "mixamorig:LeftFoot"],
  left_toe: ["LeftToeBase", "LeftToe", "LeftFoot_end", "lFoot_end", "mixamorig:LeftToeBase"],
  right_hip: ["RightUpLeg", "rThigh", "RightHip", "mixamorig:RightUpLeg"],
  right_knee: ["RightLeg", "rShin", "RightKnee", "mixamorig:RightLeg"],
  right_ankle: ["RightFoot", "rFoot", "RightAnkle", "mixamorig:RightFoot"],
  right_toe: ["RightToeBase", "RightToe", "RightFoot_end", "rFoot_end", "mixamorig:RightToeBase"],
};

/** Bones whose direction is copied from the capture: joint → the child that sets its direction. */
const AIM: [JointName, JointName][] = [
  ["spine", "chest"],
  ["neck", "head"],
  ["left_shoulder", "left_elbow"],
  ["left_elbow", "left_wrist"],
  ["right_shoulder", "right_elbow"],
  ["right_elbow", "right_wrist"],
  ["left_hip", "left_knee"],
  ["left_knee", "left_ankle"],
  ["left_ankle", "left_toe"],
  ["right_hip", "right_knee"],
  ["right_knee", "right_ankle"],
  ["right_ankle", "right_toe"],
]; // deno-fmt-ignore

/** Rotation whose frame has `up` as +Y and `side` (made orthogonal) as +X. */
function frameRotation(up: Vec3, side: Vec3): Quat {
  const y = normalize(up);
  const z = normalize(cross(side, y));
  const x = cross(y, z);
  // Quaternion from the orthonormal basis (columns x, y, z).
  const m = [x, y, z];
  const trace = m[0][0] + m[1][1] + m[2][2];
  let q: Quat;
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2;
    q = [(m[1][2] - m[2][1]) / s, (m[2][0] - m[0][2]) / s, (m[0][1] - m[1][0]) / s, s / 4];
  } else if (m[0][0] > m[1][1] && m[0][0] > m[2][2]) {
    const s = Math.sqrt(1 + m[0][0] - m[1][1] - m[2][2]) * 2;
    q = [s / 4, (m[1][0] + m[0][1]) / s, (m[2][0] + m[0][2]) / s, (m[1][2] - m[2][1]) / s];
  } else if (m[1][1] > m[2][2]) {
    const s = Math.sqrt(1 + m[1][1] - m[0][0] - m[2][2]) * 2;
    q = [(m[1][0] + m[0][1]) / s, s / 4, (m[2][1] + m[1][2]) / s, (m[2][0] - m[0][2]) / s];
  } else {
    const s = Math.sqrt(1 + m[2][2] - m[0][0] - m[1][1]) * 2;
    q = [(m[2][0] + m[0][2]) / s, (m[2][1] + m[1][2]) / s, s / 4, (m[0][1] - m[1][0]) / s];
  }
  return qnormalize(q);
}

/**
 * Retargets every BVH frame onto a skeleton with rest `offsets`. Positions are
 * scaled so the capture's hip height matches ours; the floor is the capture's.
 */
export function retarget(bvh: Bvh, offsets: Vec3[]): LocalPose[] {
  const find = (joint: JointName): string | undefined => {
    const names = new Set(bvh.joints.flatMap((j) => [j.name, ...(j.end ? [`${j.name}_end`] : [])]));
    return BVH_NAMES[joint]?.find((n) => names.has(n));
  };
  const names = Object.fromEntries(JOINTS.map((j) => [j, find(j)])) as Record<
    JointName,
    string | undefined
  >;
  for (const needed of ["pelvis", "left_hip", "right_hip", "spine"] as const) {
    if (!names[needed]) {
      throw new RangeError(
        `BVH has no joint for "${needed}" (tried ${BVH_NAMES[needed]!.join(", ")})`,
      );
    }
  }
  // Hip height at rest (frame-free: offsets only) sets the scale.
  const rest = bvhPositions({ ...bvh, frames: [bvh.frames[0].map(() => 0)] }, 0);
  const hipHeight = (p: Map<string, Vec3>) => {
    const foot = names.left_ankle ? p.get(names.left_ankle)! : p.get(names.left_knee!)!;
    return p.get(names.pelvis!)![1] - foot[1];
  };
  const ours = -offsets[JOINT_INDEX.left_knee][1] - offsets[JOINT_INDEX.left_ankle][1] -
    offsets[JOINT_INDEX.left_hip][1];
  const k = ours / hipHeight(rest);
  const restUp = offsets[JOINT_INDEX.spine];
  const restSide = sub(offsets[JOINT_INDEX.left_hip], offsets[JOINT_INDEX.right_hip]);
  const restFrame = frameRotation(restUp, restSide);
  return bvh.frames.map((_, f) => {
    const p = bvhPositions(bvh, f);
    const at = (j: JointName) => names[j] ? scale(p.get(names[j]!)!, k) : undefined;
    const local = restLocal();
    const hips = at("pelvis")!;
    const bodyFrame = frameRotation(
      sub(at("spine")!, hips),
      sub(at("left_hip")!, at("right_hip")!),
    );
    const rootRotation = qmul(bodyFrame, qconj(restFrame));
    const world: Quat[] = JOINTS.map(() => IDENTITY);
    world[0] = rootRotation;
    const aims = new Map(AIM);
    JOINTS.forEach((joint, i) => {
      const parent = PARENT[joint];
      if (!parent) return;
      const parentWorld = world[JOINT_INDEX[parent]];
      const child = aims.get(joint);
      const from = at(joint);
      const to = child ? at(child) : undefined;
      if (from && to) {
        const want = rotate(qconj(parentWorld), sub(to, from));
        local[i] = fromTo(offsets[JOINT_INDEX[child!]], want);
      }
      world[i] = qmul(parentWorld, local[i]);
    });
    return { root: hips, rootRotation, local };
  });
}
