/**
 * Full-reference image metrics for bench/quality.ts: PSNR and SSIM between two 8-bit RGB images
 * of the same size.
 *
 * SSIM follows Wang, Bovik, Sheikh & Simoncelli 2004 ("Image quality assessment: from error
 * visibility to structural similarity"): local statistics under an 11×11 Gaussian window
 * (σ = 1.5, normalised), K1 = 0.01, K2 = 0.03, L = 255, the map averaged over the windows that
 * fit inside the image (no padding, as the authors' reference code does). Colour images are
 * scored per channel and the three means averaged.
 */

/** An 8-bit image: `channels` bytes per pixel, row-major, top row first. */
export interface Image8 {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

function sameSize(a: Image8, b: Image8): void {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new Error(
      `image sizes differ: ${a.width}×${a.height}×${a.channels} vs ${b.width}×${b.height}×${b.channels}`,
    );
  }
}

/** Mean squared error over every channel of every pixel. */
export function mse(a: Image8, b: Image8): number {
  sameSize(a, b);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    sum += d * d;
  }
  return sum / a.data.length;
}

/** Peak signal-to-noise ratio in dB (peak 255); Infinity for identical images. */
export function psnr(a: Image8, b: Image8): number {
  const e = mse(a, b);
  return e === 0 ? Infinity : 10 * Math.log10((255 * 255) / e);
}

/** The normalised 1-D Gaussian (the 2-D window is its outer product). */
export function gaussianKernel(size = 11, sigma = 1.5): Float64Array {
  const k = new Float64Array(size);
  const c = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) sum += k[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) k[i] /= sum;
  return k;
}

/** Separable "valid" filtering: output (w − n + 1) × (h − n + 1). */
function filterValid(
  src: Float64Array,
  w: number,
  h: number,
  k: Float64Array,
): { data: Float64Array; width: number; height: number } {
  const n = k.length;
  const ow = w - n + 1, oh = h - n + 1;
  const rows = new Float64Array(ow * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += k[i] * src[y * w + x + i];
      rows[y * ow + x] = s;
    }
  }
  const out = new Float64Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += k[i] * rows[(y + i) * ow + x];
      out[y * ow + x] = s;
    }
  }
  return { data: out, width: ow, height: oh };
}

/** Mean SSIM of one channel. */
export function ssimChannel(a: Image8, b: Image8, channel: number): number {
  sameSize(a, b);
  const { width: w, height: h, channels } = a;
  const kernel = gaussianKernel();
  if (w < kernel.length || h < kernel.length) {
    throw new Error(`SSIM needs at least ${kernel.length}×${kernel.length} pixels`);
  }
  const n = w * h;
  const x = new Float64Array(n), y = new Float64Array(n);
  const xx = new Float64Array(n), yy = new Float64Array(n), xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = a.data[i * channels + channel], q = b.data[i * channels + channel];
    x[i] = p;
    y[i] = q;
    xx[i] = p * p;
    yy[i] = q * q;
    xy[i] = p * q;
  }
  const mx = filterValid(x, w, h, kernel).data;
  const my = filterValid(y, w, h, kernel).data;
  const sxx = filterValid(xx, w, h, kernel).data;
  const syy = filterValid(yy, w, h, kernel).data;
  const sxy = filterValid(xy, w, h, kernel).data;
  const c1 = (0.01 * 255) ** 2, c2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < mx.length; i++) {
    const ux = mx[i], uy = my[i];
    const vx = sxx[i] - ux * ux, vy = syy[i] - uy * uy, cov = sxy[i] - ux * uy;
    sum += ((2 * ux * uy + c1) * (2 * cov + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  }
  return sum / mx.length;
}

/** Mean SSIM, averaged over the colour channels (alpha, if any, left out). */
export function ssim(a: Image8, b: Image8): number {
  const colour = Math.min(a.channels, 3);
  let sum = 0;
  for (let c = 0; c < colour; c++) sum += ssimChannel(a, b, c);
  return sum / colour;
}

/** |a − b| × gain per channel, clamped to 255 (for side-by-side pictures). */
export function absDiff(a: Image8, b: Image8, gain = 4): Image8 {
  sameSize(a, b);
  const data = new Uint8Array(a.data.length);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.min(255, Math.abs(a.data[i] - b.data[i]) * gain);
  }
  return { ...a, data };
}

/** Images side by side (same height and channels), `gap` pixels of `gapValue` between them. */
export function sideBySide(images: Image8[], gap = 4, gapValue = 255): Image8 {
  const h = images[0].height, ch = images[0].channels;
  const w = images.reduce((s, im) => s + im.width, 0) + gap * (images.length - 1);
  const data = new Uint8Array(w * h * ch).fill(gapValue);
  let x0 = 0;
  for (const im of images) {
    if (im.height !== h || im.channels !== ch) throw new Error("sideBySide: sizes differ");
    for (let y = 0; y < h; y++) {
      data.set(im.data.subarray(y * im.width * ch, (y + 1) * im.width * ch), (y * w + x0) * ch);
    }
    x0 += im.width + gap;
  }
  return { width: w, height: h, channels: ch, data };
}
