/**
 * Tables with legs, in the unit box [-0.5, 0.5]³ like the cube they replace: scaled to a
 * table's size the top is where the cube's top was (+0.5), so what stands on it does not move,
 * and physics collides them as that box (MeshData.collider), as it did the cube.
 *
 * Each table is modelled in metres at a nominal size, then normalized to the unit box: at that
 * size its legs are square or round and its edges eased by a few millimetres; the scene's sizes
 * (1.4–2.0 × 0.74 × 0.9–1.2 m in something_something) stretch them by at most ±20 %.
 */
import { Builder, type MeshData } from "./mesh.ts";

type V3 = [number, number, number];

/** Width, height, depth a table is modelled at, metres (the middle of something_something's). */
export const NOMINAL_TABLE: Readonly<V3> = [1.7, 0.74, 1.05];

const TOP_THICKNESS = 0.035;
/** Plan-view rounding of the top's corners. */
const CORNER_RADIUS = 0.03;
/** The top's upper edge is eased with this radius, its lower edge with the smaller one. */
const EDGE_RADIUS = 0.008;
const UNDER_RADIUS = 0.003;

/** A rectangle in plan at one height: centre x, z and half extents x, z. */
interface Section {
  x: number;
  z: number;
  hx: number;
  hz: number;
}

/**
 * Collects parts in nominal metres (floor at y = 0, centred in x and z) and writes them
 * normalized to the unit box. Triangles are turned to face the way their vertex normals do, so
 * parts need not list corners in a winding order.
 */
class TableShop {
  readonly #b = new Builder();

  vertex(p: V3, n: V3, u: number, v: number): number {
    const [w, h, d] = NOMINAL_TABLE;
    // clamped: the top's outermost points land exactly on the unit box, not a rounding off it
    const q = [p[0] / w, p[1] / h - 0.5, p[2] / d].map((c) => Math.min(0.5, Math.max(-0.5, c)));
    // normals take the inverse of the normalizing scale
    const m = [n[0] * w, n[1] * h, n[2] * d];
    const len = Math.hypot(m[0], m[1], m[2]);
    return this.#b.vertex(q, m.map((c) => c / len), u, v);
  }

  triangle(a: number, b: number, c: number): void {
    const p = this.#b.positions;
    const n = this.#b.normals;
    const e1 = [0, 1, 2].map((k) => p[3 * b + k] - p[3 * a + k]);
    const e2 = [0, 1, 2].map((k) => p[3 * c + k] - p[3 * a + k]);
    const face = [
      e1[1] * e2[2] - e1[2] * e2[1],
      e1[2] * e2[0] - e1[0] * e2[2],
      e1[0] * e2[1] - e1[1] * e2[0],
    ];
    const along = [0, 1, 2].reduce(
      (s, k) => s + face[k] * (n[3 * a + k] + n[3 * b + k] + n[3 * c + k]),
      0,
    );
    if (along >= 0) this.#b.triangle(a, b, c);
    else this.#b.triangle(a, c, b);
  }

  /**
   * A flat quad of four corners in order around it, facing the way that order turns. Its UVs
   * are in the top's units (u per table width, v per depth, from the first corner), so a leg
   * shows as much of a texture per metre as the top and its grain (along v) runs down the leg.
   */
  quad(corners: V3[]): void {
    const [a, b, c, d] = corners;
    const n = normalize(cross(sub(c, a), sub(d, b)));
    const u = Math.hypot(...sub(b, a)) / NOMINAL_TABLE[0];
    const v = Math.hypot(...sub(d, a)) / NOMINAL_TABLE[2];
    const uvs = [[0, v], [u, v], [u, 0], [0, 0]];
    const ids = corners.map((p, i) => this.vertex(p, n, uvs[i][0], uvs[i][1]));
    this.triangle(ids[0], ids[1], ids[2]);
    this.triangle(ids[0], ids[2], ids[3]);
  }

  /**
   * A box whose plan section may shrink from `top` to `bottom` (a tapered leg). Caps at the ends
   * are left out where the part butts against another (the underside of the top), so two faces
   * never share a plane.
   */
  frustum(
    bottom: Section,
    top: Section,
    y0: number,
    y1: number,
    caps = { top: true, bottom: true },
  ) {
    const ring = (s: Section, y: number): V3[] => [
      [s.x - s.hx, y, s.z + s.hz],
      [s.x + s.hx, y, s.z + s.hz],
      [s.x + s.hx, y, s.z - s.hz],
      [s.x - s.hx, y, s.z - s.hz],
    ];
    const lo = ring(bottom, y0);
    const hi = ring(top, y1);
    const centre: V3 = [(bottom.x + top.x) / 2, (y0 + y1) / 2, (bottom.z + top.z) / 2];
    const faces: V3[][] = [0, 1, 2, 3].map((i) => [lo[i], lo[(i + 1) % 4], hi[(i + 1) % 4], hi[i]]);
    if (caps.top) faces.push(hi);
    if (caps.bottom) faces.push(lo);
    for (const f of faces) this.quad(outward(f, centre));
  }

  box(min: V3, max: V3, caps = { top: true, bottom: true }): void {
    const s: Section = {
      x: (min[0] + max[0]) / 2,
      z: (min[2] + max[2]) / 2,
      hx: (max[0] - min[0]) / 2,
      hz: (max[2] - min[2]) / 2,
    };
    this.frustum(s, s, min[1], max[1], caps);
  }

  /** A round leg tapering from radius `r1` at `y1` to `r0` at its foot `y0`; no top cap. */
  roundLeg(x: number, z: number, r0: number, r1: number, y0: number, y1: number): void {
    const segments = 20;
    // the side's normal leans out and, as the leg narrows downwards, a little down
    const slant = Math.hypot(y1 - y0, r1 - r0);
    const nr = (y1 - y0) / slant;
    const ny = (r0 - r1) / slant;
    const rows: number[][] = [[], []];
    for (let j = 0; j <= segments; j++) {
      const a = (2 * Math.PI * (j % segments)) / segments;
      const [c, s] = [Math.cos(a), Math.sin(a)];
      rows[0].push(
        this.vertex([x + r1 * c, y1, z + r1 * s], [nr * c, ny, nr * s], j / segments, 0),
      );
      rows[1].push(
        this.vertex([x + r0 * c, y0, z + r0 * s], [nr * c, ny, nr * s], j / segments, 1),
      );
    }
    for (let j = 0; j < segments; j++) {
      this.triangle(rows[0][j], rows[1][j], rows[1][j + 1]);
      this.triangle(rows[0][j], rows[1][j + 1], rows[0][j + 1]);
    }
    const foot = this.vertex([x, y0, z], [0, -1, 0], 0.5, 0.5);
    const rim = [];
    for (let j = 0; j < segments; j++) {
      const a = (2 * Math.PI * j) / segments;
      const [c, s] = [Math.cos(a), Math.sin(a)];
      rim.push(this.vertex([x + r0 * c, y0, z + r0 * s], [0, -1, 0], 0.5 + 0.5 * c, 0.5 + 0.5 * s));
    }
    for (let j = 0; j < segments; j++) this.triangle(foot, rim[j], rim[(j + 1) % segments]);
  }

  /**
   * The top: a slab with rounded corners in plan, its upper edge eased (a quarter round) and its
   * lower edge slightly; the top face is textured like the cube's (u along x, v along z).
   */
  top(): void {
    const [w, h, d] = NOMINAL_TABLE;
    const t = TOP_THICKNESS;
    const re = EDGE_RADIUS;
    const rb = UNDER_RADIUS;
    // the edge profile, from the top face down: offset from the outline (negative = inward),
    // height and the normal's outward and upward parts
    const profile: { o: number; y: number; out: number; up: number }[] = [];
    const arc = (co: number, cy: number, r: number, from: number, to: number, steps: number) => {
      for (let i = 0; i <= steps; i++) {
        const th = ((from + ((to - from) * i) / steps) * Math.PI) / 180;
        profile.push({
          o: co + r * Math.cos(th),
          y: cy + r * Math.sin(th),
          out: Math.cos(th),
          up: Math.sin(th),
        });
      }
    };
    arc(-re, h - re, re, 90, 0, 4);
    arc(-rb, h - t + rb, rb, 0, -90, 2);
    // the outline: four quarter circles about the corners' centres, joined by straight edges
    const perCorner = 6;
    const angles: { c: [number, number]; a: number }[] = [];
    const cx = w / 2 - CORNER_RADIUS;
    const cz = d / 2 - CORNER_RADIUS;
    const centres: [number, number][] = [[cx, cz], [-cx, cz], [-cx, -cz], [cx, -cz]];
    centres.forEach((c, k) => {
      for (let i = 0; i <= perCorner; i++) {
        angles.push({ c, a: (Math.PI / 2) * (k + i / perCorner) });
      }
    });
    const at = (k: number, o: number, y: number): V3 => {
      const { c, a } = angles[k % angles.length];
      const r = CORNER_RADIUS + o;
      return [c[0] + r * Math.cos(a), y, c[1] + r * Math.sin(a)];
    };
    // u of the band: length along the outline, so the grain runs round the edge evenly
    const along = [0];
    for (let k = 1; k <= angles.length; k++) {
      along.push(along[k - 1] + Math.hypot(...sub(at(k, 0, 0), at(k - 1, 0, 0))));
    }
    const perimeter = along[angles.length];
    const down = [0];
    for (let i = 1; i < profile.length; i++) {
      const [p, q] = [profile[i - 1], profile[i]];
      down.push(down[i - 1] + Math.hypot(q.o - p.o, q.y - p.y));
    }
    const rows = profile.map((p, i) => {
      const row = [];
      for (let k = 0; k <= angles.length; k++) {
        const { a } = angles[k % angles.length];
        const n: V3 = [p.out * Math.cos(a), p.up, p.out * Math.sin(a)];
        row.push(this.vertex(at(k, p.o, p.y), n, along[k] / perimeter, down[i] / down.at(-1)!));
      }
      return row;
    });
    for (let i = 0; i + 1 < rows.length; i++) {
      for (let k = 0; k < angles.length; k++) {
        this.triangle(rows[i][k], rows[i + 1][k], rows[i + 1][k + 1]);
        this.triangle(rows[i][k], rows[i + 1][k + 1], rows[i][k + 1]);
      }
    }
    // flat faces: fans from the centre to where the eased edges begin
    const face = (o: number, y: number, up: number) => {
      const uv = (p: V3) => [p[0] / w + 0.5, p[2] / d + 0.5];
      const mid = this.vertex([0, y, 0], [0, up, 0], 0.5, 0.5);
      const rim = angles.map((_, k) => {
        const p = at(k, o, y);
        const [u, v] = uv(p);
        return this.vertex(p, [0, up, 0], u, v);
      });
      for (let k = 0; k < rim.length; k++) this.triangle(mid, rim[k], rim[(k + 1) % rim.length]);
    };
    face(-re, h, 1);
    face(-rb, h - t, -1);
  }

  finish(): MeshData {
    return { ...this.#b.finish(false), collider: "bounds" };
  }
}

const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: V3, b: V3): V3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
function normalize(v: V3): V3 {
  const len = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / len, v[1] / len, v[2] / len];
}

/** The corners of a flat face of a convex part, in the order whose normal points away from it. */
function outward(corners: V3[], centre: V3): V3[] {
  const n = cross(sub(corners[2], corners[0]), sub(corners[3], corners[1]));
  const mid = corners.reduce((s, p) => [s[0] + p[0] / 4, s[1] + p[1] / 4, s[2] + p[2] / 4], [
    0,
    0,
    0,
  ]);
  const away = sub(mid as V3, centre);
  return n[0] * away[0] + n[1] * away[1] + n[2] * away[2] >= 0 ? corners : [...corners].reverse();
}

/** Where the legs' centres stand: `inset` metres in from the top's edges to their outer faces. */
function legCentres(inset: number, half: number): [number, number][] {
  const [w, , d] = NOMINAL_TABLE;
  const x = w / 2 - inset - half;
  const z = d / 2 - inset - half;
  return [[x, z], [-x, z], [-x, -z], [x, -z]];
}

/** A dining table: four square legs tapering to the foot, joined under the top by an apron. */
export function tableSquareLegs(): MeshData {
  const shop = new TableShop();
  const [, h] = NOMINAL_TABLE;
  const under = h - TOP_THICKNESS;
  const half = 0.0275; // a 55 mm leg, 40 mm at the foot
  const legs = legCentres(0.05, half);
  shop.top();
  for (const [x, z] of legs) {
    shop.frustum({ x, z, hx: 0.02, hz: 0.02 }, { x, z, hx: half, hz: half }, 0, under, {
      top: false,
      bottom: true,
    });
  }
  // apron boards between the legs' centres (their ends hide inside the legs), their faces 8 mm
  // behind the legs'
  const apron = 0.09;
  const board = 0.02;
  const [lx, lz] = legs[0];
  const back = half - 0.008 - board / 2;
  const open = { top: false, bottom: true };
  for (const s of [1, -1]) {
    shop.box([-lx, under - apron, s * (lz + back) - board / 2], [
      lx,
      under,
      s * (lz + back) + board / 2,
    ], open);
    shop.box([s * (lx + back) - board / 2, under - apron, -lz], [
      s * (lx + back) + board / 2,
      under,
      lz,
    ], open);
  }
  return shop.finish();
}

/** A modern table: four round legs set further in, tapering to the floor, no apron. */
export function tableRoundLegs(): MeshData {
  const shop = new TableShop();
  const [, h] = NOMINAL_TABLE;
  const radius = 0.026;
  shop.top();
  for (const [x, z] of legCentres(0.09, radius)) {
    shop.roundLeg(x, z, 0.02, radius, 0, h - TOP_THICKNESS);
  }
  return shop.finish();
}

/** A trestle table: two ends (a foot, a post and a cleat under the top) and a stretcher. */
export function tableTrestle(): MeshData {
  const shop = new TableShop();
  const [w, h, d] = NOMINAL_TABLE;
  const under = h - TOP_THICKNESS;
  const x = w / 2 - 0.22;
  const foot = 0.05;
  const cleat = 0.04;
  shop.top();
  for (const s of [1, -1]) {
    const cx = s * x;
    shop.box([cx - 0.035, 0, -(d / 2 - 0.1)], [cx + 0.035, foot, d / 2 - 0.1]);
    shop.box([cx - 0.03, foot, -0.07], [cx + 0.03, under - cleat, 0.07], {
      top: false,
      bottom: false,
    });
    shop.box([cx - 0.03, under - cleat, -(d / 2 - 0.12)], [cx + 0.03, under, d / 2 - 0.12], {
      top: false,
      bottom: true,
    });
  }
  shop.box([-x, 0.22, -0.015], [x, 0.28, 0.015]);
  return shop.finish();
}

/** Mesh keys of the tables, as a scene names them (`mesh: table_square_legs`). */
export const TABLE_MESHES: Readonly<Record<string, () => MeshData>> = {
  table_square_legs: tableSquareLegs,
  table_round_legs: tableRoundLegs,
  table_trestle: tableTrestle,
};
