/** World-space bounds of scene objects (from their meshes' vertices), for framing and placement. */
import { mat4, vec3 } from "wgpu-matrix";
import { posedBounds } from "../../engine/scene/skin.ts";
import type { Scene, SceneObject, Vec3 } from "../../engine/scene/scene.ts";
import { isForeground } from "../../engine/scene/foreground.ts";

export interface Box {
  min: Vec3;
  max: Vec3;
}

export function objectBounds(scene: Scene, object: SceneObject): Box {
  const model = mat4.translation(object.position);
  mat4.multiply(model, mat4.fromQuat(object.rotation), model);
  mat4.scale(model, object.scale, model);
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const [k, part] of (scene.meshes.get(object.mesh) ?? []).entries()) {
    // A skinned object (a person) is where its joint matrices put it.
    const b = posedBounds(part.mesh, object.skinMatrices);
    // An articulated object is where its current part placements put it.
    const placement = object.partMatrices?.[k] ?? part.matrix;
    const m = placement ? mat4.multiply(model, placement) : model;
    for (let i = 0; i < 8; i++) {
      const p = vec3.transformMat4([
        i & 1 ? b.max[0] : b.min[0],
        i & 2 ? b.max[1] : b.min[1],
        i & 4 ? b.max[2] : b.min[2],
      ], m);
      for (let k = 0; k < 3; k++) {
        min[k] = Math.min(min[k], p[k]);
        max[k] = Math.max(max[k], p[k]);
      }
    }
  }
  if (!Number.isFinite(min[0])) return { min: [...object.position], max: [...object.position] };
  return { min, max };
}

export function center(box: Box): Vec3 {
  return [0, 1, 2].map((k) => (box.min[k] + box.max[k]) / 2) as Vec3;
}

/** The named object, or the first foreground object; undefined when the scene has none. */
export function findSubject(scene: Scene, name: string): SceneObject | undefined {
  if (name) {
    const found = scene.find(name);
    if (!found) {
      throw new RangeError(
        `Subject "${name}" is not in the scene (objects: ${
          scene.objects.map((o) => o.name).join(", ")
        })`,
      );
    }
    return found;
  }
  return scene.objects.find((o) => isForeground(o));
}
