/** The skinned body: closed mesh, exact rest pose, volume-keeping joints, fingers, variety. */
import { Rng } from "../engine/scene/rng.ts";
import { describe, garments, sampleAppearance } from "../engine/human/appearance.ts";
import { Body } from "../engine/human/body.ts";
import { bindPose } from "../engine/human/body_shape.ts";
import { fingerRotations, HAND_SHAPES } from "../engine/human/hands.ts";
import {
  forwardKinematics,
  hand21,
  JOINT_INDEX,
  jointRotation,
  JOINTS,
  restLocal,
  restOffsets,
  type WorldPose,
} from "../engine/human/skeleton.ts";
import { posedBounds, skinMesh } from "../engine/scene/skin.ts";
import type { MeshData } from "../engine/scene/mesh.ts";
import type { Vec3 } from "../engine/scene/scene.ts";
import { assert, assertEquals } from "./assert.ts";

function person(seed: string, figure?: string) {
  const look = sampleAppearance(new Rng(seed), { figure });
  const offsets = restOffsets(look.proportions);
  return { look, offsets, body: new Body(look, offsets) };
}

/** Bind pose with some joints changed (local rotations), root at the origin. */
function posed(offsets: Vec3[], change: (local: ReturnType<typeof restLocal>) => void): WorldPose {
  const bind = bindPose(offsets);
  // Recover the bind pose's local rotations, then apply the change.
  const local = restLocal();
  for (const side of ["left", "right"] as const) {
    local[JOINT_INDEX[`${side}_shoulder`]] = jointRotation(`${side}_shoulder`, [0, 40, 0]);
    local[JOINT_INDEX[`${side}_hip`]] = jointRotation(`${side}_hip`, [0, 4, 0]);
    fingerRotations(side, HAND_SHAPES.open, offsets, local);
  }
  change(local);
  const pose = forwardKinematics(offsets, { root: [0, 0, 0], rootRotation: [0, 0, 0, 1], local });
  assertEquals(pose.positions.length, bind.positions.length);
  return pose;
}

/** Undirected edges by welded position: each must be used by exactly two triangles. */
function openEdges(meshes: MeshData[]): number {
  const key = (m: MeshData, v: number) =>
    `${m.positions[v * 3]},${m.positions[v * 3 + 1]},${m.positions[v * 3 + 2]}`;
  const count = new Map<string, number>();
  for (const m of meshes) {
    for (let f = 0; f < m.indices.length; f += 3) {
      for (let e = 0; e < 3; e++) {
        const a = key(m, m.indices[f + e]);
        const b = key(m, m.indices[f + ((e + 1) % 3)]);
        const k = a < b ? `${a}|${b}` : `${b}|${a}`;
        count.set(k, (count.get(k) ?? 0) + 1);
      }
    }
  }
  let open = 0;
  for (const n of count.values()) if (n !== 2) open++;
  return open;
}

Deno.test("the body mesh is closed, with hands, and every vertex's weights sum to 1", () => {
  const { body } = person("closed");
  const meshes = body.mesh.parts.map((p) => p.mesh);
  assertEquals(openEdges(meshes), 0, "no open or non-manifold edge");
  for (const m of meshes) {
    const w = m.skin!.weights;
    for (let v = 0; v < w.length; v += 4) {
      const s = w[v] + w[v + 1] + w[v + 2] + w[v + 3];
      assert(Math.abs(s - 1) < 1e-5, `weights sum to ${s}`);
    }
  }
  const slots = body.mesh.parts.map((p) => p.slot);
  for (const s of ["skin", "top", "shoes", "eyes"]) assert(slots.includes(s as never), `${s} part`);
  assert(
    body.mesh.triangles > 5000 && body.mesh.triangles < 120_000,
    `${body.mesh.triangles} triangles`,
  );
});

Deno.test("skinning with the rest (bind) pose gives back the bind mesh exactly", () => {
  const { body } = person("rest");
  const bind = body.mesh.bind;
  const matrices = body.skinMatrices(bind, [0, 0, 0], [0, 0, 0, 1]);
  for (const { mesh } of body.mesh.parts) {
    const out = skinMesh(mesh, matrices);
    for (let i = 0; i < out.positions.length; i++) {
      assert(Math.abs(out.positions[i] - mesh.positions[i]) < 1e-5, "position moved");
      assert(Math.abs(out.normals[i] - mesh.normals[i]) < 1e-4, "normal turned");
    }
  }
});

/** Volume of the cone fan from `apex` over the triangles most owned by `joint`. */
function ownedVolume(body: Body, matrices: Float32Array, joint: number, apex: Vec3): number {
  let volume = 0;
  for (const { mesh } of body.mesh.parts) {
    const p = skinMesh(mesh, matrices).positions;
    const s = mesh.skin!;
    const owns = (v: number) => s.joints[v * 4] === joint && s.weights[v * 4] > 0.5;
    for (let f = 0; f < mesh.indices.length; f += 3) {
      const [a, b, c] = [0, 1, 2].map((k) => mesh.indices[f + k]);
      if (!owns(a) || !owns(b) || !owns(c)) continue;
      const q = [a, b, c].map((v) => [0, 1, 2].map((k) => p[v * 3 + k] - apex[k]));
      volume += (q[0][0] * (q[1][1] * q[2][2] - q[1][2] * q[2][1]) -
        q[0][1] * (q[1][0] * q[2][2] - q[1][2] * q[2][0]) +
        q[0][2] * (q[1][0] * q[2][1] - q[1][1] * q[2][0])) / 6;
    }
  }
  return volume;
}

Deno.test("a 90° elbow keeps the forearm's volume within 10 % (no collapse)", () => {
  const { body, offsets } = person("elbow");
  const elbow = JOINT_INDEX.left_elbow;
  const bind = body.mesh.bind;
  const rest = body.skinMatrices(bind, [0, 0, 0], [0, 0, 0, 1]);
  const bent = posed(offsets, (l) => l[elbow] = jointRotation("left_elbow", [90, 0, 0]));
  const matrices = body.skinMatrices(bent, [0, 0, 0], [0, 0, 0, 1]);
  const before = ownedVolume(body, rest, elbow, bind.positions[elbow]);
  const after = ownedVolume(body, matrices, elbow, bent.positions[elbow]);
  assert(before > 0.0004, `forearm volume ${before} m³`);
  const change = Math.abs(after - before) / before;
  assert(change < 0.1, `forearm volume changed by ${(change * 100).toFixed(1)} %`);
  // The check bites: the forearm did move (its wrist is 90° round).
  const w = JOINT_INDEX.left_wrist;
  const moved = Math.hypot(...[0, 1, 2].map((k) => bent.positions[w][k] - bind.positions[w][k]));
  assert(moved > 0.2, "the forearm swung");
});

Deno.test("fingers: a fist brings the tips to the palm and the skin follows the finger joints", () => {
  const { body, offsets, look } = person("fist");
  const fist = posed(offsets, (l) => fingerRotations("right", HAND_SHAPES.fist, offsets, l));
  const bind = body.mesh.bind;
  const tips = ["index", "middle", "ring", "pinky"].map((f) =>
    JOINT_INDEX[`right_${f}_tip` as never]
  );
  const wrist = JOINT_INDEX.right_wrist;
  const d = (pose: WorldPose, j: number) =>
    Math.hypot(...[0, 1, 2].map((k) => pose.positions[j][k] - pose.positions[wrist][k]));
  for (const t of tips) {
    assert(d(fist, t) < 0.7 * d(bind, t), `${JOINTS[t]}: tip ${d(fist, t)} vs ${d(bind, t)} m`);
  }
  // Vertices owned by a fingertip bone stay within a finger's thickness of that bone's tip.
  const matrices = body.skinMatrices(fist, [0, 0, 0], [0, 0, 0, 1]);
  const reach = 0.012 * look.proportions.height;
  let checked = 0;
  for (const { mesh } of body.mesh.parts) {
    const p = skinMesh(mesh, matrices).positions;
    const s = mesh.skin!;
    for (let v = 0; v < p.length / 3; v++) {
      const j = s.joints[v * 4];
      const name = JOINTS[j];
      if (!name.startsWith("right_") || !name.endsWith("_3") || s.weights[v * 4] < 0.9) continue;
      const tip = fist.positions[JOINT_INDEX[name.replace(/_3$/, "_tip") as never]];
      const dist = Math.hypot(p[v * 3] - tip[0], p[v * 3 + 1] - tip[1], p[v * 3 + 2] - tip[2]);
      assert(dist < reach, `${name} vertex ${dist.toFixed(3)} m from its tip`);
      checked++;
    }
  }
  assert(checked > 50, `${checked} fingertip vertices checked`);
  assertEquals(hand21("right").length, 21);
});

Deno.test("100 people: skin tones, clothing, children and adults, captions that say what was drawn", () => {
  const skins = new Set<string>();
  const outfits = new Set<string>();
  const figures = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const look = sampleAppearance(new Rng(`crowd-${i}`), { figure: "anyone" });
    skins.add(look.skin);
    outfits.add(`${look.clothes.top}/${look.clothes.bottom}/${look.clothes.pattern}`);
    figures.add(look.figure);
    const caption = describe(look);
    assert(caption.startsWith(`a ${look.figure} in a`), caption);
    for (const [garment, colour] of Object.entries(garments(look))) {
      assert(caption.includes(`${colour} ${garment}`), `${caption}: ${colour} ${garment}`);
    }
    if (look.clothes.pattern !== "plain") assert(caption.includes(look.clothes.pattern), caption);
  }
  assert(skins.size >= 6, `${skins.size} skin tones`);
  assert(outfits.size >= 8, `${outfits.size} outfits`);
  for (const f of ["man", "woman", "boy", "girl"]) assert(figures.has(f), `no ${f}`);
});

Deno.test("a child is not a scaled adult: a larger head and shorter legs for the height", () => {
  const child = sampleAppearance(new Rng("kid"), { figure: "child" });
  const adult = sampleAppearance(new Rng("grown"), { figure: "adult" });
  const ratios = (look: typeof child) => {
    const o = restOffsets(look.proportions);
    const pose = forwardKinematics(o, {
      root: [0, 0, 0],
      rootRotation: [0, 0, 0, 1],
      local: restLocal(),
    });
    const y = (j: keyof typeof JOINT_INDEX) => pose.positions[JOINT_INDEX[j]][1];
    const h = look.proportions.height;
    return { head: (y("nose") - y("neck")) / h, legs: (y("left_hip") - y("left_ankle")) / h };
  };
  const c = ratios(child);
  const a = ratios(adult);
  assert(c.head > a.head * 1.15, `head share ${c.head} vs ${a.head}`);
  assert(c.legs < a.legs * 0.97, `leg share ${c.legs} vs ${a.legs}`);
  // And the mesh is built for it.
  const body = new Body(child, restOffsets(child.proportions));
  assertEquals(openEdges(body.mesh.parts.map((p) => p.mesh)), 0);
});

Deno.test("posed bounds from joint boxes hold every posed vertex, and the outline has the same", () => {
  const { body, offsets } = person("bounds");
  const crouch = posed(offsets, (l) => {
    l[JOINT_INDEX.left_hip] = jointRotation("left_hip", [-100, 0, 0]);
    l[JOINT_INDEX.left_knee] = jointRotation("left_knee", [110, 0, 0]);
    l[JOINT_INDEX.right_shoulder] = jointRotation("right_shoulder", [-150, 0, 0]);
    l[JOINT_INDEX.right_elbow] = jointRotation("right_elbow", [90, 0, 0]);
    l[JOINT_INDEX.spine] = jointRotation("spine", [30, 0, 0]);
  });
  for (const pose of [body.bind, crouch]) {
    const matrices = body.skinMatrices(pose, [0, 0, 0], [0, 0, 0, 1]);
    const box = posedBounds(body.place()[0].mesh, matrices);
    const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
    for (const { mesh } of body.place()) {
      const p = skinMesh(mesh, matrices).positions;
      for (let i = 0; i < p.length; i++) {
        min[i % 3] = Math.min(min[i % 3], p[i]);
        max[i % 3] = Math.max(max[i % 3], p[i]);
      }
    }
    for (let k = 0; k < 3; k++) {
      // Holds the vertices, and is not loose by more than a box around a tilted head with the weight falloff (12 cm).
      assert(
        box.min[k] <= min[k] && box.max[k] >= max[k],
        `axis ${k}: ${box.min[k]}..${box.max[k]} vs ${min[k]}..${max[k]}`,
      );
      assert(
        min[k] - box.min[k] < 0.12 && box.max[k] - max[k] < 0.12,
        `axis ${k} loose: ${box.min[k]}..${box.max[k]} vs ${min[k]}..${max[k]}`,
      );
    }
    const outline = posedBounds(body.place(false)[0].mesh, matrices);
    assertEquals(outline, box);
    // The outline's own vertices, skinned, span the same box.
    const o = skinMesh(body.place(false)[0].mesh, matrices).positions;
    for (let k = 0; k < 3; k++) {
      let lo = Infinity, hi = -Infinity;
      for (let i = k; i < o.length; i += 3) lo = Math.min(lo, o[i]), hi = Math.max(hi, o[i]);
      assert(
        Math.abs(lo - box.min[k]) < 1e-5 && Math.abs(hi - box.max[k]) < 1e-5,
        `outline axis ${k}`,
      );
    }
  }
}); // deno-fmt-ignore

Deno.test("a shorts hem is a clean line round the thigh, not a fringe of long triangles", () => {
  const base = sampleAppearance(new Rng("hem"), { figure: "man" });
  const look = { ...base, clothes: { ...base.clothes, bottom: "shorts" as const } };
  const offsets = restOffsets(look.proportions);
  const body = new Body(look, offsets);
  const bind = body.mesh.bind;
  const hip = bind.positions[JOINT_INDEX.left_hip], knee = bind.positions[JOINT_INDEX.left_knee];
  // Surface of the left thigh between hip and knee (the bind pose holds the leg near vertical).
  const onThigh = (p: ArrayLike<number>, i: number) =>
    Math.abs(p[i] - (hip[0] + knee[0]) / 2) < 0.1 && p[i + 1] < hip[1] - 0.08 && p[i + 1] > knee[1] + 0.05;
  let lowestShorts = Infinity, highestSkin = -Infinity;
  for (const { slot, mesh } of body.mesh.parts) {
    if (slot !== "bottom" && slot !== "skin") continue;
    for (let i = 0; i < mesh.positions.length; i += 3) {
      if (!onThigh(mesh.positions, i)) continue;
      const y = mesh.positions[i + 1];
      if (slot === "bottom") lowestShorts = Math.min(lowestShorts, y);
      else highestSkin = Math.max(highestSkin, y);
    }
  }
  assert(Number.isFinite(lowestShorts) && Number.isFinite(highestSkin), "both shorts and leg on the thigh");
  // Skin and shorts interleave only in a band about two grid cells tall (2.4 cm); 27 cm of
  // fringe when labels were decided after simplifying.
  const band = highestSkin - lowestShorts;
  assert(band < 0.03, `hem band ${(band * 100).toFixed(1)} cm`);
});
