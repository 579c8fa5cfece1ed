/**
 * audio/ambience: a background bed for the whole scene: procedural noise
 * (white, pink, brown), mains hum, or a user WAV file looped to the clip's
 * length. The bed is scaled so its RMS level is `level_db` dBFS before the
 * mix's normalisation, which keeps it at a known distance below the sounds
 * of objects.
 */
import { readWav, toMono } from "../../engine/audio/wav.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";
import { checkFile } from "../../engine/plugin/checks.ts";
import type { Rng } from "../../engine/scene/rng.ts";
import { SCENE_INSTANCE, soundName } from "./clips.ts";

const SAMPLE_RATE = 48000;
export const AMBIENCE_TYPES = ["white", "pink", "brown", "hum", "file"] as const;
export type AmbienceType = typeof AMBIENCE_TYPES[number];

const defaults = {
  /** white, pink or brown noise, hum (mains hum at hum_hz) or file (the WAV looped). */
  type: "pink",
  /** RMS level in dBFS. */
  level_db: -30,
  /** Mains frequency for "hum" (50 or 60 Hz, or anything). */
  hum_hz: 50,
  /** WAV file for "file", relative to the scene file. */
  file: "",
};

/** Unit-RMS noise of the given colour. */
export function colouredNoise(colour: "white" | "pink" | "brown", length: number, rng: Rng) {
  const out = new Float32Array(length);
  // Pink: Paul Kellet's economy filter (-3 dB/octave within 0.5 dB above 40 Hz at 48 kHz).
  let b0 = 0, b1 = 0, b2 = 0;
  // Brown: leaky integrator, the leak keeps it from wandering off (-6 dB/octave above ~8 Hz).
  let brown = 0;
  for (let n = 0; n < length; n++) {
    const white = rng.uniform(-1, 1);
    if (colour === "white") out[n] = white;
    else if (colour === "pink") {
      b0 = 0.99765 * b0 + white * 0.099046;
      b1 = 0.963 * b1 + white * 0.2965164;
      b2 = 0.57 * b2 + white * 1.0526913;
      out[n] = b0 + b1 + b2 + white * 0.1848;
    } else {
      brown = 0.999 * brown + white * 0.05;
      out[n] = brown;
    }
  }
  return normaliseRms(out, 1);
}

/** Mains hum: the fundamental and its first harmonics, with drawn phases. */
export function hum(frequency: number, length: number, sampleRate: number, rng: Rng) {
  const harmonics = [1, 0.5, 0.3, 0.15];
  const phases = harmonics.map(() => rng.uniform(0, 2 * Math.PI));
  const out = new Float32Array(length);
  for (let n = 0; n < length; n++) {
    const t = n / sampleRate;
    let v = 0;
    harmonics.forEach((a, k) => {
      v += a * Math.sin(2 * Math.PI * frequency * (k + 1) * t + phases[k]);
    });
    out[n] = v;
  }
  return normaliseRms(out, 1);
}

/** Scales in place so the RMS is `rms`; silence stays silent. */
export function normaliseRms(samples: Float32Array, rms: number): Float32Array {
  let energy = 0;
  for (const v of samples) energy += v * v;
  const current = Math.sqrt(energy / Math.max(1, samples.length));
  if (current > 0) {
    const scale = rms / current;
    for (let n = 0; n < samples.length; n++) samples[n] *= scale;
  }
  return samples;
}

export const ambience = definePlugin({
  id: "audio/ambience",
  kind: "audio",
  description: "Background bed for the whole scene: white/pink/brown noise, hum, or a WAV file",
  defaults,
  limits: {
    type: { oneOf: AMBIENCE_TYPES },
    level_db: { min: -120, max: 0 },
    hum_hz: { min: 1, max: 20000 },
  },
  check: (o, scene) =>
    o.type === "file" ? checkFile("file", String(o.file), scene, "a WAV file for type: file") : [],
  create() {
    let sceneDir = "";
    return {
      setup(ctx) {
        sceneDir = ctx.sceneDir;
      },
      async clipEnd(ctx) {
        if (ctx.planning) return;
        const { type, level_db, hum_hz, file } = ctx.options;
        let samples: Float32Array;
        let rate = SAMPLE_RATE;
        const length = () => Math.round((ctx.frames / ctx.fps) * rate);
        if (type === "file") {
          if (!file) {
            throw new RangeError(`audio/ambience "${ctx.key}": type "file" needs option "file"`);
          }
          const path = file.startsWith("/") || !sceneDir ? file : `${sceneDir}/${file}`;
          const audio = await readWav(path);
          rate = audio.sampleRate;
          const mono = toMono(audio);
          samples = new Float32Array(length());
          if (mono.length > 0) {
            for (let n = 0; n < samples.length; n++) samples[n] = mono[n % mono.length];
          }
        } else if (type === "hum") {
          samples = hum(hum_hz, length(), rate, ctx.rng);
        } else {
          samples = colouredNoise(type as "white" | "pink" | "brown", length(), ctx.rng);
        }
        normaliseRms(samples, Math.pow(10, level_db / 20));
        ctx.addAudio({
          name: soundName(ctx.key),
          instance: SCENE_INSTANCE,
          kind: `ambience_${type}`,
          sampleRate: rate,
          samples,
          onsets: [0],
        });
      },
    };
  },
});
