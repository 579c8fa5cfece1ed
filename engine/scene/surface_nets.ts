/**
 * Naive surface nets over a sparse grid: turns a signed distance function (negative inside)
 * into a closed triangle mesh, sampling densely only near the surface.
 *
 * Layout: the lattice is global (point (i, j, k) sits at min + (i, j, k) * cell). It is cut
 * into blocks of `block` points per side; a block *owns* the lattice points
 * [b * block, (b + 1) * block) on each axis and the cells whose lowest corner it owns. A
 * cell's far corners may be owned by the next block, which is why the sample store is
 * per-owner and looked up by global index (inactive owners are filled on demand).
 */

export interface Polygonized {
  positions: Float32Array; // xyz per vertex
  normals: Float32Array; // unit, outward (from the SDF gradient by central differences, step = cell/2)
  indices: Uint32Array; // triangles, counter-clockwise seen from outside (outward normal by right-hand rule)
}

type Sdf = (x: number, y: number, z: number) => number;

/** Cell corner c sits at offset (c & 1, (c >> 1) & 1, (c >> 2) & 1); the 12 edges as corner pairs. */
const EDGE_FROM = [0, 2, 4, 6, 0, 1, 4, 5, 0, 1, 2, 3];
const EDGE_TO = [1, 3, 5, 7, 2, 3, 6, 7, 4, 5, 6, 7];

/** A Float32/Uint32 buffer that doubles when full, so vertices and triangles need no objects. */
class GrowableF32 {
  data = new Float32Array(3 * 1024);
  length = 0;
  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }
  result(): Float32Array {
    return this.data.slice(0, this.length);
  }
}

class GrowableU32 {
  data = new Uint32Array(3 * 2048);
  length = 0;
  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }
  result(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Surface nets (Gibson 1998 / naive surface nets, one vertex per cell that the surface crosses,
 * placed at the mean of its edge crossings, the crossing on each edge by linear interpolation
 * of the two corner values), on a SPARSE grid: the box [min, max] is cut into blocks of
 * `block` cells per side; the SDF is first evaluated at block centres and a block is only
 * sampled densely when |sdf(centre)| <= its half-diagonal (+ one cell) — valid because sdf is
 * a distance bound (|sdf(a) - sdf(b)| <= |a - b|). Dense samples live only in those blocks.
 */
export function polygonize(
  sdf: Sdf,
  min: [number, number, number],
  max: [number, number, number],
  cell: number,
  options?: { block?: number /* default 8 */ },
): Polygonized {
  const block = options?.block ?? 8;
  if (!(cell > 0) || !Number.isFinite(cell)) throw new Error(`polygonize: bad cell ${cell}`);
  if (!Number.isInteger(block) || block < 1) throw new Error(`polygonize: bad block ${block}`);
  const [x0, y0, z0] = min;

  // Cells per axis; the lattice has n + 1 points so it covers max (the epsilon keeps an exact
  // fit from gaining a spurious extra layer through rounding).
  const cellsX = Math.max(1, Math.ceil((max[0] - x0) / cell - 1e-9));
  const cellsY = Math.max(1, Math.ceil((max[1] - y0) / cell - 1e-9));
  const cellsZ = Math.max(1, Math.ceil((max[2] - z0) / cell - 1e-9));
  // Owners of the last lattice point (index cellsX) may hold no cells, hence floor + 1.
  const blocksX = Math.floor(cellsX / block) + 1;
  const blocksY = Math.floor(cellsY / block) + 1;
  const blocksZ = Math.floor(cellsZ / block) + 1;
  const blockVolume = block * block * block;

  const samples: (Float64Array | undefined)[] = new Array(blocksX * blocksY * blocksZ);
  const cellVertices: (Int32Array | undefined)[] = new Array(samples.length);

  // 1. Decide active blocks from one sample at the centre of the cells each block owns.
  const active: number[] = [];
  const margin = cell; // slack for rounding and for SDFs that are only roughly a distance bound
  for (let bz = 0; bz < blocksZ; bz++) {
    for (let by = 0; by < blocksY; by++) {
      for (let bx = 0; bx < blocksX; bx++) {
        const spanX = Math.min(block, cellsX - bx * block);
        const spanY = Math.min(block, cellsY - by * block);
        const spanZ = Math.min(block, cellsZ - bz * block);
        if (spanX <= 0 || spanY <= 0 || spanZ <= 0) continue; // owns lattice points but no cells
        const halfDiagonal = 0.5 * cell * Math.sqrt(spanX * spanX + spanY * spanY + spanZ * spanZ);
        const d = sdf(
          x0 + (bx * block + spanX / 2) * cell,
          y0 + (by * block + spanY / 2) * cell,
          z0 + (bz * block + spanZ / 2) * cell,
        );
        // A sign change inside the block needs a zero there, at most halfDiagonal from centre.
        if (Math.abs(d) <= halfDiagonal + margin) active.push(bx + blocksX * (by + blocksY * bz));
      }
    }
  }

  // 2. Fill every point an active block owns (its far faces are owned by neighbours).
  for (const b of active) {
    const bx = b % blocksX, by = Math.floor(b / blocksX) % blocksY;
    const bz = Math.floor(b / (blocksX * blocksY));
    const values = new Float64Array(blockVolume);
    const endX = Math.min(block, cellsX + 1 - bx * block);
    const endY = Math.min(block, cellsY + 1 - by * block);
    const endZ = Math.min(block, cellsZ + 1 - bz * block);
    for (let lz = 0; lz < endZ; lz++) {
      const z = z0 + (bz * block + lz) * cell;
      for (let ly = 0; ly < endY; ly++) {
        const y = y0 + (by * block + ly) * cell;
        const row = block * (ly + block * lz);
        for (let lx = 0; lx < endX; lx++) {
          values[row + lx] = sdf(x0 + (bx * block + lx) * cell, y, z);
        }
      }
    }
    samples[b] = values;
  }

  /** Any lattice point: from its owner's store, evaluated and cached there if missing. */
  function sampleAt(i: number, j: number, k: number): number {
    const bx = Math.floor(i / block), by = Math.floor(j / block), bz = Math.floor(k / block);
    const b = bx + blocksX * (by + blocksY * bz);
    let values = samples[b];
    if (values === undefined) {
      values = new Float64Array(blockVolume).fill(NaN); // NaN marks "not evaluated yet"
      samples[b] = values;
    }
    const local = (i - bx * block) + block * ((j - by * block) + block * (k - bz * block));
    let v = values[local];
    if (Number.isNaN(v)) {
      v = sdf(x0 + i * cell, y0 + j * cell, z0 + k * cell);
      values[local] = v;
    }
    return v;
  }

  // 3. One vertex per crossed cell. Each active block gathers its (block + 1)^3 corners into
  // a scratch array so the cell loop reads plain indices.
  const side = block + 1;
  const gathered = new Float64Array(side * side * side);
  const positions = new GrowableF32();
  const normals = new GrowableF32();
  const corner = new Float64Array(8);
  const half = cell / 2;
  let vertexCount = 0;

  for (const b of active) {
    const bx = b % blocksX, by = Math.floor(b / blocksX) % blocksY;
    const bz = Math.floor(b / (blocksX * blocksY));
    const own = samples[b]!;
    const spanX = Math.min(block, cellsX - bx * block);
    const spanY = Math.min(block, cellsY - by * block);
    const spanZ = Math.min(block, cellsZ - bz * block);
    for (let lz = 0; lz <= spanZ; lz++) {
      for (let ly = 0; ly <= spanY; ly++) {
        for (let lx = 0; lx <= spanX; lx++) {
          gathered[lx + side * (ly + side * lz)] = lx < block && ly < block && lz < block
            ? own[lx + block * (ly + block * lz)]
            : sampleAt(bx * block + lx, by * block + ly, bz * block + lz);
        }
      }
    }

    const vertexOfCell = new Int32Array(blockVolume).fill(-1);
    cellVertices[b] = vertexOfCell;
    for (let lz = 0; lz < spanZ; lz++) {
      for (let ly = 0; ly < spanY; ly++) {
        for (let lx = 0; lx < spanX; lx++) {
          const base = lx + side * (ly + side * lz);
          let inside = 0;
          for (let c = 0; c < 8; c++) {
            const v = gathered[base + (c & 1) + side * (((c >> 1) & 1) + side * (c >> 2))];
            corner[c] = v;
            if (v < 0) inside |= 1 << c;
          }
          if (inside === 0 || inside === 255) continue;

          // Mean of the edge crossings, in cell-local coordinates.
          let sx = 0, sy = 0, sz = 0, crossings = 0;
          for (let e = 0; e < 12; e++) {
            const a = EDGE_FROM[e], c = EDGE_TO[e];
            if (((inside >> a) & 1) === ((inside >> c) & 1)) continue;
            const t = corner[a] / (corner[a] - corner[c]);
            const ax = a & 1, ay = (a >> 1) & 1, az = a >> 2;
            sx += ax + t * ((c & 1) - ax);
            sy += ay + t * (((c >> 1) & 1) - ay);
            sz += az + t * ((c >> 2) - az);
            crossings++;
          }
          const px = x0 + (bx * block + lx + sx / crossings) * cell;
          const py = y0 + (by * block + ly + sy / crossings) * cell;
          const pz = z0 + (bz * block + lz + sz / crossings) * cell;
          positions.push3(px, py, pz);

          const gx = sdf(px + half, py, pz) - sdf(px - half, py, pz);
          const gy = sdf(px, py + half, pz) - sdf(px, py - half, pz);
          const gz = sdf(px, py, pz + half) - sdf(px, py, pz - half);
          const length = Math.hypot(gx, gy, gz);
          // A flat gradient (a cusp exactly at the vertex) has no direction; pick a fixed one.
          if (length > 0) normals.push3(gx / length, gy / length, gz / length);
          else normals.push3(0, 0, 1);

          vertexOfCell[lx + block * (ly + block * lz)] = vertexCount++;
        }
      }
    }
  }

  /** Vertex of a cell by global index; every cell beside a crossed edge is crossed itself. */
  function vertexAt(i: number, j: number, k: number): number {
    const bx = Math.floor(i / block), by = Math.floor(j / block), bz = Math.floor(k / block);
    const ids = cellVertices[bx + blocksX * (by + blocksY * bz)];
    const v = ids === undefined
      ? -1
      : ids[(i - bx * block) + block * ((j - by * block) + block * (k - bz * block))];
    if (v < 0) throw new Error(`polygonize: no vertex in cell ${i},${j},${k} beside a crossing`);
    return v;
  }

  // 4. A quad around every crossed lattice edge leaving a cell's lowest corner. The four
  // cells are listed counter-clockwise about the edge's axis (right-hand rule), which faces
  // +axis; an edge that runs outside → inside flips it.
  const indices = new GrowableU32();
  const p = positions.data;
  function emitQuad(a: number, b: number, c: number, d: number, flip: boolean): void {
    if (flip) {
      const t = b;
      b = d;
      d = t;
    }
    const pa = 3 * a, pb = 3 * b, pc = 3 * c, pd = 3 * d;
    const ac = (p[pa] - p[pc]) ** 2 + (p[pa + 1] - p[pc + 1]) ** 2 + (p[pa + 2] - p[pc + 2]) ** 2;
    const bd = (p[pb] - p[pd]) ** 2 + (p[pb + 1] - p[pd + 1]) ** 2 + (p[pb + 2] - p[pd + 2]) ** 2;
    // The shorter diagonal keeps the two triangles closest to the surface.
    if (ac <= bd) {
      indices.push3(a, b, c);
      indices.push3(a, c, d);
    } else {
      indices.push3(a, b, d);
      indices.push3(b, c, d);
    }
  }

  for (const b of active) {
    const bx = b % blocksX, by = Math.floor(b / blocksX) % blocksY;
    const bz = Math.floor(b / (blocksX * blocksY));
    const spanX = Math.min(block, cellsX - bx * block);
    const spanY = Math.min(block, cellsY - by * block);
    const spanZ = Math.min(block, cellsZ - bz * block);
    const own = samples[b]!, vertexOfCell = cellVertices[b]!;
    for (let lz = 0; lz < spanZ; lz++) {
      for (let ly = 0; ly < spanY; ly++) {
        for (let lx = 0; lx < spanX; lx++) {
          // A crossed edge leaving this corner is an edge of this cell, so the cell has a vertex.
          if (vertexOfCell[lx + block * (ly + block * lz)] < 0) continue;
          const i = bx * block + lx, j = by * block + ly, k = bz * block + lz;
          const inside0 = own[lx + block * (ly + block * lz)] < 0;
          // x edge: cells around it in the (y, z) plane.
          if (j > 0 && k > 0 && inside0 !== sampleAt(i + 1, j, k) < 0) {
            emitQuad(
              vertexAt(i, j - 1, k - 1),
              vertexAt(i, j, k - 1),
              vertexAt(i, j, k),
              vertexAt(i, j - 1, k),
              !inside0,
            );
          }
          // y edge: (z, x) plane.
          if (k > 0 && i > 0 && inside0 !== sampleAt(i, j + 1, k) < 0) {
            emitQuad(
              vertexAt(i - 1, j, k - 1),
              vertexAt(i - 1, j, k),
              vertexAt(i, j, k),
              vertexAt(i, j, k - 1),
              !inside0,
            );
          }
          // z edge: (x, y) plane.
          if (i > 0 && j > 0 && inside0 !== sampleAt(i, j, k + 1) < 0) {
            emitQuad(
              vertexAt(i - 1, j - 1, k),
              vertexAt(i, j - 1, k),
              vertexAt(i, j, k),
              vertexAt(i - 1, j, k),
              !inside0,
            );
          }
        }
      }
    }
  }

  return { positions: positions.result(), normals: normals.result(), indices: indices.result() };
}
