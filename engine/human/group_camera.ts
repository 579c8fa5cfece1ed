/**
 * A following camera for several people: it aims at the (smoothed) middle of
 * the group from the first person's follow direction, and stands back far
 * enough, for the whole clip, that the group's widest spread fits the view.
 */
import type { Camera } from "../scene/camera.ts";
import type { Vec3 } from "../scene/scene.ts";
import type { Actor, CameraFollow } from "./actor.ts";
import { lerp3 } from "./math.ts";

/** Half a person's width, added to the spread so the outermost person fits whole (m). */
const HALF_WIDTH = 0.4;

function groupCentre(actors: readonly Actor[], frame: number): Vec3 {
  const cs = actors.map((a) => a.centre(frame));
  return [0, 1, 2].map((k) => cs.reduce((s, c) => s + c[k], 0) / cs.length) as Vec3;
}

export class GroupCamera {
  /** How far the farthest person gets from the group's middle over the clip (m, on the floor). */
  readonly spread: number;
  #centre?: Vec3;

  constructor(readonly actors: readonly Actor[], camera: Camera, width: number, height: number) {
    let spread = 0;
    for (let f = 0; f < actors[0].baked.length; f++) {
      const g = groupCentre(actors, f);
      for (const a of actors) {
        const c = a.centre(f);
        spread = Math.max(spread, Math.hypot(c[0] - g[0], c[2] - g[2]));
      }
    }
    this.spread = spread;
    // Tangent of the narrower half field of view.
    const k = camera.intrinsics(width, height);
    this.#tanHalf = Math.min(width, height) / 2 / k.fx;
  }

  readonly #tanHalf: number;

  /** Distance from the group's middle that fits everyone: at least the follow distance. */
  distance(f: CameraFollow): number {
    // The nearest person may stand `spread` closer, the outermost `spread` to the side.
    return Math.max(
      f.distance + this.spread,
      (this.spread + HALF_WIDTH) / this.#tanHalf + this.spread,
    );
  }

  aim(camera: Camera, frame: number, f: CameraFollow): void {
    const centre = groupCentre(this.actors, frame);
    this.#centre = this.#centre ? lerp3(this.#centre, centre, 0.2) : centre;
    const a = this.actors[0].heading + f.azimuth;
    const c = this.#centre;
    const d = this.distance(f);
    camera.position = [c[0] + d * Math.sin(a), f.height, c[2] + d * Math.cos(a)];
    camera.lookAt([c[0], c[1], c[2]]);
  }
}
