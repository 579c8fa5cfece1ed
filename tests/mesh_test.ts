import { meshBounds, type MeshData, primitives } from "../engine/scene/mesh.ts";

// Odd, coarse tessellations and a capsule with no straight part exercise seams and poles too.
const coarse = { segments: 5, rings: 3, tubeSegments: 3, height: 0.5, radius: 0.25 };

const closed = ["cube", "sphere", "cylinder", "cone", "torus", "capsule"];

type Vec = [number, number, number];

function assert(condition: boolean, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

/** Structural equality via JSON, enough for numbers, arrays and plain objects. */
function equal(actual: unknown, expected: unknown, message = ""): void {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  assert(a === b, `${message} expected ${b}, got ${a}`);
}

function near(actual: number, expected: number, tolerance: number): void {
  assert(
    Math.abs(actual - expected) <= tolerance,
    `${actual} is not within ${tolerance} of ${expected}`,
  );
}

function vertex(a: Float32Array, i: number): Vec {
  return [a[3 * i], a[3 * i + 1], a[3 * i + 2]];
}
function sub(a: Vec, b: Vec): Vec {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function cross(a: Vec, b: Vec): Vec {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function dot(a: Vec, b: Vec): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function centroid(mesh: MeshData): Vec {
  const { min, max } = meshBounds(mesh);
  return [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
}

/** Volume by the divergence theorem; positive when triangles face outward. */
function signedVolume(mesh: MeshData): number {
  let v = 0;
  const idx = mesh.indices;
  for (let t = 0; t < idx.length; t += 3) {
    const a = vertex(mesh.positions, idx[t]);
    v += dot(a, cross(vertex(mesh.positions, idx[t + 1]), vertex(mesh.positions, idx[t + 2])));
  }
  return v / 6;
}

/** Key of a vertex position, rounded so seam duplicates compare by position only. */
function positionKey(mesh: MeshData, i: number): string {
  return vertex(mesh.positions, i).map((x) => `${Math.round(x * 1e6)}`).join(",");
}

/** Every triangle is non-degenerate and its face normal agrees with its vertex normals. */
function windsOutward(mesh: MeshData): void {
  const idx = mesh.indices;
  equal(idx.length % 3, 0);
  for (let t = 0; t < idx.length; t += 3) {
    const [a, b, c] = [idx[t], idx[t + 1], idx[t + 2]].map((i) => vertex(mesh.positions, i));
    const face = cross(sub(b, a), sub(c, a));
    assert(Math.hypot(...face) > 0, `triangle ${t / 3} is degenerate`);
    for (const i of [idx[t], idx[t + 1], idx[t + 2]]) {
      assert(dot(face, vertex(mesh.normals, i)) > 0, `triangle ${t / 3} faces inward`);
    }
  }
}

/** Edges (by position) not shared by exactly two triangles; empty for a closed mesh. */
function badEdges(mesh: MeshData): string[] {
  const edges = new Map<string, number>();
  const idx = mesh.indices;
  for (let t = 0; t < idx.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = positionKey(mesh, idx[t + e]);
      const b = positionKey(mesh, idx[t + ((e + 1) % 3)]);
      const key = a < b ? `${a}|${b}` : `${b}|${a}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  return [...edges].filter(([, n]) => n !== 2).map(([key, n]) => `${key} x${n}`);
}

/** Analytic volumes for the default options of each closed primitive. */
const volumes: Record<string, number> = {
  cube: 1,
  sphere: (4 / 3) * Math.PI * 0.5 ** 3,
  cylinder: Math.PI * 0.25,
  cone: (Math.PI * 0.25) / 3,
  capsule: Math.PI * 0.25 ** 2 * 0.5 + (4 / 3) * Math.PI * 0.25 ** 3,
  torus: 2 * Math.PI ** 2 * 0.5 * 0.2 ** 2,
};

for (const [name, make] of Object.entries(primitives)) {
  Deno.test(`mesh.${name} has unit outward normals`, () => {
    const mesh = make();
    const c = centroid(mesh);
    const count = mesh.positions.length / 3;
    equal(mesh.normals.length, count * 3);
    for (let i = 0; i < count; i++) {
      const n = vertex(mesh.normals, i);
      near(Math.hypot(...n), 1, 1e-5);
      if (mesh.convex) assert(dot(n, sub(vertex(mesh.positions, i), c)) > 0, `vertex ${i}`);
    }
  });

  Deno.test(`mesh.${name} has UVs in [0,1]`, () => {
    const mesh = make();
    equal(mesh.uvs.length, (mesh.positions.length / 3) * 2);
    for (const x of mesh.uvs) assert(x >= 0 && x <= 1, `uv ${x}`);
  });

  Deno.test(`mesh.${name} winds counter-clockwise from outside`, () => {
    for (const mesh of [make(), make(coarse)]) windsOutward(mesh);
  });

  Deno.test(`mesh.${name} has the right convex flag`, () => {
    equal(make().convex, name !== "torus" && name !== "plane");
  });
}

for (const name of closed) {
  Deno.test(`mesh.${name} is watertight by position`, () => {
    equal(badEdges(primitives[name]()), []);
    equal(badEdges(primitives[name](coarse)), []);
  });

  Deno.test(`mesh.${name} has positive volume close to the analytic one`, () => {
    const v = signedVolume(primitives[name]());
    const expected = volumes[name];
    assert(v > 0);
    // Faceted curved solids are inscribed, so they lose a little volume.
    assert(Math.abs(v - expected) / expected < 0.02, `${v} vs ${expected}`);
  });
}

Deno.test("mesh.cube has 24 vertices and side `size`", () => {
  const mesh = primitives.cube({ size: 2 });
  equal(mesh.positions.length / 3, 24);
  equal(mesh.indices.length, 36);
  equal(meshBounds(mesh), { min: [-1, -1, -1], max: [1, 1, 1] });
  near(signedVolume(mesh), 8, 1e-9);
});

Deno.test("mesh.cone has its apex at +h/2 and base at -h/2", () => {
  const { min, max } = meshBounds(primitives.cone({ radius: 1, height: 3 }));
  near(min[1], -1.5, 1e-9);
  near(max[1], 1.5, 1e-9);
  near(max[0], 1, 1e-6);
});

Deno.test("mesh.capsule height includes the caps", () => {
  const { min, max } = meshBounds(primitives.capsule({ radius: 0.5, height: 3 }));
  near(min[1], -1.5, 1e-9);
  near(max[1], 1.5, 1e-9);
  // A capsule no taller than its diameter degenerates to a sphere, still closed.
  const ball = primitives.capsule({ radius: 0.5, height: 1 });
  near(signedVolume(ball) / ((4 / 3) * Math.PI * 0.125), 1, 0.02);
});

Deno.test("mesh.plane faces +Y with the given size", () => {
  const mesh = primitives.plane({ width: 4, depth: 2 });
  equal(meshBounds(mesh), { min: [-2, 0, -1], max: [2, 0, 1] });
  for (let i = 0; i < 4; i++) equal(vertex(mesh.normals, i), [0, 1, 0]);
});

Deno.test("mesh.plane is open: its border edges are used once", () => {
  equal(badEdges(primitives.plane()).length, 4);
});

Deno.test("mesh.meshBounds of an empty mesh is zero", () => {
  const empty: MeshData = {
    positions: new Float32Array(),
    normals: new Float32Array(),
    uvs: new Float32Array(),
    indices: new Uint32Array(),
    convex: false,
  };
  equal(meshBounds(empty), { min: [0, 0, 0], max: [0, 0, 0] });
});
