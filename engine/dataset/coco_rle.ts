/**
 * COCO run-length masks from the instance ids, the form detection code reads
 * (pycocotools.mask.decode, Detectron2, MMDetection): per object and frame, the lengths of
 * alternating runs of 0 and 1 over the image in column-major order, starting with a 0-run,
 * written as COCO's compact string (each count minus the one two back, 5 bits per character
 * from "0", bit 0x20 = more follows). All objects' masks of a frame come from one pass.
 */

/** `{ size: [height, width], counts }`, as pycocotools takes it. */
export interface CocoRle {
  size: [number, number];
  counts: string;
}

/** Run lengths of every id's mask in one frame (ids 1..; 0 is background). */
export function maskRuns(ids: ArrayLike<number>, width: number, height: number) {
  const runs = new Map<number, number[]>();
  const end = new Map<number, number>(); // column-major index after each id's last pixel
  for (let x = 0, index = 0; x < width; x++) {
    for (let y = 0; y < height; y++, index++) {
      const id = ids[y * width + x];
      if (id === 0) continue;
      const counts = runs.get(id);
      const last = end.get(id) ?? 0;
      if (!counts) runs.set(id, [index, 1]);
      else if (last === index) counts[counts.length - 1]++;
      else counts.push(index - last, 1);
      end.set(id, index + 1);
    }
  }
  const pixels = width * height;
  for (const [id, counts] of runs) {
    const rest = pixels - end.get(id)!;
    if (rest > 0) counts.push(rest);
  }
  return runs;
}

/** COCO's compact string of run lengths. */
export function countsToString(counts: readonly number[]): string {
  let out = "";
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i] - (i > 2 ? counts[i - 2] : 0);
    for (let more = true; more;) {
      let c = x & 0x1f;
      x >>= 5; // arithmetic: negative differences end at -1
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/** Run lengths back from COCO's compact string. */
export function countsFromString(text: string): number[] {
  const counts: number[] = [];
  for (let p = 0; p < text.length;) {
    let x = 0, k = 0, more = true;
    while (more) {
      const c = text.charCodeAt(p++) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/** A clip's masks, frame by frame: id → one RLE per frame (null where the object is not seen). */
export class ClipMasks {
  readonly #frames: Map<number, string>[] = [];

  constructor(readonly width: number, readonly height: number, readonly frames: number) {}

  add(t: number, ids: ArrayLike<number>): void {
    const strings = new Map<number, string>();
    for (const [id, counts] of maskRuns(ids, this.width, this.height)) {
      strings.set(id, countsToString(counts));
    }
    this.#frames[t] = strings;
  }

  /** labels.json `masks`: { size, encoding, objects: { id: [counts | null per frame] } }. */
  toJson() {
    const ids = new Set<number>();
    for (const frame of this.#frames) for (const id of frame?.keys() ?? []) ids.add(id);
    const objects: Record<string, (string | null)[]> = {};
    for (const id of [...ids].sort((a, b) => a - b)) {
      objects[id] = Array.from({ length: this.frames }, (_, t) => this.#frames[t]?.get(id) ?? null);
    }
    return {
      size: [this.height, this.width],
      encoding: "coco_rle",
      objects,
    };
  }
}

/** labels.json text with `masks` added as its last key (the text ends with its closing brace). */
export function withMasks(labels: string, masks: ReturnType<ClipMasks["toJson"]>): string {
  const close = labels.lastIndexOf("}");
  if (close < 0) throw new Error("labels.json text has no closing brace");
  return `${labels.slice(0, close).trimEnd()},\n"masks": ${JSON.stringify(masks)}\n}\n`;
}
