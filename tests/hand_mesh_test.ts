/**
 * The object actions' hand: a closed smooth mesh with five fingers where the skeleton puts
 * them, the proxy's size (HAND), curled when it grasps, cached per mode, a box collider.
 */
import { initPhysics, PhysicsWorld } from "../engine/physics/world.ts";
import { Rng } from "../engine/scene/rng.ts";
import { Scene, type Vec3 } from "../engine/scene/scene.ts";
import {
  builtHand,
  HAND,
  handCollider,
  handMeshKey,
  type HandMode,
  useHandMesh,
} from "../plugins/action/hand_mesh.ts";
import { addHand, type Stage } from "../plugins/action/stage.ts";
import { assert, assertEquals } from "./assert.ts";

const MODES: HandMode[] = ["push", "grasp"];
/** How close "matches HAND" must be, metres. */
const MM = 0.001;

function bounds(p: Float32Array): { min: Vec3; max: Vec3 } {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], p[i + k]);
      max[k] = Math.max(max[k], p[i + k]);
    }
  }
  return { min, max };
}

const vertex = (p: Float32Array, v: number): Vec3 => [p[v * 3], p[v * 3 + 1], p[v * 3 + 2]];
const distance = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

Deno.test("hand mesh is a closed, outward, smooth surface of modest size in both modes", () => {
  for (const mode of MODES) {
    const { mesh } = builtHand(mode);
    const n = mesh.positions.length / 3;
    const triangles = mesh.indices.length / 3;
    assert(triangles >= 500 && triangles <= 5000, `${mode}: ${triangles} triangles`);
    assert(mesh.positions.every(Number.isFinite), `${mode}: finite positions`);
    for (let v = 0; v < n; v++) {
      const l = Math.hypot(...vertex(mesh.normals, v));
      assert(Math.abs(l - 1) < 1e-4, `${mode}: normal ${v} has length ${l}`);
    }
    assert(mesh.indices.every((i) => i < n), `${mode}: indices in range`);
    // Closed and manifold: every directed edge once, its reverse once (a pinch of ≤ 0.5 % allowed
    // where two fingers touch).
    const edges = new Map<string, number>();
    const t = mesh.indices;
    for (let f = 0; f < t.length; f += 3) {
      for (let k = 0; k < 3; k++) {
        const key = `${t[f + k]},${t[f + (k + 1) % 3]}`;
        edges.set(key, (edges.get(key) ?? 0) + 1);
      }
    }
    let open = 0;
    for (const [key, count] of edges) {
      const [a, b] = key.split(",");
      if (count !== 1 || edges.get(`${b},${a}`) !== 1) open++;
    }
    assert(open <= edges.size * 0.005, `${mode}: ${open} of ${edges.size} edges not closed`);
    // Outward: positive volume, and vertex normals agree with the faces around them.
    let volume = 0, agree = 0;
    for (let f = 0; f < t.length; f += 3) {
      const [a, b, c] = [
        vertex(mesh.positions, t[f]),
        vertex(mesh.positions, t[f + 1]),
        vertex(mesh.positions, t[f + 2]),
      ];
      const e1 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]],
        e2 = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
      const face = [
        e1[1] * e2[2] - e1[2] * e2[1],
        e1[2] * e2[0] - e1[0] * e2[2],
        e1[0] * e2[1] - e1[1] * e2[0],
      ];
      volume += (a[0] * face[0] + a[1] * face[1] + a[2] * face[2]) / 6;
      const normal = vertex(mesh.normals, t[f]);
      if (normal[0] * face[0] + normal[1] * face[1] + normal[2] * face[2] > 0) agree++;
    } // deno-fmt-ignore
    assert(volume > 0, `${mode}: volume ${volume}`);
    assert(agree > 0.98 * triangles, `${mode}: ${agree} of ${triangles} faces agree with normals`);
  }
});

Deno.test("hand mesh has five finger tips where the skeleton puts them", () => {
  for (const mode of MODES) {
    const { mesh, tips } = builtHand(mode);
    assertEquals(tips.length, 5);
    const n = mesh.positions.length / 3;
    for (const [f, tip] of tips.entries()) {
      // The skin lies a finger's radius (≤ 11 mm) beyond the tip site.
      let near = Infinity;
      for (let v = 0; v < n; v++) near = Math.min(near, distance(vertex(mesh.positions, v), tip));
      assert(near < 0.011, `${mode}: finger ${f} tip ${near} m from the skin`);
      for (const other of tips.slice(f + 1)) {
        assert(distance(tip, other) > 0.012, `${mode}: finger ${f} tip apart from the others`);
      }
    }
  }
});

Deno.test("hand mesh of a push has the proxy's bounds (HAND), its origin at the palm's centre", () => {
  const { min, max } = bounds(builtHand("push").mesh.positions);
  const [px, py, pz] = HAND.palm;
  const near = (a: number, b: number, what: string, tolerance = 3 * MM) =>
    assert(Math.abs(a - b) <= tolerance, `${what}: ${a.toFixed(4)} vs ${b}`);
  near(min[0], -px / 2, "back of the hand");
  near(max[0], px / 2, "palm");
  near(min[1], -py / 2, "heel");
  near(max[1], py / 2 + HAND.fingers, "finger tips");
  near(min[2], -pz / 2, "little finger's side");
  // The thumb stands out of the palm's side, less than the mitten's thumb (6.25 cm) did.
  assert(max[2] > pz / 2 && max[2] < 0.0625, `thumb side ${max[2]}`);
});

Deno.test("hand mesh of a grasp is curled: finger tips nearer the palm, on its side", () => {
  const push = builtHand("push");
  const grasp = builtHand("grasp");
  for (let f = 1; f < 5; f++) {
    const [a, b] = [push.tips[f], grasp.tips[f]];
    // Nearer the palm's centre, and out in front of the palm (local +x), not along the fingers.
    assert(Math.hypot(...b) < 0.75 * Math.hypot(...a), `finger ${f}: ${b} vs ${a}`);
    assert(b[0] > HAND.palm[0], `finger ${f} curls in front of the palm: ${b[0]}`);
  }
  const [p, g] = [bounds(push.mesh.positions), bounds(grasp.mesh.positions)];
  assert(g.max[1] < p.max[1] - 0.02, `a curled hand is shorter: ${g.max[1]} vs ${p.max[1]}`);
  // The palm itself is the same in both.
  assert(Math.abs(g.min[0] - p.min[0]) < MM && Math.abs(g.min[1] - p.min[1]) < MM, "same palm");
});

Deno.test("hand mesh is built once per mode and shared by every scene", () => {
  assert(builtHand("push") === builtHand("push"), "cached");
  const [a, b] = [new Scene(), new Scene()];
  assertEquals(useHandMesh(a, "push"), "hand_push");
  assertEquals(useHandMesh(a, "grasp"), handMeshKey("grasp"));
  useHandMesh(b, "push");
  assert(a.meshes.get("hand_push")![0].mesh === b.meshes.get("hand_push")![0].mesh, "shared");
});

Deno.test("addHand: a hand-class object with the mode's mesh and the box collider", async () => {
  await initPhysics();
  const scene = new Scene();
  const physics = new PhysicsWorld({ fps: 24 });
  const stage = { scene, physics, rng: new Rng("hand"), prefix: "t" } as unknown as Stage;
  const box = handCollider();
  assert(box.kind === "box");
  for (const mode of MODES) {
    const hand = addHand(stage, mode, mode, [0, 1, 0], [0, 0, 0, 1]);
    assertEquals([hand.cls, hand.mesh, hand.attributes.mode], ["hand", `hand_${mode}`, mode]);
    const collider = physics.bodyOf(hand).collider;
    const half = collider.halfExtents();
    const want = box.halfExtents;
    assert(
      [half.x, half.y, half.z].every((h, k) => Math.abs(h - want[k]) < 1e-6),
      `${mode}: collider ${JSON.stringify(half)}`,
    );
  }
  // The box is the push hand's envelope: the palm's slab, palm plus fingers long.
  assert(Math.abs(box.halfExtents[0] - HAND.palm[0] / 2) < 2 * MM, "slab thickness");
  assert(Math.abs(2 * box.halfExtents[1] - HAND.palm[1] - HAND.fingers) < 3 * MM, "length");
});
