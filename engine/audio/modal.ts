/**
 * Modal synthesis of contact sounds.
 *
 * A struck solid rings as a sum of damped sinusoids (its modes). Which
 * frequencies, how fast they die and how bright the strike is depend on the
 * material; the frequencies also scale inversely with the object's size (a
 * larger object of the same material sounds lower). Loudness is linear in the
 * contact impulse, as for any linear resonator driven by a short force pulse.
 * Sliding and rolling drive the same modes with noise, scaled by speed.
 */
import type { Rng } from "../scene/rng.ts";

export interface AcousticMaterial {
  /** Lowest mode in Hz of a 10 cm object; scales as 1/size. */
  f10cm: number;
  /** Mode frequencies relative to the lowest (the shape family of the material's objects). */
  ratios: readonly number[];
  /** Rayleigh damping: mode decay rate = dampingA + dampingB·f² (1/s). */
  dampingA: number;
  dampingB: number;
  /** Contact duration in seconds: hard materials hit briefly, so they sound brighter. */
  contactTime: number;
  /** Relative radiation efficiency. */
  gain: number;
}

// Free-free bar ratios (wood, plastic, stone) and plate/shell-like ratios (metal, glass,
// ceramic); the damping and stiffness numbers are chosen by ear to give the usual decay times:
// metal rings for seconds, glass and ceramic about a second, wood and plastic tens of ms.
const BAR = [1, 2.756, 5.404, 8.933, 13.345, 18.64];
const SHELL = [1, 1.594, 2.136, 2.296, 2.653, 2.918, 3.156, 3.501, 4.06];

export const ACOUSTIC_MATERIALS: Readonly<Record<string, AcousticMaterial>> = {
  metal: { f10cm: 1800, ratios: SHELL, dampingA: 2, dampingB: 1e-7, contactTime: 3e-4, gain: 1 },
  glass: { f10cm: 2600, ratios: SHELL, dampingA: 5, dampingB: 3e-7, contactTime: 2e-4, gain: 0.8 },
  ceramic: {
    f10cm: 2100,
    ratios: SHELL,
    dampingA: 10,
    dampingB: 6e-7,
    contactTime: 3e-4,
    gain: 0.8,
  },
  stone: { f10cm: 1500, ratios: BAR, dampingA: 40, dampingB: 2e-6, contactTime: 3e-4, gain: 0.7 },
  wood: { f10cm: 900, ratios: BAR, dampingA: 30, dampingB: 3e-6, contactTime: 6e-4, gain: 0.8 },
  plastic: { f10cm: 700, ratios: BAR, dampingA: 45, dampingB: 5e-6, contactTime: 8e-4, gain: 0.6 },
  cardboard: {
    f10cm: 400,
    ratios: BAR,
    dampingA: 80,
    dampingB: 1e-5,
    contactTime: 1.5e-3,
    gain: 0.5,
  },
  rubber: { f10cm: 300, ratios: BAR, dampingA: 120, dampingB: 2e-5, contactTime: 3e-3, gain: 0.4 },
  fabric: { f10cm: 200, ratios: BAR, dampingA: 200, dampingB: 5e-5, contactTime: 5e-3, gain: 0.2 },
};

/** Used when an object has no preset or one without acoustic data. */
export const DEFAULT_ACOUSTIC_MATERIAL = "plastic";

export function acousticMaterial(preset: string | undefined): AcousticMaterial {
  const key = (preset ?? "").toLowerCase();
  return ACOUSTIC_MATERIALS[key] ?? ACOUSTIC_MATERIALS[DEFAULT_ACOUSTIC_MATERIAL];
}

export interface Mode {
  frequency: number;
  /** Exponential decay rate of the amplitude, 1/s. */
  decay: number;
  /** Amplitude per unit impulse, before the strike's brightness is applied. */
  weight: number;
}

const MIN_FUNDAMENTAL = 40;
const MAX_FUNDAMENTAL = 6000;
const MAX_FREQUENCY = 16000;

/**
 * The modes of one object: material, characteristic size in metres (its
 * largest extent) and the object's own RNG, so each object sounds slightly
 * different from its twins but the same at every hit.
 */
export function objectModes(material: AcousticMaterial, size: number, rng: Rng): Mode[] {
  const f0 = Math.min(
    MAX_FUNDAMENTAL,
    Math.max(MIN_FUNDAMENTAL, (material.f10cm * 0.1) / Math.max(size, 1e-3)),
  );
  const modes: Mode[] = [];
  material.ratios.forEach((ratio, i) => {
    // Real objects are never ideal bars or plates: detune each mode a little.
    const frequency = f0 * ratio * (1 + 0.03 * rng.normal());
    if (frequency >= MAX_FREQUENCY) return;
    const decay = material.dampingA + material.dampingB * frequency * frequency;
    const weight = rng.uniform(0.5, 1) / Math.sqrt(i + 1);
    modes.push({ frequency, decay, weight });
  });
  return modes;
}

/** How strongly a force pulse of duration `contactTime` excites frequency `f` (1 at DC). */
function strikeSpectrum(f: number, contactTime: number): number {
  const x = f * contactTime;
  return 1 / (1 + x * x);
}

/** Relative amplitude at which a mode is treated as silent (-80 dB). */
const SILENCE = 1e-4;

/**
 * Adds one impact to `out` (mono) starting at sample `start`: every mode as a
 * damped sinusoid, plus a short noise click for the contact itself.
 * `amplitude` is the peak scale (impulse times the caller's gain).
 * Returns the last sample index written (exclusive).
 */
export function addImpact(
  out: Float32Array,
  start: number,
  modes: readonly Mode[],
  material: AcousticMaterial,
  amplitude: number,
  sampleRate: number,
  rng: Rng,
): number {
  let end = start;
  const total = modes.reduce((sum, m) => sum + m.weight, 0) || 1;
  for (const mode of modes) {
    // Where the object is struck changes each mode's share a little from hit to hit.
    const a = (amplitude * material.gain * mode.weight * rng.uniform(0.7, 1.0) *
      strikeSpectrum(mode.frequency, material.contactTime)) / total;
    if (a <= 0) continue;
    // Cut each mode 80 dB below its own start, so the sound stays linear in the impulse.
    const length = Math.ceil((Math.log(1 / SILENCE) / mode.decay) * sampleRate);
    // Damped sine by the two-term recurrence s[n] = 2 r cos(w) s[n-1] - r² s[n-2].
    const w = (2 * Math.PI * mode.frequency) / sampleRate;
    const r = Math.exp(-mode.decay / sampleRate);
    const c1 = 2 * r * Math.cos(w);
    const c2 = r * r;
    let s1 = 0; // s[n-1]
    let s2 = 0; // s[n-2]
    const stop = Math.min(out.length, start + length);
    for (let n = start; n < stop; n++) {
      const s = n === start ? 0 : n === start + 1 ? r * Math.sin(w) : c1 * s1 - c2 * s2;
      if (n >= 0) out[n] += a * s;
      s2 = s1;
      s1 = s;
    }
    end = Math.max(end, stop);
  }
  // The contact click: white noise under a half-sine a few contact times long.
  const clickLength = Math.max(2, Math.round(material.contactTime * 4 * sampleRate));
  const clickGain = 0.15 * amplitude * material.gain;
  for (let i = 0; i < clickLength; i++) {
    const n = start + i;
    const noise = rng.uniform(-1, 1);
    if (n >= 0 && n < out.length) {
      out[n] += clickGain * noise * Math.sin((Math.PI * (i + 0.5)) / clickLength);
    }
  }
  return Math.max(end, Math.min(out.length, start + clickLength));
}

export type FrictionKind = "scrape" | "roll";

/**
 * Adds sliding or rolling noise to `out`: noise through the object's modes as
 * resonant filters, loudness following `speeds` (m/s per video frame, linearly
 * interpolated between frames). Rolling noise is darker and pulses once per
 * revolution (`radius` in metres).
 */
export function addFriction(
  out: Float32Array,
  kind: FrictionKind,
  speeds: readonly number[],
  fps: number,
  modes: readonly Mode[],
  material: AcousticMaterial,
  gain: number,
  radius: number,
  sampleRate: number,
  rng: Rng,
): void {
  if (speeds.every((s) => s <= 0)) return;
  const samplesPerFrame = sampleRate / fps;
  // Two-pole resonators, one per mode; bandwidth follows the mode's own decay.
  const bank = modes.map((m) => {
    const r = Math.exp(-Math.max(m.decay, 30) / sampleRate);
    const w = (2 * Math.PI * m.frequency) / sampleRate;
    return { c1: 2 * r * Math.cos(w), c2: r * r, norm: (1 - r * r) * m.weight, y1: 0, y2: 0 };
  });
  // Rolling excites mostly low frequencies: a one-pole low-pass on the noise.
  const lowpass = kind === "roll" ? Math.exp((-2 * Math.PI * 300) / sampleRate) : 0;
  const dry = kind === "roll" ? 0.05 : 0.2;
  const level = (kind === "roll" ? 0.25 : 0.5) * gain * material.gain;
  let noiseState = 0;
  let phase = 0;
  for (let n = 0; n < out.length; n++) {
    const framePos = n / samplesPerFrame;
    const f = Math.floor(framePos);
    if (f >= speeds.length - 1 && speeds[speeds.length - 1] <= 0) break;
    const a = speeds[Math.min(f, speeds.length - 1)];
    const b = speeds[Math.min(f + 1, speeds.length - 1)];
    const speed = a + (b - a) * (framePos - f);
    const white = rng.uniform(-1, 1);
    noiseState = lowpass * noiseState + (1 - lowpass) * white;
    let wet = 0;
    for (const filter of bank) {
      const y = filter.norm * noiseState + filter.c1 * filter.y1 - filter.c2 * filter.y2;
      filter.y2 = filter.y1;
      filter.y1 = y;
      wet += y;
    }
    let envelope = level * speed;
    if (kind === "roll" && radius > 0) {
      phase += speed / (2 * Math.PI * radius) / sampleRate;
      envelope *= 1 + 0.3 * Math.sin(2 * Math.PI * phase);
    }
    if (speed > 0) out[n] += envelope * (wet + dry * noiseState);
  }
}
