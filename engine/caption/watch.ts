/** Hooks every captioner shares: observe each labelled frame, then gather facts at clip end. */
import type { ClipContext, FrameContext, Options } from "../plugin/contract.ts";
import { type ClipFacts, gatherFacts } from "./facts.ts";
import { ClipObserver } from "./observer.ts";

/** Per-clip observation for one captioner instance. */
export class CaptionWatch {
  #observer = new ClipObserver();

  clipStart(): void {
    this.#observer = new ClipObserver();
  }

  /** Frames 0..frames-1 are the labelled ones; the last call is flow look-ahead. */
  frame(ctx: FrameContext<Options>): void {
    if (ctx.frame < ctx.frames) this.#observer.observe(ctx.scene, ctx.frame);
  }

  facts(ctx: ClipContext<Options>): ClipFacts {
    return gatherFacts({
      scene: ctx.scene,
      events: ctx.events,
      records: ctx.records,
      observer: this.#observer,
      fps: ctx.fps,
      frames: ctx.frames,
    });
  }
}
