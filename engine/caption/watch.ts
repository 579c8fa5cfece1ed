/** Hooks every captioner shares: observe each labelled frame, then gather facts at clip end. */
import type { ClipContext, FrameContext, Options } from "../plugin/contract.ts";
import { type ClipFacts, gatherFacts } from "./facts.ts";
import { ClipObserver } from "./observer.ts";
import { VisibilityCount } from "./visibility.ts";
import type { RenderedFrame } from "../gpu/frame.ts";

/** Per-clip observation for one captioner instance. */
export class CaptionWatch {
  #observer = new ClipObserver();
  #visibility = new VisibilityCount();

  clipStart(): void {
    this.#observer = new ClipObserver();
    this.#visibility = new VisibilityCount();
  }

  /** Frames 0..frames-1 are the labelled ones; the last call is flow look-ahead. */
  frame(ctx: FrameContext<Options>): void {
    if (ctx.frame < ctx.frames) this.#observer.observe(ctx.scene, ctx.frame);
  }

  /** Each rendered frame's per-instance pixel counts (never called in plan mode). */
  rendered(ctx: FrameContext<Options>, frame: RenderedFrame): void {
    this.#visibility.add(frame, ctx.frames);
  }

  /**
   * The clip's facts. Rendered clips name only the objects seen (visibility.ts); in plan mode
   * nothing is measured and every object may be named. `everything` ignores visibility (for
   * the facts record in labels.json, which stays as it was).
   */
  facts(ctx: ClipContext<Options>, everything = false): ClipFacts {
    return gatherFacts({
      scene: ctx.scene,
      events: ctx.events,
      records: ctx.records,
      observer: this.#observer,
      fps: ctx.fps,
      frames: ctx.frames,
      visible: !everything && !ctx.planning && this.#visibility.measured
        ? this.#visibility.visible(ctx.frames)
        : undefined,
    });
  }
}
