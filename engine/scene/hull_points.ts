/**
 * A few hundred points whose convex hull stands in for a mesh's hull. A library model has up to
 * 100 000 vertices and Rapier's hull builder would take them all, in every clip. Kept: the
 * vertex farthest along each of `directions` directions spread evenly over the sphere, plus the
 * six axes (so the bounding box, and with it where a model rests, is exact). Every kept point is
 * a vertex of the mesh, so the hull lies inside the true one; for a smooth surface of radius r
 * it misses it by about r (1 − cos(θ / 2)), θ the spacing of the directions (256: r / 300).
 */
export function hullPoints(positions: ArrayLike<number>, directions = 256): Float32Array {
  if (positions.length === 0) return new Float32Array(0);
  const dirs = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < directions; i++) {
    const y = 1 - (2 * (i + 0.5)) / directions;
    const r = Math.sqrt(1 - y * y);
    dirs.push([Math.cos(golden * i) * r, y, Math.sin(golden * i) * r]);
  }
  const kept = new Set<number>();
  for (const [dx, dy, dz] of dirs) {
    let best = 0, bestDot = -Infinity;
    for (let i = 0; i < positions.length; i += 3) {
      const d = dx * positions[i] + dy * positions[i + 1] + dz * positions[i + 2];
      if (d > bestDot) {
        bestDot = d;
        best = i;
      }
    }
    kept.add(best);
  }
  const out = new Float32Array(kept.size * 3);
  let o = 0;
  for (const i of [...kept].sort((a, b) => a - b)) {
    out[o++] = positions[i];
    out[o++] = positions[i + 1];
    out[o++] = positions[i + 2];
  }
  return out;
}
