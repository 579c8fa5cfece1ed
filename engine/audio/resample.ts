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

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Above this many distinct output phases the kernel is evaluated per tap instead of tabled. */
const MAX_PHASES = 4096;

/** Converts mono `input` from `fromRate` to `toRate`; returns `input` itself when they match. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) {
    throw new RangeError(`resample: bad rates ${fromRate} -> ${toRate}`);
  }
  if (fromRate === toRate) return input;
  const ratio = fromRate / toRate; // input samples per output sample
  const cutoff = Math.min(1, 1 / ratio); // fraction of the input Nyquist kept
  const halfWidth = HALF_TAPS / cutoff; // in input samples
  const kernel = (d: number) => cutoff * sinc(cutoff * d) * blackman(d / halfWidth);
  const length = Math.round((input.length * toRate) / fromRate);
  const out = new Float32Array(length);

  // With integer rates the output positions cycle through `phases` fractional offsets
  // (160 for 44.1 -> 48 kHz), so each offset's taps can be computed once.
  const integral = Number.isInteger(fromRate) && Number.isInteger(toRate);
  const phases = integral ? toRate / gcd(fromRate, toRate) : Infinity;
  const step = integral ? fromRate / gcd(fromRate, toRate) : 0; // input samples per cycle
  const span = Math.ceil(halfWidth) * 2 + 1;
  const table = phases <= MAX_PHASES ? new Float32Array(phases * span) : null;
  if (table) {
    for (let p = 0; p < phases; p++) {
      const frac = (p * step) / phases - Math.floor((p * step) / phases);
      for (let j = 0; j < span; j++) {
        const d = frac - (j - Math.ceil(halfWidth)); // t - k with k = floor(t) + j - ceil(hw)
        table[p * span + j] = Math.abs(d) < halfWidth ? kernel(d) : 0;
      }
    }
  }
  for (let n = 0; n < length; n++) {
    let sum = 0;
    if (table) {
      const p = n % phases;
      // floor(n * ratio) from integers, so no rounding error accumulates along the signal.
      const base = Math.floor((n - p) / phases) * step + Math.floor((p * step) / phases);
      const first = base - Math.ceil(halfWidth);
      const row = p * span;
      for (let j = Math.max(0, -first); j < span && first + j < input.length; j++) {
        sum += input[first + j] * table[row + j];
      }
    } else {
      const t = n * ratio; // position in input samples
      const first = Math.max(0, Math.ceil(t - halfWidth));
      const last = Math.min(input.length - 1, Math.floor(t + halfWidth));
      for (let k = first; k <= last; k++) sum += input[k] * kernel(t - k);
    }
    out[n] = sum;
  }
  return out;
}
