/** Axis-aligned bounds of a mesh key's parts in object space (before the object's pose). */
import type { MeshPart } from "./scene.ts";
import { posedBounds } from "./skin.ts";
import type { Vec3 } from "./vector.ts";

export interface LocalBox {
  min: Vec3;
  max: Vec3;
}

/** Bounds of every part at its rest placement; undefined for a mesh with no vertices. */
export function partsBounds(
  parts: readonly MeshPart[],
  skinMatrices?: Float32Array,
): LocalBox | undefined {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const part of parts) {
    // A skinned part is where its object's joint matrices put it.
    const b = posedBounds(part.mesh, skinMatrices);
    const m = part.matrix;
    for (let i = 0; i < 8; i++) {
      const x = i & 1 ? b.max[0] : b.min[0];
      const y = i & 2 ? b.max[1] : b.min[1];
      const z = i & 4 ? b.max[2] : b.min[2];
      const p: Vec3 = m
        ? [
          m[0] * x + m[4] * y + m[8] * z + m[12],
          m[1] * x + m[5] * y + m[9] * z + m[13],
          m[2] * x + m[6] * y + m[10] * z + m[14],
        ]
        : [x, y, z];
      for (let k = 0; k < 3; k++) {
        min[k] = Math.min(min[k], p[k]);
        max[k] = Math.max(max[k], p[k]);
      }
    }
  }
  return Number.isFinite(min[0]) ? { min, max } : undefined;
}
