/** manifest.jsonl: the dataset's list of finished clips, and the clip folder names it points to. */
import { writeFileAtomic } from "./atomic.ts";

/** What the manifest says of a clip (the runner's ClipResult has this shape). */
export interface ClipOutcome {
  clip: number;
  status: "ok" | "failed";
  error?: string;
  events: readonly { verb: string }[];
  captions: readonly unknown[];
  /** Library models the clip uses (credits.json is made from these). */
  assets?: readonly string[];
}

export function clipDirName(clip: number): string {
  return `clip_${String(clip).padStart(5, "0")}`;
}

export function manifestLine(result: ClipOutcome, dir: string, frames: number) {
  return result.status === "ok"
    ? {
      clip: result.clip,
      dir,
      status: "ok",
      frames,
      events: result.events.map((e) => e.verb),
      captions: result.captions,
      ...(result.assets?.length ? { assets: result.assets } : {}),
    }
    : { clip: result.clip, dir, status: "failed", error: result.error };
}

/**
 * manifest.jsonl: one line per clip, in clip order, rewritten atomically. A rewrite costs time in
 * proportion to the clips so far (tens of MB at 100 000 clips), so `put` rewrites only once the
 * time since the last rewrite is ten times what that rewrite took: under 10 % of the run, however
 * long. Lines a killed run had not written yet are rebuilt by resume from the finished clip
 * folders; `flush` writes what is pending at the end of a run.
 */
export class Manifest {
  readonly #lines = new Map<number, string>();
  #pending = false;
  #lastWrite = -Infinity;
  #lastCost = 0;
  constructor(readonly path: string) {}

  async load() {
    let text = "";
    try {
      text = await Deno.readTextFile(this.path);
    } catch {
      return;
    }
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const entry = JSON.parse(line);
      this.#lines.set(entry.clip, line);
    }
  }

  /** The library models the listed ok clips use. */
  assets(): Set<string> {
    const used = new Set<string>();
    for (const line of this.#lines.values()) {
      const entry = JSON.parse(line);
      if (entry.status === "ok") { for (const a of entry.assets ?? []) used.add(a); }
    }
    return used;
  }

  isOk(clip: number): boolean {
    const line = this.#lines.get(clip);
    return line !== undefined && JSON.parse(line).status === "ok";
  }

  /** Drops the lines of clips about to be redone (a damaged clip must not stay listed). */
  async forget(clips: readonly number[]) {
    const before = this.#lines.size;
    for (const clip of clips) this.#lines.delete(clip);
    if (this.#lines.size !== before) await this.#write();
  }

  async put(entry: { clip: number }) {
    this.#lines.set(entry.clip, JSON.stringify(entry));
    this.#pending = true;
    if (performance.now() - this.#lastWrite >= 10 * this.#lastCost) await this.#write();
  }

  async flush() {
    if (this.#pending) await this.#write();
  }

  async #write() {
    const started = performance.now();
    const sorted = [...this.#lines.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
    await writeFileAtomic(this.path, sorted.join("\n") + "\n");
    this.#pending = false;
    this.#lastWrite = performance.now();
    this.#lastCost = this.#lastWrite - started;
  }
}
