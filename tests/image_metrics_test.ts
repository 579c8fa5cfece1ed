/** bench/image_metrics.ts: PSNR and SSIM on identical images and on a known pattern of noise. */
import { assert, assertEquals } from "./assert.ts";
import { absDiff, gaussianKernel, type Image8, psnr, ssim } from "../bench/image_metrics.ts";

function image(w: number, h: number, f: (x: number, y: number, c: number) => number): Image8 {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = f(x, y, c);
  }
  return { width: w, height: h, channels: 3, data };
}

Deno.test("image metrics: identical images give SSIM 1 and PSNR ∞", () => {
  const a = image(48, 40, (x, y, c) => (x * 5 + y * 3 + c * 70) % 256);
  assertEquals(psnr(a, a), Infinity);
  assert(Math.abs(ssim(a, a) - 1) < 1e-12, `ssim ${ssim(a, a)}`);
  assert(absDiff(a, a).data.every((v) => v === 0));
});

Deno.test("image metrics: ±d checkerboard on a flat grey has the closed-form PSNR and SSIM", () => {
  // y = x ± d in a checkerboard: MSE = d², and under the Gaussian window the checkerboard's
  // weighted mean is ~0 (|Σ g_i (−1)^i|² ≈ 3·10⁻⁸), so μx = μy, σx = 0, σy² = d², and
  // SSIM = C2 / (d² + C2) with C2 = (0.03·255)².
  const d = 10;
  const flat = image(64, 64, () => 128);
  const noisy = image(64, 64, (x, y) => 128 + ((x + y) % 2 ? d : -d));
  const c2 = (0.03 * 255) ** 2;
  assert(Math.abs(psnr(flat, noisy) - 20 * Math.log10(255 / d)) < 1e-9);
  const expected = c2 / (d * d + c2); // 0.36917…
  assert(Math.abs(ssim(flat, noisy) - expected) < 1e-4, `ssim ${ssim(flat, noisy)} vs ${expected}`);
  const k = gaussianKernel();
  assertEquals(k.length, 11);
  assert(Math.abs(k.reduce((s, v) => s + v, 0) - 1) < 1e-12);
});

Deno.test("image metrics: a brightness offset lowers SSIM's luminance term only a little", () => {
  const a = image(32, 32, (x, y) => 60 + ((x * 7 + y * 13) % 120));
  const b = image(32, 32, (x, y) => 65 + ((x * 7 + y * 13) % 120));
  const s = ssim(a, b);
  assert(s > 0.99 && s < 1, `ssim ${s}`);
  assert(Math.abs(psnr(a, b) - 20 * Math.log10(255 / 5)) < 1e-9);
});
