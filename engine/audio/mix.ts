/**
 * Mixes a clip's sound sources into stereo stems and one mix, with ground
 * truth of which object makes which sound.
 *
 * Every source is resampled to 48 kHz, spatialised frame by frame from its
 * object's position relative to the camera (optionally with a room tail) and
 * becomes one stem. The mix is the sum of the stems, then one gain brings its
 * peak to PEAK_TARGET; the same gain is applied to every stem first, so the
 * stems written to disk sum to the mix written to disk (to float32 rounding).
 */
import type { AudioSource } from "../plugin/contract.ts";
import type { FrameState } from "../scene/frame_state.ts";
import type { InstanceLabel } from "../gpu/label_pass.ts";
import { writeFileAtomic, writeJsonAtomic } from "../dataset/atomic.ts";
import { resample } from "./resample.ts";
import {
  addReverb,
  CENTRE,
  type Placement,
  type PlacementOptions,
  placeSource,
  type ReverbOptions,
  spatialise,
  toCameraFrame,
} from "./spatial.ts";
import { encodeWav } from "./wav.ts";

export const MIX_SAMPLE_RATE = 48000;
/** -1 dBFS: room for the AAC encoder's overshoot. */
export const PEAK_TARGET = 0.8912509381337456;

/** What the renderer knows about one object in one frame. */
export interface TrackObject {
  /** World position (m). */
  position: readonly [number, number, number];
  /** Visible 2D box [x0, y0, x1, y1] in pixel edges, null when not visible. */
  bbox: readonly [number, number, number, number] | null;
  /** Visible pixels. */
  pixels: number;
}

/** One rendered frame: the listener (camera) and the objects. */
export interface TrackFrame {
  /** World-from-camera 4×4, column-major, renderer frame (-z forward, +y up). */
  worldFromCamera: ArrayLike<number>;
  /** Intrinsics, row-major 3×3 (fx, 0, cx / 0, fy, cy / 0, 0, 1), OpenCV convention. */
  K: readonly (readonly number[])[];
  objects: ReadonlyMap<number, TrackObject>;
}

export interface MixOptions extends PlacementOptions {
  /** A small room's tail on every positioned source; none when absent. */
  reverb?: ReverbOptions | null;
}

/** Per-frame ground truth of a sounding object. */
export interface SourceFrame {
  frame: number;
  /** Projected object centre in pixels (OpenCV), null when behind the camera or unplaced. */
  image: [number, number] | null;
  /** Visible 2D box of the object, null when it cannot be seen. */
  bbox: [number, number, number, number] | null;
  pixels: number;
  visible: boolean;
  /** Stereo pan -1..1 and distance (m) the mix used. */
  pan: number;
  distance: number;
}

export interface SourceReport {
  name: string;
  instance: number | "scene";
  kind: string;
  stem: string;
  /** Seconds when the source is first / last audible in its stem. */
  onset: number | null;
  offset: number | null;
  /** Audible stretches [start, end] in seconds. */
  active: [number, number][];
  /** Event times the source reported (emission), and when each reaches the camera. */
  events: { emitted: number; heard: number }[];
  loudness: { peak_dbfs: number | null; rms_dbfs: number | null; active_rms_dbfs: number | null };
  frames: SourceFrame[] | null;
}

export interface AudioReport {
  sample_rate: number;
  channels: 2;
  duration: number;
  samples: number;
  /** The gain applied to every stem (and so to the mix) to peak-normalise. */
  gain: number;
  peak_target: number;
  mix: string;
  reverb: ReverbOptions | null;
  conventions: string;
  sources: SourceReport[];
}

export interface MixedClip {
  sampleRate: number;
  /** Stereo stems in source order, already scaled by `gain`. */
  stems: { source: AudioSource; channels: [Float32Array, Float32Array] }[];
  mix: [Float32Array, Float32Array];
  gain: number;
  report: AudioReport;
}

const FILE_SAFE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Decibels relative to full scale, to 0.01 dB; null for silence. */
function dbfs(value: number): number | null {
  return value > 0 ? Math.round(2000 * Math.log10(value)) / 100 : null;
}

/** Audible stretches: 10 ms windows within 50 dB of the loudest window and above -80 dBFS. */
function activeStretches(stereo: [Float32Array, Float32Array], sampleRate: number) {
  const window = Math.round(sampleRate / 100);
  const energies: number[] = [];
  for (let start = 0; start < stereo[0].length; start += window) {
    let sum = 0;
    const end = Math.min(stereo[0].length, start + window);
    for (let n = start; n < end; n++) sum += stereo[0][n] ** 2 + stereo[1][n] ** 2;
    energies.push(sum / (2 * (end - start)));
  }
  const loudest = Math.max(0, ...energies);
  const threshold = Math.max(1e-8, loudest * 1e-5); // -80 dBFS, 50 dB below the peak
  const stretches: [number, number][] = [];
  const gap = 5; // windows (50 ms) of silence that still count as one stretch
  let first = -1;
  let last = -1;
  energies.forEach((energy, i) => {
    if (energy < threshold) return;
    if (first >= 0 && i - last > gap) {
      stretches.push([first, last + 1]);
      first = i;
    } else if (first < 0) first = i;
    last = i;
  });
  if (first >= 0) stretches.push([first, last + 1]);
  // Refine the onset to the first sample over the threshold amplitude inside the first window.
  const samples = stereo[0].length;
  return stretches.map(([a, b]) => {
    let start = a * window;
    const amplitude = Math.sqrt(threshold);
    const end = Math.min(samples, (a + 1) * window);
    while (
      start < end - 1 && Math.abs(stereo[0][start]) < amplitude &&
      Math.abs(stereo[1][start]) < amplitude
    ) start++;
    return [start / sampleRate, Math.min(samples, b * window) / sampleRate] as [number, number];
  });
}

function project(
  position: readonly number[],
  frame: TrackFrame,
): [number, number] | null {
  const [x, y, z] = toCameraFrame(position, frame.worldFromCamera);
  // Renderer frame -> OpenCV: (x, -y, -z); in front when -z > 0.
  const depth = -z;
  if (depth <= 1e-6) return null;
  const [[fx, , cx], [, fy, cy]] = frame.K;
  return [fx * (x / depth) + cx, fy * (-y / depth) + cy];
}

/** The source's placement and ground truth per frame, holding the last known position. */
function followSource(
  source: AudioSource,
  track: readonly TrackFrame[],
  options: MixOptions,
): { placements: Placement[]; frames: SourceFrame[] | null } {
  if (source.instance === "scene") return { placements: track.map(() => CENTRE), frames: null };
  const id = source.instance;
  let known = track.find((f) => f.objects.has(id))?.objects.get(id)?.position;
  const placements: Placement[] = [];
  const frames: SourceFrame[] = [];
  track.forEach((frame, index) => {
    const object = frame.objects.get(id);
    if (object) known = object.position;
    const placement = known ? placeSource(known, frame.worldFromCamera, options) : CENTRE;
    placements.push(placement);
    frames.push({
      frame: index,
      image: known ? project(known, frame) : null,
      bbox: object?.bbox ? [...object.bbox] : null,
      pixels: object?.pixels ?? 0,
      visible: (object?.pixels ?? 0) > 0,
      pan: Math.round(placement.pan * 1e4) / 1e4,
      distance: Math.round(placement.distance * 1e4) / 1e4,
    });
  });
  return { placements, frames };
}

/** Fits `samples` to exactly `length` (truncating tails past the clip's end, padding silence). */
function fitLength(samples: Float32Array, length: number): Float32Array {
  if (samples.length === length) return samples;
  const out = new Float32Array(length);
  out.set(samples.subarray(0, Math.min(length, samples.length)));
  return out;
}

function checkSources(sources: readonly AudioSource[]): void {
  const names = new Set<string>();
  for (const source of sources) {
    if (!FILE_SAFE.test(source.name)) {
      throw new RangeError(
        `Audio source name "${source.name}" is not file-safe (use [A-Za-z0-9_.-])`,
      );
    }
    if (names.has(source.name)) {
      throw new RangeError(`Audio source name "${source.name}" is used twice`);
    }
    names.add(source.name);
    if (!(source.sampleRate > 0)) {
      throw new RangeError(`Audio source "${source.name}" has sample rate ${source.sampleRate}`);
    }
  }
}

/**
 * Spatialises and mixes a clip's sources. `track` has one entry per rendered
 * frame; the clip lasts `frames / fps` seconds.
 */
export function mixClip(
  sources: readonly AudioSource[],
  track: readonly TrackFrame[],
  fps: number,
  frames: number,
  options: MixOptions = {},
): MixedClip {
  checkSources(sources);
  if (!(fps > 0) || !(frames > 0)) {
    throw new RangeError(`mixClip: bad fps ${fps} or frames ${frames}`);
  }
  if (track.length === 0) throw new RangeError("mixClip: empty track");
  const sampleRate = MIX_SAMPLE_RATE;
  const length = Math.round((frames / fps) * sampleRate);
  const reverb = options.reverb ?? null;

  const raw = sources.map((source) => {
    const mono = fitLength(resample(source.samples, source.sampleRate, sampleRate), length);
    const followed = followSource(source, track, options);
    const stereo = spatialise(mono, followed.placements, fps, sampleRate);
    if (reverb && source.instance !== "scene") addReverb(stereo, sampleRate, reverb);
    return { source, stereo, ...followed };
  });

  // One gain for everything: the unscaled sum's peak sets it.
  let peak = 0;
  for (let n = 0; n < length; n++) {
    let l = 0, r = 0;
    for (const { stereo } of raw) {
      l += stereo[0][n];
      r += stereo[1][n];
    }
    peak = Math.max(peak, Math.abs(l), Math.abs(r));
  }
  const gain = peak > 0 ? PEAK_TARGET / peak : 1;

  const mix: [Float32Array, Float32Array] = [new Float32Array(length), new Float32Array(length)];
  const stems = raw.map(({ source, stereo }) => {
    const channels = stereo.map((channel) => {
      const scaled = new Float32Array(length);
      for (let n = 0; n < length; n++) scaled[n] = channel[n] * gain;
      return scaled;
    }) as [Float32Array, Float32Array];
    return { source, channels };
  });
  // The mix is summed from the scaled stems as stored, so sum(stems) == mix to float32 rounding.
  for (let c = 0; c < 2; c++) {
    for (let n = 0; n < length; n++) {
      let sum = 0;
      for (const stem of stems) sum += stem.channels[c][n];
      mix[c][n] = sum;
    }
  }

  const reports: SourceReport[] = raw.map(({ source, placements, frames: sourceFrames }, i) => {
    const channels = stems[i].channels;
    let peakSample = 0, energy = 0;
    for (const channel of channels) {
      for (let n = 0; n < length; n++) {
        peakSample = Math.max(peakSample, Math.abs(channel[n]));
        energy += channel[n] * channel[n];
      }
    }
    const active = activeStretches(channels, sampleRate);
    const activeSeconds = active.reduce((sum, [a, b]) => sum + (b - a), 0);
    const round = (t: number) => Math.round(t * 1e6) / 1e6;
    const delayAt = (time: number) => {
      const f = Math.min(placements.length - 1, Math.max(0, Math.round(time * fps)));
      return placements[f].delay;
    };
    return {
      name: source.name,
      instance: source.instance,
      kind: source.kind,
      stem: `audio/stems/${source.name}.wav`,
      onset: active.length ? round(active[0][0]) : null,
      offset: active.length ? round(active[active.length - 1][1]) : null,
      active: active.map(([a, b]) => [round(a), round(b)]),
      events: (source.onsets ?? []).map((t) => ({
        emitted: round(t),
        heard: round(t + delayAt(t)),
      })),
      loudness: {
        peak_dbfs: dbfs(peakSample),
        rms_dbfs: dbfs(Math.sqrt(energy / (2 * length))),
        active_rms_dbfs: dbfs(
          activeSeconds > 0 ? Math.sqrt(energy / (2 * activeSeconds * sampleRate)) : 0,
        ),
      },
      frames: sourceFrames,
    };
  });

  const report: AudioReport = {
    sample_rate: sampleRate,
    channels: 2,
    duration: length / sampleRate,
    samples: length,
    gain,
    peak_target: PEAK_TARGET,
    mix: "audio/mix.wav",
    reverb,
    conventions: "float32 WAV, channels [left, right] as seen from the camera; stems are scaled " +
      "by gain and sum to the mix; times in seconds from the clip start; image positions in " +
      "pixels (OpenCV, pixel (i, j) covers [i, i+1) x [j, j+1)); pan -1 = left, 1 = right",
    sources: reports,
  };
  return { sampleRate, stems, mix, gain, report };
}

/**
 * The track from what the runner keeps per clip: frame states (camera, object
 * poses) and the rendered labels, for the first `frames` frames.
 */
export function trackFromStates(
  states: readonly FrameState[],
  labels: readonly (readonly InstanceLabel[] | undefined)[],
  frames: number,
): TrackFrame[] {
  return states.slice(0, frames).map((state, t) => {
    const objects = new Map<number, TrackObject>();
    for (const object of state.objects) {
      const label = labels[t]?.[object.id - 1];
      const m = object.model;
      objects.set(object.id, {
        position: [m[12], m[13], m[14]],
        bbox: label?.bbox ?? null,
        pixels: label?.pixels ?? 0,
      });
    }
    const { fx, fy, cx, cy } = state.intrinsics;
    return {
      worldFromCamera: state.worldFromCamera,
      K: [[fx, 0, cx], [0, fy, cy], [0, 0, 1]],
      objects,
    };
  });
}

/** [left, right] -> LRLR…, the layout VideoWriter.addAudio takes. */
export function interleave(channels: readonly Float32Array[]): Float32Array {
  const count = channels.length;
  const out = new Float32Array(channels[0].length * count);
  channels.forEach((channel, c) => {
    for (let n = 0; n < channel.length; n++) out[n * count + c] = channel[n];
  });
  return out;
}

/**
 * Mixes a clip's sources and writes `<clipDir>/audio/mix.wav`,
 * `<clipDir>/audio/stems/<name>.wav` (float32, 48 kHz stereo) and
 * `<clipDir>/audio.json`. Returns the interleaved stereo mix for
 * `VideoWriter.addAudio` (created with `audio: { sampleRate: 48000, channels: 2 }`).
 */
export async function writeClipAudio(
  clipDir: string,
  sources: readonly AudioSource[],
  track: readonly TrackFrame[],
  fps: number,
  frames: number,
  options: MixOptions = {},
): Promise<Float32Array> {
  const mixed = mixClip(sources, track, fps, frames, options);
  await Deno.mkdir(`${clipDir}/audio/stems`, { recursive: true });
  for (const stem of mixed.stems) {
    await writeFileAtomic(
      `${clipDir}/audio/stems/${stem.source.name}.wav`,
      encodeWav(stem.channels, mixed.sampleRate, "float32"),
    );
  }
  await writeFileAtomic(`${clipDir}/audio/mix.wav`, encodeWav(mixed.mix, mixed.sampleRate));
  await writeJsonAtomic(`${clipDir}/audio.json`, mixed.report);
  return interleave(mixed.mix);
}
