/**
 * Which objects a caption may name: those the rendered labels show. An object is seen when its
 * visible pixels (the label pass's `pixels`, labels.json `objects[].frames[].pixels`) cover at
 * least VISIBLE_SHARE of the frame on at least VISIBLE_FRAMES labelled frames (every frame of a
 * clip shorter than that). In plan mode nothing is rendered, so there is no such measure and
 * every object counts as seen (docs/captions.md).
 */
import type { RenderedFrame } from "../gpu/frame.ts";

/** Smallest share of the frame's pixels an object must cover on a frame to count as seen there. */
export const VISIBLE_SHARE = 0.005;
/** Frames (a quarter second at 24 fps) an object must be seen on to enter a caption. */
export const VISIBLE_FRAMES = 6;

/** True when `pixels` of a width × height frame reach VISIBLE_SHARE of it. */
export function seenOnFrame(pixels: number, width: number, height: number): boolean {
  return pixels >= VISIBLE_SHARE * width * height;
}

/** Frames an object must be seen on in a clip of `frames` labelled frames. */
export function framesNeeded(frames: number): number {
  return Math.max(1, Math.min(VISIBLE_FRAMES, frames));
}

/** Counts, per object id, the labelled frames on which it was seen. */
export class VisibilityCount {
  readonly #seen = new Map<number, number>();
  #frames = new Set<number>();

  /** Call with each rendered frame (frames 0..frames-1; a frame given twice counts once). */
  add(frame: RenderedFrame, frames: number): void {
    const t = frame.meta.frame;
    if (t < 0 || t >= frames || this.#frames.has(t)) return;
    this.#frames.add(t);
    for (const label of frame.labels) {
      if (seenOnFrame(label.pixels, frame.width, frame.height)) {
        this.#seen.set(label.id, (this.#seen.get(label.id) ?? 0) + 1);
      }
    }
  }

  /** Whether any frame was counted (false in plan mode). */
  get measured(): boolean {
    return this.#frames.size > 0;
  }

  /** Ids seen on at least framesNeeded(frames) frames, ascending. */
  visible(frames: number): Set<number> {
    const need = framesNeeded(frames);
    return new Set(
      [...this.#seen].filter(([, n]) => n >= need).map(([id]) => id).sort((a, b) => a - b),
    );
  }
}
