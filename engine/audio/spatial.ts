/**
 * Places a mono source in a stereo image, frame by frame, from where the
 * object is relative to the camera: constant-power pan by azimuth, 1/r
 * distance attenuation and the propagation delay of sound (which also gives
 * Doppler shift for free when the distance changes). Values are computed per
 * video frame and interpolated linearly in between. An optional small room
 * reverb (Schroeder: parallel damped combs, then all-passes) adds a tail.
 */

export const SPEED_OF_SOUND = 343; // m/s in air at 20 °C

/** Per-frame placement of one source. */
export interface Placement {
  left: number;
  right: number;
  /** Seconds from emission to the listener. */
  delay: number;
  /** -1 (hard left) .. 1 (hard right). */
  pan: number;
  distance: number;
}

export interface PlacementOptions {
  /** Distance (m) inside which there is no further gain: avoids 1/r blowing up. Default 1. */
  referenceDistance?: number;
}

/** A source with no position (ambience, narration): centred, no attenuation, no delay. */
export const CENTRE: Placement = {
  left: Math.SQRT1_2,
  right: Math.SQRT1_2,
  delay: 0,
  pan: 0,
  distance: 0,
};

/**
 * World point -> renderer camera frame (x right, y up, looking down -z), given
 * the rigid world-from-camera 4×4 in column-major order.
 */
export function toCameraFrame(
  point: readonly number[],
  worldFromCamera: ArrayLike<number>,
): [number, number, number] {
  const m = worldFromCamera;
  const dx = point[0] - m[12], dy = point[1] - m[13], dz = point[2] - m[14];
  // The inverse rotation is the transpose: dot with each rotation column.
  return [
    m[0] * dx + m[1] * dy + m[2] * dz,
    m[4] * dx + m[5] * dy + m[6] * dz,
    m[8] * dx + m[9] * dy + m[10] * dz,
  ];
}

/** Where a source at world `position` sits for the camera (the listener) at `worldFromCamera`. */
export function placeSource(
  position: readonly number[],
  worldFromCamera: ArrayLike<number>,
  options: PlacementOptions = {},
): Placement {
  const [x, y, z] = toCameraFrame(position, worldFromCamera);
  const horizontal = Math.hypot(x, z);
  // sin(azimuth): right of the viewing axis is positive, in front or behind alike.
  const pan = horizontal > 1e-9 ? Math.max(-1, Math.min(1, x / horizontal)) : 0;
  const distance = Math.hypot(x, y, z);
  const reference = options.referenceDistance ?? 1;
  const attenuation = reference / Math.max(reference, distance);
  const angle = ((pan + 1) * Math.PI) / 4; // 0 = left, π/2 = right
  return {
    left: attenuation * Math.cos(angle),
    right: attenuation * Math.sin(angle),
    delay: distance / SPEED_OF_SOUND,
    pan,
    distance,
  };
}

/**
 * Renders mono `input` (at `sampleRate`, starting at clip time 0) into stereo
 * using one placement per video frame. Output has the input's length.
 */
export function spatialise(
  input: Float32Array,
  placements: readonly Placement[],
  fps: number,
  sampleRate: number,
): [Float32Array, Float32Array] {
  if (placements.length === 0) throw new RangeError("spatialise: no placements");
  const left = new Float32Array(input.length);
  const right = new Float32Array(input.length);
  const last = placements.length - 1;
  for (let n = 0; n < input.length; n++) {
    const framePos = (n * fps) / sampleRate;
    const f = Math.min(Math.floor(framePos), last);
    const a = placements[f];
    const b = placements[Math.min(f + 1, last)];
    const t = f === last ? 0 : framePos - f;
    const delay = a.delay + (b.delay - a.delay) * t;
    // Fractional delay by linear interpolation between the two nearest input samples.
    const source = n - delay * sampleRate;
    if (source < 0) continue;
    const i = Math.floor(source);
    const frac = source - i;
    const s0 = input[i];
    const s1 = i + 1 < input.length ? input[i + 1] : 0;
    const sample = s0 + (s1 - s0) * frac;
    left[n] = sample * (a.left + (b.left - a.left) * t);
    right[n] = sample * (a.right + (b.right - a.right) * t);
  }
  return [left, right];
}

export interface ReverbOptions {
  /** Wet level relative to the dry signal (0..1). */
  wet: number;
  /** Seconds for the tail to fall by 60 dB. */
  decay: number;
}

// Mutually prime comb and all-pass lengths (Freeverb's, in samples at 44.1 kHz), rescaled.
const COMBS = [1116, 1188, 1277, 1356, 1422, 1491];
const ALLPASSES = [556, 441, 341];
const STEREO_SPREAD = 23;

function reverbChannel(input: Float32Array, sampleRate: number, decay: number, spread: number) {
  const scale = sampleRate / 44100;
  const out = new Float32Array(input.length);
  for (const base of COMBS) {
    const length = Math.round((base + spread) * scale);
    const feedback = Math.pow(10, (-3 * length) / (decay * sampleRate));
    const buffer = new Float32Array(length);
    let at = 0;
    let damped = 0;
    for (let n = 0; n < input.length; n++) {
      const delayed = buffer[at];
      damped = 0.8 * delayed + 0.2 * damped; // absorbs highs faster, as walls do
      buffer[at] = input[n] + feedback * damped;
      out[n] += delayed / COMBS.length;
      at = at + 1 === length ? 0 : at + 1;
    }
  }
  for (const base of ALLPASSES) {
    const length = Math.round((base + spread) * scale);
    const buffer = new Float32Array(length);
    let at = 0;
    for (let n = 0; n < out.length; n++) {
      const delayed = buffer[at];
      const x = out[n];
      buffer[at] = x + 0.5 * delayed;
      out[n] = delayed - 0.5 * buffer[at];
      at = at + 1 === length ? 0 : at + 1;
    }
  }
  return out;
}

/** Adds a room tail in place; left and right tails differ slightly for width. */
export function addReverb(
  stereo: [Float32Array, Float32Array],
  sampleRate: number,
  options: ReverbOptions,
): void {
  if (!(options.wet > 0) || !(options.decay > 0)) return;
  const [left, right] = stereo;
  const mono = new Float32Array(left.length);
  for (let n = 0; n < mono.length; n++) mono[n] = 0.5 * (left[n] + right[n]);
  const tails = [
    reverbChannel(mono, sampleRate, options.decay, 0),
    reverbChannel(mono, sampleRate, options.decay, STEREO_SPREAD),
  ];
  for (let n = 0; n < mono.length; n++) {
    left[n] += options.wet * tails[0][n];
    right[n] += options.wet * tails[1][n];
  }
}
