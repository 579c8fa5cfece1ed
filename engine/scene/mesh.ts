// Procedural meshes: unit outward normals, UVs in [0,1], CCW winding seen from outside (Y up).
// Closed solids are watertight by position: seam and crease duplicates reuse the exact same
// arithmetic, so their positions are bit-identical.

/** Joints and weights of a skinned mesh (posed by engine/scene/skin.ts). */
export interface Skin {
  /** Four joint indices per vertex. */
  joints: Uint16Array;
  /** Four weights per vertex, summing to 1. */
  weights: Float32Array;
  /** Number of joints the matrices array holds. */
  jointCount: number;
  /**
   * Optional box around what each joint carries: its 8 corners in bind-space object
   * coordinates, 24 floats per joint (NaN for a joint that carries nothing). When present,
   * posed bounds are these corners under the joint matrices, so they need no vertices and
   * agree between a full mesh and its outline (plan mode).
   */
  jointBoxes?: Float32Array;
}

export interface MeshData {
  positions: Float32Array; // xyz per vertex
  normals: Float32Array; // xyz per vertex, unit length, outward
  uvs: Float32Array; // uv per vertex
  indices: Uint32Array; // triangles, counter-clockwise when seen from outside
  convex: boolean; // true when the mesh is a closed convex solid
  /**
   * "bounds": physics collides the object as its bounding box, not as a hull of its points (a
   * table with legs: its top is the unit cube's, and nothing falls between its legs, as before).
   */
  collider?: "bounds";
  /**
   * false: leaves no mark in shadow maps (a room's walls and ceiling, so a key light placed
   * beyond them still lights the room, as through a window; they still receive shadows).
   */
  castShadow?: boolean;
  /** Joints and weights of a skinned mesh (engine/scene/skin.ts); its object carries the matrices. */
  skin?: Skin;
}

/** Growable vertex/index lists, frozen into typed arrays by `finish`. */
export class Builder {
  positions: number[] = [];
  normals: number[] = [];
  uvs: number[] = [];
  indices: number[] = [];

  vertex(p: number[], n: number[], u: number, v: number): number {
    this.positions.push(p[0], p[1], p[2]);
    this.normals.push(n[0], n[1], n[2]);
    this.uvs.push(u, v);
    return this.positions.length / 3 - 1;
  }

  triangle(a: number, b: number, c: number): void {
    this.indices.push(a, b, c);
  }

  finish(convex: boolean): MeshData {
    return {
      positions: new Float32Array(this.positions),
      normals: new Float32Array(this.normals),
      uvs: new Float32Array(this.uvs),
      indices: new Uint32Array(this.indices),
      convex,
    };
  }
}

/** One point of a lathe profile: radius from the Y axis, height, 2D normal (radial, y), v coord. */
interface ProfilePoint {
  r: number;
  y: number;
  nr: number;
  ny: number;
  v: number;
}

/** A run of profile points swept together; `disc` strips get planar UVs (flat caps). */
interface Strip {
  points: ProfilePoint[];
  disc?: boolean;
}

/**
 * Sweeps profile strips around the Y axis: (r, y) -> (r sin a, y, r cos a).
 * Strips must run from top to bottom (or outward on a top cap, inward on a bottom cap) so
 * that triangles face outward. A point with r = 0 is a pole and gets a triangle fan instead
 * of a band of quads, avoiding zero-area triangles.
 */
function lathe(builder: Builder, strips: Strip[], segments: number): void {
  // Angle tables indexed by segment; index `segments` wraps to 0 so the seam is bit-identical.
  const sin: number[] = [];
  const cos: number[] = [];
  for (let j = 0; j <= segments; j++) {
    const a = (2 * Math.PI * (j % segments)) / segments;
    sin.push(Math.sin(a));
    cos.push(Math.cos(a));
  }
  for (const strip of strips) {
    const maxR = Math.max(...strip.points.map((p) => p.r));
    const rows: number[][] = [];
    for (const p of strip.points) {
      const row: number[] = [];
      if (p.r === 0) {
        // Pole: one vertex per segment so each fan triangle gets its own UV and normal.
        for (let j = 0; j < segments; j++) {
          const a = (2 * Math.PI * (j + 0.5)) / segments;
          const n = [p.nr * Math.sin(a), p.ny, p.nr * Math.cos(a)];
          const [u, v] = strip.disc ? [0.5, 0.5] : [(j + 0.5) / segments, p.v];
          row.push(builder.vertex([0, p.y, 0], n, u, v));
        }
      } else {
        for (let j = 0; j <= segments; j++) {
          const pos = [p.r * sin[j], p.y, p.r * cos[j]];
          const n = [p.nr * sin[j], p.ny, p.nr * cos[j]];
          const [u, v] = strip.disc
            ? [0.5 + (0.5 * pos[0]) / maxR, 0.5 + (0.5 * pos[2]) / maxR]
            : [j / segments, p.v];
          row.push(builder.vertex(pos, n, u, v));
        }
      }
      rows.push(row);
    }
    for (let k = 0; k + 1 < rows.length; k++) {
      const top = rows[k];
      const bottom = rows[k + 1];
      const topPole = strip.points[k].r === 0;
      const bottomPole = strip.points[k + 1].r === 0;
      for (let j = 0; j < segments; j++) {
        if (!bottomPole) builder.triangle(top[j], bottom[j], bottom[j + 1]);
        if (!topPole) builder.triangle(top[j], bottom[bottomPole ? j : j + 1], top[j + 1]);
      }
    }
  }
}

/** A profile point; its 2D (radial, y) normal is normalized here. */
function point(r: number, y: number, nr: number, ny: number, v: number): ProfilePoint {
  const len = Math.hypot(nr, ny);
  return { r, y, nr: nr / len, ny: ny / len, v };
}

/** Flat top and bottom caps for a lathe with rim radius `r` at heights `top` and `bottom`. */
function caps(r: number, top: number, bottom: number): Strip[] {
  return [
    { points: [point(0, top, 0, 1, 0), point(r, top, 0, 1, 1)], disc: true },
    { points: [point(r, bottom, 0, -1, 0), point(0, bottom, 0, -1, 1)], disc: true },
  ];
}

export function cube(options: { size?: number } = {}): MeshData {
  const h = (options.size ?? 1) / 2;
  const b = new Builder();
  // Each face: normal n and in-plane axes u, v with u x v = n, so (u, v) order is CCW from outside.
  const faces: number[][][] = [
    [[1, 0, 0], [0, 0, -1], [0, 1, 0]],
    [[-1, 0, 0], [0, 0, 1], [0, 1, 0]],
    [[0, 1, 0], [1, 0, 0], [0, 0, -1]],
    [[0, -1, 0], [1, 0, 0], [0, 0, 1]],
    [[0, 0, 1], [1, 0, 0], [0, 1, 0]],
    [[0, 0, -1], [-1, 0, 0], [0, 1, 0]],
  ];
  for (const [n, u, v] of faces) {
    const corner = (a: number, c: number) => {
      const p = [0, 1, 2].map((i) => (n[i] + a * u[i] + c * v[i]) * h);
      // Image rows run top-down, so texture v grows against the face's up axis.
      return b.vertex(p, n, (a + 1) / 2, (1 - c) / 2);
    };
    const i0 = corner(-1, -1);
    const i1 = corner(1, -1);
    const i2 = corner(1, 1);
    const i3 = corner(-1, 1);
    b.triangle(i0, i1, i2);
    b.triangle(i0, i2, i3);
  }
  return b.finish(true);
}

export function sphere(
  options: { radius?: number; segments?: number; rings?: number } = {},
): MeshData {
  const radius = options.radius ?? 0.5;
  const segments = options.segments ?? 48;
  const rings = options.rings ?? 24;
  const points: ProfilePoint[] = [];
  for (let i = 0; i <= rings; i++) {
    const t = (Math.PI * i) / rings;
    // Exact poles: sin(pi) is not exactly 0.
    const s = i === 0 || i === rings ? 0 : Math.sin(t);
    const c = i === 0 ? 1 : i === rings ? -1 : Math.cos(t);
    points.push(point(radius * s, radius * c, s, c, i / rings));
  }
  const b = new Builder();
  lathe(b, [{ points }], segments);
  return b.finish(true);
}

export function cylinder(
  options: { radius?: number; height?: number; segments?: number } = {},
): MeshData {
  const r = options.radius ?? 0.5;
  const h = (options.height ?? 1) / 2;
  const side = { points: [point(r, h, 1, 0, 0), point(r, -h, 1, 0, 1)] };
  const b = new Builder();
  lathe(b, [side, ...caps(r, h, -h)], options.segments ?? 48);
  return b.finish(true);
}

export function cone(
  options: { radius?: number; height?: number; segments?: number } = {},
): MeshData {
  const r = options.radius ?? 0.5;
  const height = options.height ?? 1;
  const h = height / 2;
  // The side's outward normal is perpendicular to the slant (r, -height) in the (radial, y) plane.
  const side = { points: [point(0, h, height, r, 0), point(r, -h, height, r, 1)] };
  const base = caps(r, h, -h)[1];
  const b = new Builder();
  lathe(b, [side, base], options.segments ?? 48);
  return b.finish(true);
}

export function torus(
  options: { radius?: number; tube?: number; segments?: number; tubeSegments?: number } = {},
): MeshData {
  const radius = options.radius ?? 0.5;
  const tube = options.tube ?? 0.2;
  const tubeSegments = options.tubeSegments ?? 24;
  const points: ProfilePoint[] = [];
  for (let i = 0; i <= tubeSegments; i++) {
    // Walk the tube circle clockwise (down the outside) so the lathe faces outward; wrap the
    // index so the closing point is bit-identical to the first.
    const t = (-2 * Math.PI * (i % tubeSegments)) / tubeSegments;
    const c = Math.cos(t);
    const s = Math.sin(t);
    points.push(point(radius + tube * c, tube * s, c, s, i / tubeSegments));
  }
  const b = new Builder();
  lathe(b, [{ points }], options.segments ?? 48);
  return b.finish(false);
}

export function plane(options: { width?: number; depth?: number } = {}): MeshData {
  const w = (options.width ?? 1) / 2;
  const d = (options.depth ?? 1) / 2;
  const b = new Builder();
  const up = [0, 1, 0];
  const i0 = b.vertex([-w, 0, d], up, 0, 1);
  const i1 = b.vertex([w, 0, d], up, 1, 1);
  const i2 = b.vertex([w, 0, -d], up, 1, 0);
  const i3 = b.vertex([-w, 0, -d], up, 0, 0);
  b.triangle(i0, i1, i2);
  b.triangle(i0, i2, i3);
  return b.finish(false);
}

/** `height` is the total height including both hemispherical caps; `rings` is per cap. */
export function capsule(
  options: { radius?: number; height?: number; segments?: number; rings?: number } = {},
): MeshData {
  const r = options.radius ?? 0.25;
  const half = Math.max((options.height ?? 1) / 2 - r, 0); // half-length of the straight part
  const rings = options.rings ?? 12;
  const quarter = (Math.PI / 2) * r; // arc length of one cap from pole to equator
  const total = 2 * half + 2 * quarter; // profile arc length, for v
  // Sine and cosine of the angle from the pole, exact at pole (i = 0) and equator (i = rings).
  const sc = (i: number) => {
    const t = (Math.PI / 2) * (i / rings);
    return i === 0 ? [0, 1] : i === rings ? [1, 0] : [Math.sin(t), Math.cos(t)];
  };
  const points: ProfilePoint[] = [];
  for (let i = 0; i <= rings; i++) {
    const [s, c] = sc(i);
    points.push(point(r * s, half + r * c, s, c, (quarter * i) / rings / total));
  }
  // Bottom cap from equator to pole; without a straight part its equator is the top one's.
  for (let k = half > 0 ? 0 : 1; k <= rings; k++) {
    const [s, c] = sc(rings - k);
    const arc = quarter + 2 * half + (quarter * k) / rings;
    points.push(point(r * s, -half - r * c, s, -c, arc / total));
  }
  const b = new Builder();
  lathe(b, [{ points }], options.segments ?? 48);
  return b.finish(true);
}

export const primitives: Record<string, (o?: Record<string, number>) => MeshData> = {
  cube,
  sphere,
  cylinder,
  cone,
  torus,
  plane,
  capsule,
};

export function meshBounds(
  mesh: MeshData,
): { min: [number, number, number]; max: [number, number, number] } {
  const p = mesh.positions;
  if (p.length === 0) return { min: [0, 0, 0], max: [0, 0, 0] };
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], p[i + k]);
      max[k] = Math.max(max[k], p[i + k]);
    }
  }
  return { min, max };
}
