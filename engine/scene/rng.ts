/**
 * Seeded randomness. Every plugin instance draws from its own stream derived
 * from (run seed, clip index, plugin key), so adding, removing or reordering
 * one plugin never shifts another plugin's numbers.
 */

/** 32-bit FNV-1a over a string's UTF-16 code units. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** sfc32: small, fast, and good enough for sampling scene parameters. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number | string) {
    const s = typeof seed === "number" ? String(seed) : seed;
    this.#a = hashString(s, 0x9e3779b9);
    this.#b = hashString(s, 0x243f6a88);
    this.#c = hashString(s, 0xb7e15162);
    this.#d = 1;
    for (let i = 0; i < 15; i++) this.next(); // mix the state
  }

  /** A stream for one plugin in one clip. */
  static forPlugin(seed: number, clip: number, key: string): Rng {
    return new Rng(`${seed}/${clip}/${key}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Gaussian (Box–Muller). */
  normal(mean = 0, sigma = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** One element, optionally weighted. */
  choice<T>(items: readonly T[], weights?: readonly number[]): T {
    if (items.length === 0) throw new RangeError("Cannot choose from an empty list");
    if (!weights) return items[Math.floor(this.next() * items.length)];
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A new independent stream named `key`, derived from this one's next draw. */
  fork(key: string): Rng {
    return new Rng(`${Math.floor(this.next() * 4294967296)}/${key}`);
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
