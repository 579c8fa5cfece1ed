/**
 * One skinned body mesh per person: the body's distance field (body_shape.ts)
 * polygonized in the bind pose, a coarse grid for the body and a fine one
 * for each hand; per-vertex skin weights from how close each joint's
 * primitives are; UVs in metres around and along each limb; and clothing
 * decided per vertex from the body part under it, split into one part per
 * material (skin, top, bottom, shoes, hair, face).
 */
import type { MeshData } from "../scene/mesh.ts";
import type { Skin } from "../scene/skin.ts";
import type { Vec3 } from "../scene/scene.ts";
import { polygonize } from "../scene/surface_nets.ts";
import { MeshoptSimplifier } from "meshoptimizer";
import type { Appearance } from "./appearance.ts";
import { bodyField, jointBoxes, type Primitive, primitiveDistance } from "./body_shape.ts";
import { JOINT_INDEX, JOINTS, type WorldPose } from "./skeleton.ts";
import { add, cross, dot, normalize, rotate, scale, sub } from "./math.ts";

export const SLOTS = ["skin", "top", "accent", "bottom", "shoes", "hair", "eyes", "lips"] as const;
export type Slot = typeof SLOTS[number];

export interface BodyMesh {
  /** One skinned mesh per slot that has triangles, in SLOTS order. */
  parts: { slot: Slot; mesh: MeshData }[];
  /** The bind pose the vertices are in (root at the origin). */
  bind: WorldPose;
  primitives: Primitive[];
  triangles: number;
}

/** Grid cells as shares of the height: about 1 cm for the body, 3 mm for the hands. */
const BODY_CELL = 0.0072;
const HAND_CELL = 0.0022;
/** Metres of body surface one texture tile covers (a stripe pattern of 12 is 2 cm a stripe). */
const FABRIC_TILE = 0.25;
/** Simplified surfaces stay within this of the field (share of height). */
const SIMPLIFY_BODY = 0.0006;
const SIMPLIFY_HAND = 0.0003;
/** Skin weights fall off over this distance beyond the nearest primitive (share of height). */
const BODY_FALLOFF = 0.02;
const HAND_FALLOFF = 0.004;

interface Vertices {
  positions: Float32Array;
  normals: Float32Array;
  indices: Uint32Array;
  /** Slot index (SLOTS) of each vertex. */
  label: Uint8Array;
}

await MeshoptSimplifier.ready;

/**
 * One grid's surface, labelled with the slot each dense vertex wears, then simplified
 * (meshoptimizer's edge collapses keep a subset of the vertices, so their SDF normals stay
 * exact) to within `error` metres of the field. Vertices on a border between slots are
 * locked, so a hem or sleeve edge keeps the dense grid's ~1 cm steps instead of zigzagging
 * along long simplified triangles. (The object actions' hand, hand_mesh.ts, uses it too.)
 */
export function primitiveSurface(
  primitives: Primitive[],
  cell: number,
  error: number,
  slot: (owner: Primitive, p: Vec3) => number,
): Vertices {
  const reach = 12 * cell;
  const { field, nearest, min, max } = bodyField(primitives, reach, Math.max(0.04, 16 * cell));
  const dense = polygonize(
    field,
    min as [number, number, number],
    max as [number, number, number],
    cell,
  );
  const n = dense.positions.length / 3;
  const labels = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    const p: Vec3 = [
      dense.positions[v * 3],
      dense.positions[v * 3 + 1],
      dense.positions[v * 3 + 2],
    ];
    const i = nearest(p[0], p[1], p[2]);
    labels[v] = i < 0 ? 0 : slot(primitives[i], p);
  }
  const lock = new Uint8Array(n);
  const tri = dense.indices;
  for (let f = 0; f < tri.length; f += 3) {
    const a = tri[f], b = tri[f + 1], c = tri[f + 2];
    if (labels[a] !== labels[b] || labels[b] !== labels[c]) lock[a] = lock[b] = lock[c] = 1;
  }
  const [kept] = MeshoptSimplifier.simplifyWithAttributes(
    dense.indices,
    dense.positions,
    3,
    new Float32Array(0),
    0,
    [],
    lock,
    0,
    error,
    ["ErrorAbsolute"],
  );
  const [remap, count] = MeshoptSimplifier.compactMesh(kept);
  const positions = new Float32Array(count * 3);
  const normals = new Float32Array(count * 3);
  const label = new Uint8Array(count);
  // compactMesh renumbered `kept` in place; remap[old] is each kept vertex's new index.
  for (let v = 0; v < remap.length; v++) {
    const to = remap[v];
    if (to === 0xffffffff) continue;
    positions.set(dense.positions.subarray(v * 3, v * 3 + 3), to * 3);
    normals.set(dense.normals.subarray(v * 3, v * 3 + 3), to * 3);
    label[to] = labels[v];
  }
  return { positions, normals, indices: kept, label };
} // deno-fmt-ignore

function concat(parts: Vertices[]): Vertices {
  let nv = 0, ni = 0;
  for (const p of parts) nv += p.positions.length, ni += p.indices.length;
  const out = { positions: new Float32Array(nv), normals: new Float32Array(nv), indices: new Uint32Array(ni), label: new Uint8Array(nv / 3) };
  let ov = 0, oi = 0;
  for (const p of parts) {
    out.positions.set(p.positions, ov);
    out.normals.set(p.normals, ov);
    out.label.set(p.label, ov / 3);
    for (let i = 0; i < p.indices.length; i++) out.indices[oi + i] = p.indices[i] + ov / 3;
    ov += p.positions.length;
    oi += p.indices.length;
  }
  return out;
} // deno-fmt-ignore

/** Each joint's bind-space box (skin.jointBoxes): its primitives grown by the weight falloff. */
export function bodyJointBoxes(
  primitives: Primitive[],
  bind: WorldPose,
  height: number,
): Float32Array {
  return jointBoxes(primitives, bind, BODY_FALLOFF * height);
}

/** Builds the body mesh of `look` from its primitives in the `bind` pose (body_shape.ts). */
export function buildBodyMesh(
  look: Appearance,
  bind: WorldPose,
  primitives: Primitive[],
): BodyMesh {
  const h = look.proportions.height;
  const faces = faceSites(bind, look);
  const slot = (owner: Primitive, p: Vec3) => SLOTS.indexOf(slotOf(look, owner, p, bind, faces));
  const body = primitives.filter((p) => p.grid === "body");
  const hands = (["left", "right"] as const).map((side) =>
    primitiveSurface(
      primitives.filter((p) => p.grid === "hand" && p.side === side),
      HAND_CELL * h,
      SIMPLIFY_HAND * h,
      slot,
    )
  );
  const all = concat([primitiveSurface(body, BODY_CELL * h, SIMPLIFY_BODY * h, slot), ...hands]);
  const n = all.positions.length / 3;
  const skin = skinWeights(all.positions, primitives, h, n);
  // Angle around (turns), distance along (m) and girth (m) of each vertex's limb: u = turns × girth.
  const around = new Float32Array(n * 3);
  for (let v = 0; v < n; v++) {
    const x = all.positions[v * 3], y = all.positions[v * 3 + 1], z = all.positions[v * 3 + 2];
    around.set(surfaceUv(primitives[skin.owner[v]], [x, y, z], bind), v * 3);
  }
  const parts = splitBySlot(all, around, {
    ...skin.skin,
    jointBoxes: bodyJointBoxes(primitives, bind, h),
  }, all.label);
  return { parts, bind, primitives, triangles: all.indices.length / 3 };
}

/**
 * Weights: every primitive within the falloff of the nearest one pulls its vertex towards
 * its joint, by how close it is (a smooth ramp); the four strongest joints are kept.
 */
function skinWeights(positions: Float32Array, primitives: Primitive[], h: number, n: number) {
  const joints = new Uint16Array(n * 4);
  const weights = new Float32Array(n * 4);
  const owner = new Uint16Array(n);
  const d = new Float64Array(primitives.length);
  const perJoint = new Float64Array(JOINTS.length);
  for (let v = 0; v < n; v++) {
    const x = positions[v * 3], y = positions[v * 3 + 1], z = positions[v * 3 + 2];
    let best = Infinity;
    for (let i = 0; i < primitives.length; i++) {
      d[i] = primitiveDistance(primitives[i], x, y, z);
      // Hair and the skirt own what they cover but never pull on the body's joints.
      if (d[i] < best) best = d[i], owner[v] = i;
    }
    perJoint.fill(0);
    for (let i = 0; i < primitives.length; i++) {
      const pr = primitives[i];
      const falloff = (pr.grid === "hand" ? HAND_FALLOFF : BODY_FALLOFF) * h;
      const t = 1 - (d[i] - best) / falloff;
      if (t <= 0) continue;
      perJoint[JOINT_INDEX[pr.joint]] += t * t * (3 - 2 * t);
    }
    // Four strongest joints (ties broken by joint index for determinism).
    const top: number[] = [];
    for (let j = 0; j < perJoint.length; j++) {
      if (perJoint[j] <= 0) continue;
      top.push(j);
      top.sort((a, b) => perJoint[b] - perJoint[a] || a - b);
      if (top.length > 4) top.pop();
    }
    let sum = 0;
    for (const j of top) sum += perJoint[j];
    top.forEach((j, k) => {
      joints[v * 4 + k] = j;
      weights[v * 4 + k] = perJoint[j] / sum;
    });
  } // deno-fmt-ignore
  const skin: Skin = { joints, weights, jointCount: JOINTS.length };
  return { skin, owner };
}

interface FaceSites {
  eyes: Vec3[];
  brows: Vec3[];
  mouth: Vec3;
  /** Head frame axes (right, up, forward) and size. */
  up: Vec3;
  size: number;
}

function faceSites(bind: WorldPose, look: Appearance): FaceSites {
  const hd = look.proportions.height * look.proportions.head;
  const head = JOINT_INDEX.head;
  const q = bind.rotations[head];
  const at = (v: Vec3) => add(bind.positions[head], rotate(q, v));
  return {
    eyes: [at([0.018 * hd, 0.057 * hd, 0.05 * hd]), at([-0.018 * hd, 0.057 * hd, 0.05 * hd])],
    brows: [at([0.019 * hd, 0.071 * hd, 0.054 * hd]), at([-0.019 * hd, 0.071 * hd, 0.054 * hd])],
    mouth: at([0, 0.028 * hd, 0.058 * hd]),
    up: rotate(q, [0, 1, 0]),
    size: hd,
  };
}

/** Which material a vertex wears. */
function slotOf(
  look: Appearance,
  owner: Primitive,
  p: Vec3,
  bind: WorldPose,
  face: FaceSites,
): Slot {
  const c = look.clothes;
  const h = look.proportions.height;
  const region = owner.region;
  const t = along(owner, p);
  const dist = (a: Vec3) => Math.hypot(p[0] - a[0], p[1] - a[1], p[2] - a[2]);
  switch (region) {
    case "hair":
      return "hair";
    case "eye":
      return "eyes";
    case "head":
    case "face": {
      if (face.brows.some((b) => dist(b) < 0.009 * face.size) && look.hairStyle !== "bald") {
        return "hair";
      }
      const m = sub(p, face.mouth);
      const up = m[0] * face.up[0] + m[1] * face.up[1] + m[2] * face.up[2];
      if (Math.abs(up) < 0.005 * face.size && Math.hypot(m[0], m[1], m[2]) < 0.017 * face.size) {
        return "lips";
      }
      return "skin";
    }
    case "neck":
    case "hand":
      return "skin";
    case "foot":
      return "shoes";
    case "skirt":
      return c.bottom === "dress" ? "top" : "bottom";
    case "pelvis":
    case "torso": {
      // Below the waistband the bottom garment; above it the top (an open jacket shows the shirt).
      const waist = bind.positions[JOINT_INDEX.pelvis][1] + 0.035 * h;
      if (p[1] < waist) {
        return c.bottom === "dress" ? "top" : c.bottom === "skirt" ? "bottom" : "bottom";
      }
      if (c.top === "jacket" && p[2] > 0 && Math.abs(p[0]) < 0.028 * h && region === "torso") {
        return "accent";
      }
      if (
        c.top === "tank top" && Math.abs(p[0]) > 0.075 * h &&
        p[1] > bind.positions[JOINT_INDEX.chest][1] + 0.06 * h
      ) return "skin";
      return "top";
    }
    case "upper_arm":
      if (c.top === "tank top") return "skin";
      if (c.top === "t-shirt") return owner.shape === "ellipsoid" || t < 0.45 ? "top" : "skin";
      return "top";
    case "forearm":
      return (c.top === "long-sleeved shirt" || c.top === "jacket") && t < 0.96 ? "top" : "skin";
    case "thigh":
      if (c.bottom === "trousers" || c.bottom === "jeans") return "bottom";
      if (c.bottom === "shorts") return t < 0.5 ? "bottom" : "skin";
      return "skin";
    case "shin":
      if (c.bottom === "trousers" || c.bottom === "jeans") {
        return t < 0.93 || owner.shape === "ellipsoid" ? "bottom" : "shoes";
      }
      return t > 0.9 && owner.shape === "cone" ? "shoes" : "skin";
  }
} // deno-fmt-ignore

/** Position along a cone from a (0) to b (1); 0.5 for other shapes. */
function along(pr: Primitive, p: Vec3): number {
  if (pr.shape !== "cone") return 0.5;
  const ab = sub(pr.b, pr.a);
  const l2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2];
  if (l2 === 0) return 0;
  const ap = sub(p, pr.a);
  return Math.min(1, Math.max(0, (ap[0] * ab[0] + ap[1] * ab[1] + ap[2] * ab[2]) / l2));
}

/**
 * Where a vertex sits around and along a limb's bone, or around and up the trunk's vertical
 * axis (so a stripe runs on across the torso's pieces): [turns, metres along, girth in m].
 */
function surfaceUv(pr: Primitive, p: Vec3, bind: WorldPose): [number, number, number] {
  const trunk = pr.region === "torso" || pr.region === "pelvis" || pr.region === "skirt" ||
    pr.region === "neck";
  let axis: Vec3, origin: Vec3, radius: number;
  if (trunk || pr.shape !== "cone") {
    origin = trunk ? bind.positions[JOINT_INDEX.pelvis] : pr.centre;
    axis = trunk ? rotate(bind.rotations[JOINT_INDEX.spine], [0, 1, 0]) : pr.axes[1];
    radius = trunk ? 0.15 : Math.max(pr.radii[0], pr.radii[2]);
  } else {
    origin = pr.a;
    const ab = sub(pr.b, pr.a);
    const l = Math.hypot(...ab) || 1;
    axis = [ab[0] / l, ab[1] / l, ab[2] / l];
    radius = (pr.ra + pr.rb) / 2;
  }
  const d = sub(p, origin);
  const v = dot(d, axis);
  // A fixed reference direction perpendicular to the axis measures the angle around it.
  const ref: Vec3 = Math.abs(axis[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const e1 = normalize(sub(ref, scale(axis, dot(ref, axis))));
  const angle = Math.atan2(dot(d, cross(axis, e1)), dot(d, e1));
  return [angle / (2 * Math.PI), v, 2 * Math.PI * radius];
} // deno-fmt-ignore

/**
 * One mesh per slot. A triangle wears the slot most of its corners have; vertices are copied
 * per slot (the copies are bit-identical, so the body stays closed by position), and a
 * triangle across the angle seam of its UVs gets its own corners, unwrapped by a turn.
 */
function splitBySlot(all: Vertices, around: Float32Array, skin: Skin, label: Uint8Array) {
  const parts: { slot: Slot; mesh: MeshData }[] = [];
  const tri = all.indices;
  for (let s = 0; s < SLOTS.length; s++) {
    const map = new Map<number, number>();
    const pos: number[] = [], nor: number[] = [], uv: number[] = [], idx: number[] = [];
    const jw: number[] = [], ww: number[] = [];
    const copy = (v: number, turns: number) => {
      pos.push(all.positions[v * 3], all.positions[v * 3 + 1], all.positions[v * 3 + 2]);
      nor.push(all.normals[v * 3], all.normals[v * 3 + 1], all.normals[v * 3 + 2]);
      uv.push((turns * around[v * 3 + 2]) / FABRIC_TILE, around[v * 3 + 1] / FABRIC_TILE);
      for (let k = 0; k < 4; k++) jw.push(skin.joints[v * 4 + k]), ww.push(skin.weights[v * 4 + k]);
      return pos.length / 3 - 1;
    };
    for (let f = 0; f < tri.length; f += 3) {
      const a = tri[f], b = tri[f + 1], c = tri[f + 2];
      const la = label[a], lb = label[b], lc = label[c];
      if ((lb === lc ? lb : la) !== s) continue;
      const turns = [around[a * 3], around[b * 3], around[c * 3]];
      if (Math.max(...turns) - Math.min(...turns) > 0.5) {
        idx.push(...[a, b, c].map((v, k) => copy(v, turns[k] < 0 ? turns[k] + 1 : turns[k])));
        continue;
      }
      for (const v of [a, b, c]) {
        let i = map.get(v);
        if (i === undefined) map.set(v, i = copy(v, around[v * 3]));
        idx.push(i);
      }
    }
    if (idx.length === 0) continue;
    const mesh: MeshData = {
      positions: new Float32Array(pos),
      normals: new Float32Array(nor),
      uvs: new Float32Array(uv),
      indices: new Uint32Array(idx),
      convex: false,
      skin: { joints: new Uint16Array(jw), weights: new Float32Array(ww), jointCount: skin.jointCount, jointBoxes: skin.jointBoxes },
    };
    parts.push({ slot: SLOTS[s], mesh });
  }
  return parts;
}
