// Per-pixel overlays read from the clip's .npy files: each turns frame t of its array into RGBA
// pixels (transparent where it has nothing to say, so the video shows through). Arrays are
// fetched the first time a layer is switched on; ranges (depth near/far, largest flow) are taken
// over the whole clip so colours compare across frames.

import { fetchNpy, framesOf } from "./npy.js";
import { flowColor, instanceColor, normalColor, ramp } from "./colors.js";

function finiteRange(data, accept) {
  let low = Infinity, high = -Infinity;
  for (const v of data) {
    if (!accept(v)) continue;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return low <= high ? { low, high } : { low: 0, high: 1 };
}

/** Writes colorAt(p) as an opaque pixel for every pixel p; null leaves that pixel clear. */
function paintPixels(rgba, colorAt) {
  for (let p = 0, n = rgba.length / 4; p < n; p++) {
    const color = colorAt(p);
    if (!color) continue;
    rgba[p * 4] = color[0], rgba[p * 4 + 1] = color[1], rgba[p * 4 + 2] = color[2];
    rgba[p * 4 + 3] = 255;
  }
}

/** Each layer: file it needs, how to load it, how to paint frame t into `rgba` (W*H*4). */
export const RASTER_LAYERS = [
  {
    key: "depth",
    label: "depth",
    file: "depth.npy",
    async load(url) {
      const array = await fetchNpy(url);
      const range = finiteRange(array.data, (d) => Number.isFinite(d) && d > 0);
      return { frames: framesOf(array), near: range.low, far: range.high };
    },
    paint(state, t, rgba) {
      const depth = state.frames.frame(t);
      const stride = state.frames.channels;
      const span = state.far - state.near;
      paintPixels(rgba, (p) => {
        const d = depth[p * stride];
        if (!(Number.isFinite(d) && d > 0)) return null;
        // Near = bright, as in preview.png.
        return ramp(span > 0 ? (state.far - d) / span : 1);
      });
    },
  },
  {
    key: "normals",
    label: "normals",
    file: "normals.npy",
    async load(url) {
      return { frames: framesOf(await fetchNpy(url)) };
    },
    paint(state, t, rgba) {
      const normals = state.frames.frame(t);
      const c = state.frames.channels;
      paintPixels(rgba, (p) => {
        const x = normals[p * c], y = normals[p * c + 1], z = normals[p * c + 2];
        if ((x === 0 && y === 0 && z === 0) || Number.isNaN(x + y + z)) return null;
        return normalColor(x, y, z);
      });
    },
  },
  {
    key: "flow",
    label: "flow",
    file: "flow.npy",
    async load(url) {
      const array = await fetchNpy(url);
      let largest = 0;
      for (let i = 0; i + 1 < array.data.length; i += 2) {
        const m = Math.hypot(array.data[i], array.data[i + 1]);
        if (Number.isFinite(m) && m > largest) largest = m;
      }
      return { frames: framesOf(array), largest };
    },
    paint(state, t, rgba) {
      const flow = state.frames.frame(t);
      const c = state.frames.channels;
      paintPixels(rgba, (p) => {
        const dx = flow[p * c], dy = flow[p * c + 1];
        // still pixels stay clear
        return Math.hypot(dx, dy) > 0 ? flowColor(dx, dy, state.largest) : null;
      });
    },
  },
  {
    key: "alpha",
    label: "alpha matte",
    file: "alpha.npy",
    async load(url) {
      const array = await fetchNpy(url);
      // uint8 mattes hold 0..255, float ones 0..1.
      return { frames: framesOf(array), scale: array.dtype === "|u1" ? 1 : 255 };
    },
    paint(state, t, rgba) {
      const alpha = state.frames.frame(t);
      const c = state.frames.channels;
      paintPixels(rgba, (p) => {
        const v = Math.round(Math.min(255, Math.max(0, alpha[p * c] * state.scale)));
        return [v, v, v];
      });
    },
  },
  {
    key: "mask",
    label: "instance mask",
    file: "instance.npy",
    async load(url) {
      return { frames: framesOf(await fetchNpy(url)) };
    },
    paint(state, t, rgba) {
      const ids = state.frames.frame(t);
      const c = state.frames.channels;
      const cache = new Map();
      paintPixels(rgba, (p) => {
        const id = ids[p * c];
        if (id === 0) return null;
        let color = cache.get(id);
        if (!color) cache.set(id, color = instanceColor(id));
        return color;
      });
    },
  },
];

/** Instance id under pixel (x, y) of frame t, or null when instance.npy is not loaded. */
export function instanceAt(maskState, t, x, y) {
  if (!maskState) return null;
  const { frames } = maskState;
  if (x < 0 || y < 0 || x >= frames.width || y >= frames.height) return null;
  return frames.frame(t)[(y * frames.width + x) * frames.channels];
}
