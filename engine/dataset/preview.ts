// Contact sheet: one PNG that shows, for each frame, the RGB render next to its depth, normal
// and instance labels, so a human can check at a glance that the labels line up with the image.
// Frames larger than PREVIEW_CELL pixels are shown at every n-th pixel so a cell stays about that
// size: the sheet is for a glance, and at 512² a full-size sheet cost as much CPU as the rest of
// the clip's files.

import { halfToFloat } from "./half.ts";
import { encodeRgbPng } from "./png.ts";

export interface PreviewFrame {
  /** RGBA8, width*height*4. */
  rgb: Uint8Array;
  /** Metres; 0, Infinity or NaN mean background. */
  depth: Float32Array;
  /** xyz per pixel in camera space; (0,0,0) is background. */
  normals: Float32Array;
  /** Instance id per pixel; 0 is background. */
  instance: Uint32Array;
}

let sheet = new Uint8Array(0);

/** A cell's longest side is at most this many pixels. */
export const PREVIEW_CELL = 256;

/** The frame as a preview shows it: every `step`-th pixel of each row and column, normals as floats. */
export function previewFrame(
  frame: { rgb: Uint8Array; depth: Float32Array; normals: Uint16Array; instance: Uint32Array },
  width: number,
  height: number,
): { frame: PreviewFrame; width: number; height: number } {
  const step = Math.ceil(Math.max(width, height) / PREVIEW_CELL);
  const w = Math.ceil(width / step), h = Math.ceil(height / step);
  const out: PreviewFrame = {
    rgb: new Uint8Array(w * h * 4),
    depth: new Float32Array(w * h),
    normals: new Float32Array(w * h * 3),
    instance: new Uint32Array(w * h),
  };
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      // nearest pixel, not an average: ids and depths stay values the frame really has
      const p = y * step * width + x * step;
      for (let c = 0; c < 4; c++) out.rgb[i * 4 + c] = frame.rgb[p * 4 + c];
      out.depth[i] = frame.depth[p];
      for (let c = 0; c < 3; c++) out.normals[i * 3 + c] = halfToFloat(frame.normals[p * 4 + c]);
      out.instance[i] = frame.instance[p];
    }
  }
  return { frame: out, width: w, height: h };
}

const GAP = 2;
const COLUMNS = 4;
const GAP_GREY = 64; // so black backgrounds stay distinguishable from gaps

// Viridis-like colour ramp (dark purple -> blue -> green -> yellow), sampled at even steps
// and linearly interpolated; perceptually ordered, so brighter always means nearer here.
const RAMP: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Writes the ramp colour for t (0..1) at out[o..o+2]. */
function rampInto(out: Uint8Array, o: number, t: number): void {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i], b = RAMP[i + 1];
  out[o] = Math.round(a[0] + (b[0] - a[0]) * f);
  out[o + 1] = Math.round(a[1] + (b[1] - a[1]) * f);
  out[o + 2] = Math.round(a[2] + (b[2] - a[2]) * f);
}

/** 32-bit integer mix (xorshift-multiply); neighbouring ids get unrelated colours. */
function hash32(id: number): number {
  let h = id >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Stable false colour for an instance id: hue from a hash, kept saturated and bright so it can
 * never be confused with the black background. Id 0 (background) is black.
 */
export function instanceColor(id: number): [number, number, number] {
  if (id === 0) return [0, 0, 0];
  const h = hash32(id);
  const hue = (h % 360) / 60;
  const saturation = 0.55 + ((h >>> 9) % 46) / 100; // 0.55 .. 1.0
  const value = 0.75 + ((h >>> 16) % 26) / 100; // 0.75 .. 1.0
  // HSV -> RGB
  const c = value * saturation;
  const x = c * (1 - Math.abs((hue % 2) - 1));
  const m = value - c;
  const sector = Math.floor(hue);
  const [r, g, b] = sector === 0
    ? [c, x, 0]
    : sector === 1
    ? [x, c, 0]
    : sector === 2
    ? [0, c, x]
    : sector === 3
    ? [0, x, c]
    : sector === 4
    ? [x, 0, c]
    : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

function isForegroundDepth(d: number): boolean {
  return Number.isFinite(d) && d > 0;
}

/** Contact sheet PNG: a row per frame; columns rgb | depth | normals | instance; 2 px gaps. */
export function contactSheet(
  frames: PreviewFrame[],
  width: number,
  height: number,
): Promise<Uint8Array> {
  if (frames.length === 0) throw new RangeError("contactSheet: no frames");
  const pixels = width * height;
  for (const [i, f] of frames.entries()) {
    if (
      f.rgb.length !== pixels * 4 || f.depth.length !== pixels ||
      f.normals.length !== pixels * 3 || f.instance.length !== pixels
    ) {
      throw new RangeError(`contactSheet: frame ${i} buffers do not match ${width}x${height}`);
    }
  }

  // One depth range for the whole sheet, so colours compare across frames.
  let near = Infinity, far = -Infinity;
  for (const f of frames) {
    for (const d of f.depth) {
      if (!isForegroundDepth(d)) continue;
      if (d < near) near = d;
      if (d > far) far = d;
    }
  }
  const span = far - near;

  const sheetW = COLUMNS * width + (COLUMNS - 1) * GAP;
  const sheetH = frames.length * height + (frames.length - 1) * GAP;
  // One sheet buffer reused from clip to clip: fresh pages cost more than the drawing here.
  if (sheet.length !== sheetW * sheetH * 3) sheet = new Uint8Array(sheetW * sheetH * 3);
  const out = sheet.fill(GAP_GREY);

  // Ids repeat over many pixels (and are small, sequential numbers): colour each once.
  let maxId = 0;
  for (const f of frames) for (const id of f.instance) if (id > maxId) maxId = id;
  const idColors = new Uint8Array((maxId + 1) * 3);
  for (let id = 1; id <= maxId; id++) idColors.set(instanceColor(id), id * 3);
  const cellStride = (width + GAP) * 3;
  frames.forEach((f, row) => {
    const rgb = f.rgb, depth = f.depth, normals = f.normals, instance = f.instance;
    for (let y = 0; y < height; y++) {
      let o = ((row * (height + GAP) + y) * sheetW) * 3;
      for (let p = y * width, end = p + width; p < end; p++, o += 3) {
        out[o] = rgb[p * 4];
        out[o + 1] = rgb[p * 4 + 1];
        out[o + 2] = rgb[p * 4 + 2];

        const d = depth[p];
        const z = o + cellStride;
        // Near = bright: t = 1 at the nearest depth on the sheet, 0 at the farthest.
        if (isForegroundDepth(d)) rampInto(out, z, span > 0 ? (far - d) / span : 1);
        else out[z] = out[z + 1] = out[z + 2] = 0;

        const n = o + 2 * cellStride;
        const nx = normals[p * 3], ny = normals[p * 3 + 1], nz = normals[p * 3 + 2];
        const background = (nx === 0 && ny === 0 && nz === 0) || Number.isNaN(nx + ny + nz);
        if (background) out[n] = out[n + 1] = out[n + 2] = 0;
        else {
          out[n] = toByte(nx * 0.5 + 0.5);
          out[n + 1] = toByte(ny * 0.5 + 0.5);
          out[n + 2] = toByte(nz * 0.5 + 0.5);
        }

        const id = instance[p] * 3;
        const c = o + 3 * cellStride;
        out[c] = idColors[id];
        out[c + 1] = idColors[id + 1];
        out[c + 2] = idColors[id + 2];
      }
    }
  });

  return encodeRgbPng(out, sheetW, sheetH);
}

function toByte(v: number): number {
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}
