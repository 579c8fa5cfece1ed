/**
 * Sample-rate conversion by band-limited (windowed-sinc) interpolation.
 *
 * Each output sample is a Blackman-windowed sinc sum over the input samples
 * around its position. When downsampling, the sinc is widened so it also
 * low-passes below the new Nyquist frequency, which keeps user files at
 * 96 kHz from folding their ultrasonic content into the audible band.
 */

/** Zero crossings of the sinc on each side, at the lower of the two rates. */
const HALF_TAPS = 16;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Blackman window on [-1, 1]. */
function blackman(x: number): number {
  if (x <= -1 || x >= 1) return 0;
  const t = Math.PI * (x + 1); // 0..2π across the window
  return 0.42 - 0.5 * Math.cos(t) + 0.08 * Math.cos(2 * t);
}

/** Converts mono `input` from `fromRate` to `toRate`; returns `input` itself when they match. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) {
    throw new RangeError(`resample: bad rates ${fromRate} -> ${toRate}`);
  }
  if (fromRate === toRate) return input;
  const ratio = fromRate / toRate; // input samples per output sample
  const cutoff = Math.min(1, 1 / ratio); // fraction of the input Nyquist kept
  const halfWidth = HALF_TAPS / cutoff; // in input samples
  const length = Math.round((input.length * toRate) / fromRate);
  const out = new Float32Array(length);
  for (let n = 0; n < length; n++) {
    const t = n * ratio; // position in input samples
    const first = Math.max(0, Math.ceil(t - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(t + halfWidth));
    let sum = 0;
    for (let k = first; k <= last; k++) {
      const d = t - k;
      sum += input[k] * cutoff * sinc(cutoff * d) * blackman(d / halfWidth);
    }
    out[n] = sum;
  }
  return out;
}
