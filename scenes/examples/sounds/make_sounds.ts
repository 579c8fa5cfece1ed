/**
 * Writes the example WAV files next to this script: synthesised here from
 * plain maths, so they are ours to give away (CC0, see README.md) and the same
 * bytes every time. Run again after changing them:
 *   npx deno run --allow-write=scenes/examples/sounds scenes/examples/sounds/make_sounds.ts
 */
import { encodeWav } from "../../../engine/audio/wav.ts";

const RATE = 44100;

/** A struck metal tine: a few inharmonic partials, each dying away at its own rate. */
function tine(out: Float32Array, start: number, frequency: number, amplitude: number) {
  const partials = [[1, 1, 3], [2.76, 0.35, 7], [5.4, 0.12, 14]]; // ratio, level, decay (1/s)
  for (let n = 0; n < out.length - start; n++) {
    const t = n / RATE;
    let v = 0;
    for (const [ratio, level, decay] of partials) {
      v += level * Math.exp(-decay * t) * Math.sin(2 * Math.PI * frequency * ratio * t);
    }
    // A 2 ms attack keeps the onset from clicking.
    out[start + n] += amplitude * Math.min(1, t / 0.002) * v;
  }
}

/** Four bars of a music-box tune (C major pentatonic), 2.4 s, loops cleanly. */
function musicBox(): Float32Array {
  const out = new Float32Array(Math.round(2.4 * RATE));
  const notes = [72, 76, 79, 84, 81, 79, 76, 74, 72, 74, 76, 79]; // MIDI
  notes.forEach((note, k) => {
    const frequency = 440 * 2 ** ((note - 69) / 12);
    tine(out, Math.round(k * 0.2 * RATE), frequency, 0.3);
  });
  return fadeOut(out, 0.05);
}

/** A clock's tick: a short, bright knock, then silence to one second. */
function tick(): Float32Array {
  const out = new Float32Array(RATE);
  for (let n = 0; n < 0.03 * RATE; n++) {
    const t = n / RATE;
    const knock = Math.sin(2 * Math.PI * 2600 * t) + 0.6 * Math.sin(2 * Math.PI * 4100 * t);
    out[n] = 0.5 * Math.min(1, t / 0.0005) * Math.exp(-180 * t) * knock;
  }
  return out;
}

/** Ramps the last `seconds` down to zero so a loop does not click at the seam. */
function fadeOut(x: Float32Array, seconds: number): Float32Array {
  const count = Math.round(seconds * RATE);
  for (let k = 0; k < count; k++) x[x.length - 1 - k] *= k / count;
  return x;
}

const here = new URL(".", import.meta.url);
for (const [name, samples] of [["music_box.wav", musicBox()], ["tick.wav", tick()]] as const) {
  await Deno.writeFile(new URL(name, here), encodeWav([samples], RATE, "pcm16"));
  console.log(`wrote ${name} (${(samples.length / RATE).toFixed(2)} s)`);
}
