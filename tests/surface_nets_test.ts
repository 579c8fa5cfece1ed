import { assert, assertEquals } from "./assert.ts";
import { polygonize, type Polygonized } from "../engine/scene/surface_nets.ts";

type Vec = [number, number, number];

const sphere =
  (cx: number, cy: number, cz: number, r: number) => (x: number, y: number, z: number) =>
    Math.hypot(x - cx, y - cy, z - cz) - r;

/** Exact capsule distance: to the segment a→b, minus the radius. */
function capsule(a: Vec, b: Vec, r: number) {
  const [abx, aby, abz] = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const abab = abx * abx + aby * aby + abz * abz;
  return (x: number, y: number, z: number) => {
    const px = x - a[0], py = y - a[1], pz = z - a[2];
    const t = Math.min(1, Math.max(0, (px * abx + py * aby + pz * abz) / abab));
    return Math.hypot(px - t * abx, py - t * aby, pz - t * abz) - r;
  };
}

/** How often each directed edge (a * vertexCount + b) appears in a triangle. */
function directedEdgeCounts({ positions, indices }: Polygonized): Map<number, number> {
  const counts = new Map<number, number>();
  const vertexCount = positions.length / 3;
  assert(indices.length > 0 && indices.length % 3 === 0, "has triangles");
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = indices[t + e], b = indices[t + (e + 1) % 3];
      assert(a !== b, `degenerate triangle ${t / 3}`);
      const key = a * vertexCount + b;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** Every undirected edge in exactly two triangles, every directed edge in one (consistent winding). */
function assertWatertight(mesh: Polygonized): void {
  const vertexCount = mesh.positions.length / 3;
  const counts = directedEdgeCounts(mesh);
  for (const [key, count] of counts) {
    const a = Math.floor(key / vertexCount), b = key % vertexCount;
    assertEquals(count, 1, `directed edge ${a}→${b} count`);
    assertEquals(counts.get(b * vertexCount + a), 1, `edge ${a}→${b} has a twin`);
  }
}

/**
 * Closed and consistently wound even where one vertex per cell pinches two sheets together
 * (a face whose four edges all cross, e.g. two capsules a cell apart): every directed edge is
 * matched by as many reverse ones. Returns how many undirected edges are such pinches.
 */
function assertClosed(mesh: Polygonized): number {
  const vertexCount = mesh.positions.length / 3;
  const counts = directedEdgeCounts(mesh);
  let pinched = 0;
  for (const [key, count] of counts) {
    const a = Math.floor(key / vertexCount), b = key % vertexCount;
    assertEquals(counts.get(b * vertexCount + a), count, `edge ${a}→${b} balanced`);
    if (count > 1 && a < b) pinched++;
  }
  return pinched;
}

/** Signed volume by the divergence theorem; positive when faces point outward. */
function signedVolume({ positions: p, indices }: Polygonized): number {
  let sixfold = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const a = 3 * indices[t], b = 3 * indices[t + 1], c = 3 * indices[t + 2];
    sixfold += p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) +
      p[a + 1] * (p[b + 2] * p[c] - p[b] * p[c + 2]) +
      p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
  }
  return sixfold / 6;
}

/** Connected components over shared vertices (union-find). */
function componentCount({ positions, indices }: Polygonized): number {
  const parent = Int32Array.from({ length: positions.length / 3 }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (let t = 0; t < indices.length; t += 3) {
    parent[root(indices[t + 1])] = root(indices[t]);
    parent[root(indices[t + 2])] = root(indices[t]);
  }
  const roots = new Set<number>();
  for (let i = 0; i < parent.length; i++) roots.add(root(i));
  return roots.size;
}

/** Tiny LCG so the capsule soup is the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Union of capsules in one flat array, so the timing measures the polygonizer more than closures. */
function randomCapsules(count: number): (x: number, y: number, z: number) => number {
  const random = lcg(12345);
  const stride = 7; // a.xyz, b.xyz, radius
  const parts = new Float64Array(count * stride);
  for (let i = 0; i < parts.length; i += stride) {
    for (let k = 0; k < 6; k++) parts[i + k] = random() * 1.2 - 0.6;
    parts[i + 6] = 0.03 + 0.07 * random();
  }
  return (x, y, z) => {
    let d = Infinity;
    for (let i = 0; i < parts.length; i += stride) {
      const ax = parts[i], ay = parts[i + 1], az = parts[i + 2];
      const abx = parts[i + 3] - ax, aby = parts[i + 4] - ay, abz = parts[i + 5] - az;
      const px = x - ax, py = y - ay, pz = z - az;
      const along = (px * abx + py * aby + pz * abz) / (abx * abx + aby * aby + abz * abz);
      const t = Math.min(1, Math.max(0, along));
      const dx = px - t * abx, dy = py - t * aby, dz = pz - t * abz;
      d = Math.min(d, Math.sqrt(dx * dx + dy * dy + dz * dz) - parts[i + 6]);
    }
    return d;
  };
}

function timeMs(run: () => unknown, repeats: number): number {
  run(); // warm the JIT
  const start = performance.now();
  for (let i = 0; i < repeats; i++) run();
  return (performance.now() - start) / repeats;
}

Deno.test("sphere: vertices on the surface, radial normals, closed, right volume", () => {
  const r = 0.3, cell = 0.01;
  let calls = 0;
  const exact = sphere(0, 0, 0, r);
  const mesh = polygonize((x, y, z) => (calls++, exact(x, y, z)), [-0.4, -0.4, -0.4], [
    0.4,
    0.4,
    0.4,
  ], cell);
  const { positions: p, normals: n } = mesh;
  assert(p.length > 3000, "has vertices");
  for (let v = 0; v < p.length; v += 3) {
    const length = Math.hypot(p[v], p[v + 1], p[v + 2]);
    assert(Math.abs(length - r) < 0.25 * cell, `vertex ${v / 3} off the surface by ${length - r}`);
    const cos = (n[v] * p[v] + n[v + 1] * p[v + 1] + n[v + 2] * p[v + 2]) / length;
    assert(Math.abs(Math.hypot(n[v], n[v + 1], n[v + 2]) - 1) < 1e-5, "unit normal");
    assert(cos > Math.cos((5 * Math.PI) / 180), `normal ${v / 3} off radial (cos ${cos})`);
  }
  assertWatertight(mesh);
  const volume = signedVolume(mesh), expected = (4 / 3) * Math.PI * r ** 3;
  assert(volume > 0, "faces point outward");
  assert(Math.abs(volume / expected - 1) < 0.01, `volume ${volume} vs ${expected}`);
  assertEquals(componentCount(mesh), 1);

  // The sphere fills much of this box, so the shell of active blocks is a large share of it.
  const dense = 81 ** 3;
  console.log(`sphere at cell 0.01: ${calls} sdf calls (normals included), dense ${dense}`);
  assert(calls < 0.6 * dense, `sparse evaluation: ${calls} calls vs ${dense} dense`);
});

Deno.test("sparse evaluation: the share of sdf calls falls as cells shrink", () => {
  let calls = 0;
  const exact = sphere(0, 0, 0, 0.3);
  const box: [Vec, Vec] = [[-0.4, -0.4, -0.4], [0.4, 0.4, 0.4]];
  const mesh = polygonize((x, y, z) => (calls++, exact(x, y, z)), ...box, 0.005);
  const dense = 161 ** 3;
  console.log(`sphere at cell 0.005: ${calls} sdf calls (normals included), dense ${dense}`);
  assert(calls < 0.3 * dense, `sparse evaluation: ${calls} calls vs ${dense} dense`);
  assertWatertight(mesh);
});

Deno.test("two far-apart spheres: two closed components", () => {
  const a = sphere(-0.5, 0, 0, 0.2), b = sphere(0.5, 0.1, 0, 0.15);
  const mesh = polygonize((x, y, z) => Math.min(a(x, y, z), b(x, y, z)), [-0.8, -0.4, -0.4], [
    0.8,
    0.4,
    0.4,
  ], 0.02);
  assertWatertight(mesh);
  assertEquals(componentCount(mesh), 2);
  assert(signedVolume(mesh) > 0, "faces point outward");
});

Deno.test("thin diagonal capsule crosses many block boundaries and stays closed", () => {
  const cell = 0.01;
  const thin = capsule([-0.33, -0.31, -0.29], [0.3, 0.32, 0.31], 1.5 * cell);
  for (const block of [3, 4, 8]) {
    const mesh = polygonize(thin, [-0.4, -0.4, -0.4], [0.4, 0.4, 0.4], cell, { block });
    assertWatertight(mesh);
    assertEquals(componentCount(mesh), 1, `block ${block}`);
    assert(signedVolume(mesh) > 0, "faces point outward");
  }
});

Deno.test("same inputs give the same bytes; block size does not change the mesh", () => {
  const sdf = randomCapsules(12);
  const box: [Vec, Vec] = [[-0.8, -0.8, -0.8], [0.8, 0.8, 0.8]];
  const first = polygonize(sdf, ...box, 0.02);
  const again = polygonize(sdf, ...box, 0.02);
  assertEquals(Array.from(again.positions), Array.from(first.positions));
  assertEquals(Array.from(again.normals), Array.from(first.normals));
  assertEquals(Array.from(again.indices), Array.from(first.indices));
  assertClosed(first);
  // Other block sizes visit cells in another order, so compare the sets of vertices.
  const sorted = (m: Polygonized) => {
    const rows: string[] = [];
    for (let v = 0; v < m.positions.length; v += 3) rows.push(m.positions.slice(v, v + 3).join());
    return rows.sort();
  };
  assertEquals(sorted(polygonize(sdf, ...box, 0.02, { block: 5 })), sorted(first));
});

Deno.test("timings: sphere r 0.3 at cell 0.01, 40 random capsules", () => {
  const ball = sphere(0, 0, 0, 0.3);
  const sphereMs = timeMs(() => polygonize(ball, [-0.4, -0.4, -0.4], [0.4, 0.4, 0.4], 0.01), 5);
  const soup = randomCapsules(40);
  let soupMesh: Polygonized | undefined;
  const soupMs = timeMs(() => {
    soupMesh = polygonize(soup, [-0.8, -0.8, -0.8], [0.8, 0.8, 0.8], 0.01);
  }, 2);
  const pinched = assertClosed(soupMesh!);
  assert(signedVolume(soupMesh!) > 0, "faces point outward");
  const soupTriangles = soupMesh!.indices.length / 3;
  console.log(`surface nets: sphere r 0.3, cell 0.01, box ±0.4: ${sphereMs.toFixed(1)} ms`);
  const soupLine = `${soupMs.toFixed(1)} ms, ${soupTriangles} triangles, ${pinched} pinched edges`;
  console.log(`surface nets: 40 capsules, cell 0.01, box ±0.8: ${soupLine}`);
});
