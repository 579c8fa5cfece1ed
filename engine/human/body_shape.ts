/**
 * The body as a signed distance field: tapered limbs, ellipsoid torso and
 * head, a palm and three bones per finger, hair, feet in shoes, a skirt,
 * smoothly blended where they meet. Each primitive belongs to the joint that
 * moves it (for skin weights) and names its body part (for clothing). The
 * field is built in the bind pose (arms out in an A, hands open) so no limb
 * blends into another; body_mesh.ts polygonizes and skins it.
 */
import type { Quat, Vec3 } from "../scene/scene.ts";
import type { Appearance } from "./appearance.ts";
import { add, normalize, rotate, scale, sub } from "./math.ts";
import {
  FINGERS,
  forwardKinematics,
  JOINT_INDEX,
  type JointName,
  jointRotation,
  JOINTS,
  type LocalPose,
  restLocal,
  type Side,
  type WorldPose,
} from "./skeleton.ts";
import { fingerRotations, HAND_SHAPES } from "./hands.ts";

/** What a primitive is part of: clothing rules and captions speak of these. */
export type BodyRegion =
  | "head"
  | "face"
  | "neck"
  | "hair"
  | "pelvis"
  | "torso"
  | "upper_arm"
  | "forearm"
  | "hand"
  | "thigh"
  | "shin"
  | "foot"
  | "skirt"
  | "eye";

/** Which grid draws a primitive: hands need a finer one. */
export type Grid = "body" | "hand";

export interface Primitive {
  shape: "cone" | "ellipsoid" | "box";
  joint: JointName;
  region: BodyRegion;
  grid: Grid;
  side?: Side;
  /** Smooth-union radius with what is already there (m). */
  blend: number;
  /** Cone: from `a` (radius ra) to `b` (radius rb). */
  a: Vec3;
  b: Vec3;
  ra: number;
  rb: number;
  /** Ellipsoid / box: centre, unit axes and half sizes along them; box edge rounding. */
  centre: Vec3;
  axes: [Vec3, Vec3, Vec3];
  radii: Vec3;
  round: number;
  /** Keeps only the side of this plane its normal points to (cuts the forearm at the wrist). */
  cut?: { point: Vec3; normal: Vec3 };
}

/** Bind pose angles: arms 40° out, legs 4° apart, hands open. */
export function bindPose(offsets: Vec3[]): WorldPose {
  const local = restLocal();
  for (const side of ["left", "right"] as const) {
    local[JOINT_INDEX[`${side}_shoulder`]] = jointRotation(`${side}_shoulder`, [0, 40, 0]);
    local[JOINT_INDEX[`${side}_hip`]] = jointRotation(`${side}_hip`, [0, 4, 0]);
    fingerRotations(side, HAND_SHAPES.open, offsets, local);
  }
  const pose: LocalPose = { root: [0, 0, 0], rootRotation: [0, 0, 0, 1], local };
  return forwardKinematics(offsets, pose);
}

const NO_AXES: [Vec3, Vec3, Vec3] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];

function cone(
  joint: JointName,
  region: BodyRegion,
  a: Vec3,
  b: Vec3,
  ra: number,
  rb: number,
  blend: number,
  extra: Partial<Primitive> = {},
): Primitive {
  return {
    shape: "cone",
    joint,
    region,
    grid: "body",
    blend,
    a,
    b,
    ra,
    rb,
    centre: a,
    axes: NO_AXES,
    radii: [0, 0, 0],
    round: 0,
    ...extra,
  };
}

function ellipsoid(
  joint: JointName,
  region: BodyRegion,
  centre: Vec3,
  axes: [Vec3, Vec3, Vec3],
  radii: Vec3,
  blend: number,
  extra: Partial<Primitive> = {},
): Primitive {
  return {
    shape: "ellipsoid",
    joint,
    region,
    grid: "body",
    blend,
    a: centre,
    b: centre,
    ra: 0,
    rb: 0,
    centre,
    axes,
    radii,
    round: 0,
    ...extra,
  };
}

/** The joint's frame axes in the world (columns of its rotation). */
function frameAxes(pose: WorldPose, joint: JointName): [Vec3, Vec3, Vec3] {
  const q = pose.rotations[JOINT_INDEX[joint]];
  return [rotate(q, [1, 0, 0]), rotate(q, [0, 1, 0]), rotate(q, [0, 0, 1])];
}

/** The primitives of a person with `look`, placed by the bind pose `pose`. */
export function bodyPrimitives(look: Appearance, pose: WorldPose): Primitive[] {
  const p = look.proportions;
  const h = p.height;
  const g = p.build;
  const hd = h * p.head;
  const woman = look.figure === "woman" || look.figure === "girl";
  const at = (j: JointName) => pose.positions[JOINT_INDEX[j]];
  const local = (j: JointName, v: Vec3) => add(at(j), rotate(pose.rotations[JOINT_INDEX[j]], v));
  const out: Primitive[] = [];
  const torsoAxes = frameAxes(pose, "spine");
  // Torso: pelvis, waist, ribcage; shoulders are the ribcage's top corners.
  out.push(
    ellipsoid(
      "pelvis",
      "pelvis",
      local("pelvis", [0, -0.012 * h, -0.004 * h]),
      frameAxes(pose, "pelvis"),
      [0.098 * h * p.hips * g, 0.07 * h, 0.068 * h * g],
      0.03 * h,
    ),
  );
  out.push(
    ellipsoid("spine", "torso", local("spine", [0, 0.045 * h, 0]), torsoAxes, [
      0.085 * h * g * (woman ? 0.92 : 1),
      0.085 * h,
      0.06 * h * g,
    ], 0.04 * h),
  );
  out.push(
    ellipsoid(
      "chest",
      "torso",
      local("chest", [0, 0.06 * h, -0.004 * h]),
      frameAxes(pose, "chest"),
      [0.1 * h * p.shoulders * g, 0.088 * h, 0.066 * h * g],
      0.04 * h,
    ),
  );
  for (const side of ["left", "right"] as const) {
    const s = side === "left" ? 1 : -1;
    // The deltoid rounds the shoulder between ribcage and arm.
    out.push(
      ellipsoid(
        `${side}_shoulder`,
        "upper_arm",
        local(`${side}_shoulder`, [0.004 * s * h, -0.012 * h, 0]),
        frameAxes(pose, `${side}_shoulder`),
        [0.036 * h * g, 0.045 * h, 0.036 * h * g],
        0.03 * h,
        { side },
      ),
    );
    if (woman && p.head < 1.1) {
      out.push(
        ellipsoid(
          "chest",
          "torso",
          local("chest", [0.045 * s * h, 0.045 * h, 0.05 * h * g]),
          frameAxes(pose, "chest"),
          [0.042 * h * g, 0.04 * h * g, 0.035 * h * g],
          0.025 * h,
          { side },
        ),
      );
    }
  }
  // Neck and head (the head's size is its own: a child's head is larger for the height).
  out.push(
    cone(
      "neck",
      "neck",
      local("neck", [0, -0.01 * h, 0]),
      local("head", [0, 0.01 * hd, 0]),
      0.03 * h * Math.sqrt(g),
      0.028 * h,
      0.02 * h,
    ),
  );
  const headAxes = frameAxes(pose, "head");
  out.push(
    ellipsoid("head", "head", local("head", [0, 0.058 * hd, 0.004 * hd]), headAxes, [
      0.05 * hd,
      0.064 * hd,
      0.06 * hd,
    ], 0.02 * h),
  );
  // Jaw and chin, nose, ears: enough to read as a face at video resolution.
  out.push(
    ellipsoid("head", "face", local("head", [0, 0.026 * hd, 0.03 * hd]), headAxes, [
      0.038 * hd,
      0.032 * hd,
      0.034 * hd,
    ], 0.018 * hd),
  );
  out.push(
    cone(
      "head",
      "face",
      local("head", [0, 0.062 * hd, 0.058 * hd]),
      local("head", [0, 0.04 * hd, 0.07 * hd]),
      0.005 * hd,
      0.008 * hd,
      0.006 * hd,
    ),
  );
  for (const s of [1, -1]) {
    out.push(
      ellipsoid("head", "head", local("head", [0.049 * s * hd, 0.048 * hd, 0]), headAxes, [
        0.007 * hd,
        0.016 * hd,
        0.011 * hd,
      ], 0.004 * hd),
    );
    // Eyes: dark almonds just proud of the face, so they survive simplification.
    out.push(
      ellipsoid("head", "eye", local("head", [0.019 * s * hd, 0.058 * hd, 0.056 * hd]), headAxes, [
        0.009 * hd,
        0.0055 * hd,
        0.006 * hd,
      ], 0.002 * hd),
    );
  }
  out.push(...hair(look, pose, hd));
  for (const side of ["left", "right"] as const) out.push(...limbs(look, pose, side));
  if (look.clothes.bottom === "skirt" || look.clothes.bottom === "dress") {
    // A skirt flares from the waist to above the knee.
    const top = local("pelvis", [0, 0.02 * h, 0]);
    const hem = local("pelvis", [0, -0.2 * h, 0.005 * h]);
    out.push(
      cone("pelvis", "skirt", top, hem, 0.09 * h * p.hips * g, 0.115 * h * p.hips * g, 0.02 * h),
    );
  }
  return out;
} // deno-fmt-ignore

function hair(look: Appearance, pose: WorldPose, hd: number): Primitive[] {
  const at = (v: Vec3) => add(pose.positions[JOINT_INDEX.head], rotate(pose.rotations[JOINT_INDEX.head], v));
  const axes = frameAxes(pose, "head");
  const style = look.hairStyle;
  if (style === "bald") return [];
  // A cap over the skull, cut along a hairline that runs from the forehead, above the ears,
  // down to the nape.
  const up = axes[1];
  const cut = { point: at([0, 0.06 * hd, 0]), normal: normalize(sub(up, scale(axes[2], 0.45))) };
  const cap = ellipsoid("head", "hair", at([0, 0.066 * hd, -0.004 * hd]), axes, [0.054 * hd, 0.064 * hd, 0.064 * hd], 0.004 * hd, { cut });
  const out = [cap];
  if (style === "long") {
    out.push(ellipsoid("head", "hair", at([0, 0.02 * hd, -0.03 * hd]), axes, [0.055 * hd, 0.085 * hd, 0.04 * hd], 0.01 * hd));
  } else if (style === "ponytail") {
    out.push(cone("head", "hair", at([0, 0.07 * hd, -0.06 * hd]), at([0, -0.02 * hd, -0.085 * hd]), 0.016 * hd, 0.01 * hd, 0.008 * hd));
  } else if (style === "bun") {
    out.push(ellipsoid("head", "hair", at([0, 0.1 * hd, -0.05 * hd]), axes, [0.028 * hd, 0.026 * hd, 0.028 * hd], 0.008 * hd));
  } else if (style === "curly") {
    out[0] = { ...cap, radii: [0.062 * hd, 0.072 * hd, 0.07 * hd] };
  }
  return out;
} // deno-fmt-ignore

function limbs(look: Appearance, pose: WorldPose, side: Side): Primitive[] {
  const p = look.proportions;
  const h = p.height;
  const g = p.build;
  const at = (j: string) => pose.positions[JOINT_INDEX[`${side}_${j}` as JointName]];
  const j = (name: string) => `${side}_${name}` as JointName;
  const out: Primitive[] = [];
  const common = { side };
  out.push(cone(j("shoulder"), "upper_arm", at("shoulder"), at("elbow"), 0.034 * h * g, 0.025 * h * g, 0.02 * h, common));
  // The forearm ends at the wrist plane; the hand grid draws on from there.
  const wrist = at("wrist");
  const along = normalize(sub(wrist, at("elbow")));
  const wristRadius = 0.019 * h * Math.sqrt(g);
  out.push(cone(j("elbow"), "forearm", at("elbow"), wrist, 0.026 * h * g, wristRadius, 0.02 * h, { ...common, cut: { point: wrist, normal: scale(along, -1) } }));
  out.push(...handPrimitives(pose, side, h * p.arms, wristRadius));
  out.push(cone(j("hip"), "thigh", at("hip"), at("knee"), 0.058 * h * g, 0.036 * h * g, 0.03 * h, common));
  const knee = at("knee");
  const ankle = at("ankle");
  out.push(cone(j("knee"), "shin", knee, ankle, 0.036 * h * g, 0.021 * h * Math.sqrt(g), 0.02 * h, common));
  // The calf muscle bulges behind the upper shin.
  const shinAxes = frameAxes(pose, j("knee"));
  out.push(ellipsoid(j("knee"), "shin", add(knee, add(scale(sub(ankle, knee), 0.3), scale(shinAxes[2], -0.01 * h))), shinAxes, [0.035 * h * g, 0.09 * h, 0.036 * h * g], 0.03 * h, common));
  // A shoe: sole from heel to toe, a little wider than the foot's bones.
  const footRadius = 0.022 * h;
  out.push(cone(j("ankle"), "foot", at("heel"), at("toe"), footRadius * 1.05, footRadius * 0.95, 0.02 * h, common));
  // The instep: low over the sole, rising to the ankle.
  const footAxes = frameAxes(pose, j("ankle"));
  out.push(ellipsoid(j("ankle"), "foot", add(add(ankle, scale(sub(at("toe"), ankle), 0.4)), scale(footAxes[1], -0.012 * h)), footAxes, [0.026 * h, 0.022 * h, 0.055 * h], 0.015 * h, common));
  return out;
} // deno-fmt-ignore

/**
 * One hand's primitives in `pose`: a wrist stub (region "forearm"), the palm and three bones
 * per finger, for a person of height × arms = `size` (the object actions' hand uses it too).
 */
export function handPrimitives(pose: WorldPose, side: Side, size: number, wristRadius: number): Primitive[] {
  const q = pose.rotations[JOINT_INDEX[`${side}_wrist`]];
  const wrist = pose.positions[JOINT_INDEX[`${side}_wrist`]];
  const [x, y, z] = [rotate(q, [1, 0, 0]), rotate(q, [0, 1, 0]), rotate(q, [0, 0, 1])];
  const at = (name: string) => pose.positions[JOINT_INDEX[`${side}_${name}` as JointName]];
  const grid = { grid: "hand" as Grid, side };
  const out: Primitive[] = [];
  // A stub inside the forearm's end joins the hand grid's surface to the body's.
  const elbow = pose.positions[JOINT_INDEX[`${side}_elbow`]];
  const back = normalize(sub(elbow, wrist));
  out.push(cone(`${side}_elbow`, "forearm", add(wrist, scale(back, 0.04 * size)), wrist, wristRadius + 0.0005 * size, wristRadius - 0.0012 * size, 0.004 * size, grid));
  // Palm: a rounded slab from the wrist to the knuckles, thumb side in front.
  out.push({
    ...cone(`${side}_wrist`, "hand", wrist, wrist, 0, 0, 0.008 * size, grid),
    shape: "box",
    centre: add(wrist, scale(y, -0.027 * size)),
    axes: [x, y, z],
    radii: [0.0085 * size, 0.026 * size, 0.023 * size],
    round: 0.007 * size,
  });
  const radius: Record<string, number> = { thumb: 0.0062, index: 0.005, middle: 0.0052, ring: 0.0049, pinky: 0.0043 };
  for (const f of FINGERS) {
    const r = radius[f] * size;
    const chain = [`${f}_1`, `${f}_2`, `${f}_3`, `${f}_tip`];
    // The thumb's first bone (the metacarpal) sits inside the palm's ball: draw it thicker.
    for (let k = 0; k < 3; k++) {
      const taper = 1 - 0.1 * k;
      const ra = (f === "thumb" && k === 0 ? 1.7 : 1) * r * taper;
      const rb = r * (taper - 0.1) * (k === 2 ? 0.9 : 1);
      out.push(cone(`${side}_${chain[k]}` as JointName, "hand", at(chain[k]), at(chain[k + 1]), ra, rb, 0.0015 * size, grid));
    }
  }
  return out;
} // deno-fmt-ignore

/** Polynomial smooth minimum (blend radius k). */
function smin(a: number, b: number, k: number): number {
  if (k <= 0) return Math.min(a, b);
  const h = Math.max(k - Math.abs(a - b), 0) / k;
  return Math.min(a, b) - h * h * k * 0.25;
}

/** Signed distance (a Lipschitz-1 bound) from (x, y, z) to one primitive. */
export function primitiveDistance(pr: Primitive, x: number, y: number, z: number): number {
  let d: number;
  if (pr.shape === "cone") {
    const [ax, ay, az] = pr.a;
    const bx = pr.b[0] - ax, by = pr.b[1] - ay, bz = pr.b[2] - az;
    const px = x - ax, py = y - ay, pz = z - az;
    const len2 = bx * bx + by * by + bz * bz;
    const t = len2 > 0 ? Math.min(1, Math.max(0, (px * bx + py * by + pz * bz) / len2)) : 0;
    d = Math.hypot(px - bx * t, py - by * t, pz - bz * t) - (pr.ra + (pr.rb - pr.ra) * t);
  } else {
    const [cx, cy, cz] = pr.centre;
    const px = x - cx, py = y - cy, pz = z - cz;
    const [u, v, w] = pr.axes;
    const lx = px * u[0] + py * u[1] + pz * u[2];
    const ly = px * v[0] + py * v[1] + pz * v[2];
    const lz = px * w[0] + py * w[1] + pz * w[2];
    const [rx, ry, rz] = pr.radii;
    if (pr.shape === "ellipsoid") {
      // Scaled by the smallest radius: a distance bound, exact on the surface.
      d = (Math.hypot(lx / rx, ly / ry, lz / rz) - 1) * Math.min(rx, ry, rz);
    } else {
      const r = pr.round;
      const qx = Math.abs(lx) - rx + r, qy = Math.abs(ly) - ry + r, qz = Math.abs(lz) - rz + r;
      d = Math.hypot(Math.max(qx, 0), Math.max(qy, 0), Math.max(qz, 0)) +
        Math.min(Math.max(qx, qy, qz), 0) - r;
    }
  }
  if (pr.cut) {
    const c = pr.cut;
    const plane = -((x - c.point[0]) * c.normal[0] + (y - c.point[1]) * c.normal[1] +
      (z - c.point[2]) * c.normal[2]);
    d = Math.max(d, plane);
  }
  return d;
} // deno-fmt-ignore

/** Bounding box of a primitive. */
export function primitiveBox(pr: Primitive): { min: Vec3; max: Vec3 } {
  if (pr.shape === "cone") {
    const r = Math.max(pr.ra, pr.rb);
    return {
      min: [0, 1, 2].map((k) => Math.min(pr.a[k], pr.b[k]) - r) as Vec3,
      max: [0, 1, 2].map((k) => Math.max(pr.a[k], pr.b[k]) + r) as Vec3,
    };
  }
  // Half extent along world axis k: |row k of [axes · radii]|.
  const e = [0, 1, 2].map((k) => Math.hypot(...pr.axes.map((a, i) => a[k] * pr.radii[i])));
  return {
    min: [0, 1, 2].map((k) => pr.centre[k] - e[k]) as Vec3,
    max: [0, 1, 2].map((k) => pr.centre[k] + e[k]) as Vec3,
  };
}

/**
 * The body's field for one grid: the smooth union of its primitives. Points are looked up
 * in a coarse bin of the primitives that can matter there, so each sample evaluates a few.
 * Beyond `reach` of every primitive the field returns `reach` (still a distance bound).
 */
export function bodyField(primitives: Primitive[], reach: number, bin = 0.05) {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  const boxes = primitives.map(primitiveBox);
  for (const b of boxes) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], b.min[k] - reach);
      max[k] = Math.max(max[k], b.max[k] + reach);
    }
  }
  const n = [0, 1, 2].map((k) => Math.max(1, Math.ceil((max[k] - min[k]) / bin)));
  const bins: number[][] = Array.from({ length: n[0] * n[1] * n[2] }, () => []);
  boxes.forEach((b, i) => {
    const lo = [0, 1, 2].map((k) => Math.max(0, Math.floor((b.min[k] - reach - min[k]) / bin)));
    const hi = [0, 1, 2].map((k) =>
      Math.min(n[k] - 1, Math.floor((b.max[k] + reach - min[k]) / bin))
    );
    for (let ix = lo[0]; ix <= hi[0]; ix++) {
      for (let iy = lo[1]; iy <= hi[1]; iy++) {
        for (let iz = lo[2]; iz <= hi[2]; iz++) bins[(iz * n[1] + iy) * n[0] + ix].push(i);
      }
    }
  });
  const field = (x: number, y: number, z: number): number => {
    const ix = Math.floor((x - min[0]) / bin),
      iy = Math.floor((y - min[1]) / bin),
      iz = Math.floor((z - min[2]) / bin);
    if (ix < 0 || iy < 0 || iz < 0 || ix >= n[0] || iy >= n[1] || iz >= n[2]) return reach;
    let d = reach;
    for (const i of bins[(iz * n[1] + iy) * n[0] + ix]) {
      const pr = primitives[i];
      d = smin(d, primitiveDistance(pr, x, y, z), pr.blend);
    }
    return Math.min(d, reach);
  };
  /** Index of the primitive nearest the point (among those binned there; -1 beyond reach). */
  const nearest = (x: number, y: number, z: number): number => {
    const ix = Math.floor((x - min[0]) / bin),
      iy = Math.floor((y - min[1]) / bin),
      iz = Math.floor((z - min[2]) / bin);
    if (ix < 0 || iy < 0 || iz < 0 || ix >= n[0] || iy >= n[1] || iz >= n[2]) return -1;
    let best = Infinity, at = -1;
    for (const i of bins[(iz * n[1] + iy) * n[0] + ix]) {
      const d = primitiveDistance(primitives[i], x, y, z);
      if (d < best) best = d, at = i;
    }
    return at;
  };
  return { field, nearest, min, max };
} // deno-fmt-ignore

/**
 * Per joint, a box around the primitives it carries, square to the joint's bind frame (so
 * it hugs a limb in any pose), grown by the most a smooth union adds (a quarter of its
 * blend) and `pad` (the skin-weight falloff, which pulls nearby surface along). Stored as
 * its 8 corners in bind-space object coordinates, 24 floats per joint; NaN for a joint that
 * carries nothing.
 */
export function jointBoxes(primitives: Primitive[], bind: WorldPose, pad: number): Float32Array {
  const out = new Float32Array(JOINTS.length * 24).fill(NaN);
  for (let j = 0; j < JOINTS.length; j++) {
    const mine = primitives.filter((pr) => JOINT_INDEX[pr.joint] === j);
    if (mine.length === 0) continue;
    const origin = bind.positions[j], q = bind.rotations[j];
    const inv: Quat = [-q[0], -q[1], -q[2], q[3]];
    const local = (p: Vec3) => rotate(inv, sub(p, origin));
    const min: Vec3 = [Infinity, Infinity, Infinity], max: Vec3 = [-Infinity, -Infinity, -Infinity];
    for (const pr of mine) {
      const box = primitiveBox({
        ...pr,
        a: local(pr.a),
        b: local(pr.b),
        centre: local(pr.centre),
        axes: pr.axes.map((x) => rotate(inv, x)) as [Vec3, Vec3, Vec3],
      });
      const grow = pr.blend / 4 + pad;
      for (let k = 0; k < 3; k++) {
        min[k] = Math.min(min[k], box.min[k] - grow);
        max[k] = Math.max(max[k], box.max[k] + grow);
      }
    }
    for (let c = 0; c < 8; c++) {
      const corner = add(origin, rotate(q, [c & 1 ? max[0] : min[0], c & 2 ? max[1] : min[1], c & 4 ? max[2] : min[2]]));
      out.set(corner, j * 24 + c * 3);
    }
  }
  return out;
}
