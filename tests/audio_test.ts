// Tests for the audio pipeline: WAV I/O, resampling, modal synthesis, spatialisation, the mix
// and the audio plugins. External readers (python3's wave module, numpy, ffprobe) check files the
// way users read them; when one is missing that check is skipped with a warning, unless
// SYNTHVID_REQUIRE_READERS=1, where a missing reader is a failure.

import { captureText, DEBIAN_PYTHON, probeAudio, readerAvailable, runs } from "./readers.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "./assert.ts";
import { decodeWav, encodeWav, readWav, WavError } from "../engine/audio/wav.ts";
import { resample } from "../engine/audio/resample.ts";
import { ACOUSTIC_MATERIALS, addImpact, objectModes } from "../engine/audio/modal.ts";
import { placeSource } from "../engine/audio/spatial.ts";
import {
  interleave,
  MIX_SAMPLE_RATE,
  mixClip,
  PEAK_TARGET,
  type TrackFrame,
  writeClipAudio,
} from "../engine/audio/mix.ts";
import { type Contact, impacts } from "../plugins/audio/impacts.ts";
import { clips } from "../plugins/audio/clips.ts";
import { ambience } from "../plugins/audio/ambience.ts";
import { audioPlugins } from "../plugins/audio/mod.ts";
import type {
  AudioSource,
  FrameContext,
  Options,
  PluginDefinition,
} from "../engine/plugin/contract.ts";
import { Rng } from "../engine/scene/rng.ts";
import { resolveInside } from "../engine/config/scene_file.ts";
import { Scene, type Vec3 } from "../engine/scene/scene.ts";
import { primitives } from "../engine/scene/mesh.ts";
import { createVideoWriter } from "../engine/dataset/video.ts";
import { initPhysics, PhysicsWorld } from "../engine/physics/world.ts";

// ---------------------------------------------------------------- external readers

const HAVE_PYTHON = await runs(DEBIAN_PYTHON, ["-c", "import wave, struct"]);
const HAVE_NUMPY = await runs(DEBIAN_PYTHON, ["-c", "import numpy"]);
const HAVE_FFPROBE = await runs("ffprobe", ["-version"]);

// ---------------------------------------------------------------- helpers

function sine(frequency: number, seconds: number, rate: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let n = 0; n < out.length; n++) {
    out[n] = amplitude * Math.sin((2 * Math.PI * frequency * n) / rate);
  }
  return out;
}

function rms(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let n = from; n < to; n++) sum += x[n] * x[n];
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** Hand-built WAV bytes, for encodings our writer does not produce. */
function rawWav(
  options: { tag: number; bits: number; channels: number; rate: number; extensible?: boolean },
  frames: number[][],
): Uint8Array {
  const { tag, bits, channels, rate, extensible } = options;
  const bytesPer = bits / 8;
  const dataSize = frames.length * channels * bytesPer;
  const fmtSize = extensible ? 40 : 16;
  const out = new Uint8Array(12 + 8 + fmtSize + 8 + dataSize);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => out[at + i] = c.charCodeAt(0));
  ascii(0, "RIFF");
  view.setUint32(4, out.length - 8, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, extensible ? 0xfffe : tag, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * channels * bytesPer, true);
  view.setUint16(32, channels * bytesPer, true);
  view.setUint16(34, bits, true);
  if (extensible) {
    view.setUint16(36, 22, true); // cbSize
    view.setUint16(38, bits, true); // valid bits
    view.setUint32(40, 3, true); // channel mask
    view.setUint16(44, tag, true); // sub-format GUID starts with the format tag
  }
  let at = 20 + fmtSize;
  ascii(at, "data");
  view.setUint32(at + 4, dataSize, true);
  at += 8;
  for (const frame of frames) {
    for (const v of frame) {
      if (tag === 3 && bits === 32) view.setFloat32(at, v, true);
      else if (tag === 3) view.setFloat64(at, v, true);
      else if (bits === 8) out[at] = Math.round(v * 128 + 128);
      else if (bits === 16) view.setInt16(at, Math.round(v * 32768), true);
      else if (bits === 24) {
        const i = Math.round(v * 8388608);
        out[at] = i & 0xff;
        out[at + 1] = (i >> 8) & 0xff;
        out[at + 2] = (i >> 16) & 0xff;
      } else view.setInt32(at, Math.round(v * 2147483648), true);
      at += bytesPer;
    }
  }
  return out;
}

function withBits(wav: Uint8Array, bits: number): Uint8Array {
  const out = wav.slice();
  new DataView(out.buffer).setUint16(34, bits, true);
  return out;
}

/** Identity camera at the origin looking down -z; K for a 64x64 image. */
const IDENTITY = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
const K64 = [[64, 0, 32], [0, 64, 32], [0, 0, 1]];

/** A track where object `id` follows `path(frame)` and is visible. */
function trackOf(frames: number, objects: Record<number, (frame: number) => Vec3>): TrackFrame[] {
  return Array.from({ length: frames }, (_, f) => ({
    worldFromCamera: IDENTITY,
    K: K64,
    objects: new Map(
      Object.entries(objects).map((
        [id, path],
      ) => [Number(id), { position: path(f), bbox: [0, 0, 4, 4] as const, pixels: 16 }]),
    ),
  }));
}

/** Runs a plugin's hooks over a clip without the runner: clipStart, frame 0..frames, clipEnd. */
async function runPlugin(
  // deno-lint-ignore no-explicit-any
  definition: PluginDefinition<any>,
  options: Options,
  clip: {
    scene: Scene;
    frames: number;
    fps: number;
    seed?: number;
    sceneDir?: string;
    contacts?: Contact[];
    move?: (scene: Scene, frame: number) => void;
    /** A live world, stepped to each frame before the plugin sees it. */
    physics?: PhysicsWorld;
  },
): Promise<AudioSource[]> {
  const hooks = definition.create();
  const sources: AudioSource[] = [];
  const records: Record<string, Record<string, unknown>> = {};
  const shared = new Map<string, unknown>();
  const key = definition.id.replace("/", "_");
  await hooks.setup?.({
    key,
    rawOptions: { ...definition.defaults, ...options },
    sceneDir: clip.sceneDir ?? "",
    resolve: (path) => resolveInside(clip.sceneDir ?? ".", path),
    seed: clip.seed ?? 1,
  });
  const ctx: FrameContext<Options> = {
    key,
    options: { ...definition.defaults, ...options },
    rng: Rng.forPlugin(clip.seed ?? 1, 0, key),
    scene: clip.scene,
    clip: 0,
    frames: clip.frames,
    fps: clip.fps,
    width: 64,
    height: 64,
    events: [],
    emit() {},
    record(name, value) {
      (records[key] ??= {})[name] = value;
    },
    records,
    caption() {},
    captions: [],
    addAudio(source) {
      sources.push(source);
    },
    shared,
    planning: false,
    frame: 0,
    time: 0,
  };
  await hooks.clipStart?.(ctx);
  const contacts: Contact[] = [];
  shared.set("physics", clip.physics ?? { contacts });
  for (let f = 0; f <= clip.frames; f++) {
    ctx.frame = f;
    ctx.time = f / clip.fps;
    clip.move?.(clip.scene, f);
    clip.physics?.advanceTo(f);
    // Contacts appear as the physics plugin would add them, frame by frame.
    contacts.push(...(clip.contacts ?? []).filter((c) => c.frame === f));
    await hooks.frame?.(ctx);
  }
  await hooks.clipEnd?.(ctx);
  return sources;
}

function sceneWith(...objects: { name: string; mesh: string; preset: string; scale?: Vec3 }[]) {
  const scene = new Scene();
  for (const key of ["cube", "sphere", "plane"]) {
    scene.meshes.set(key, [{ mesh: primitives[key]() }]);
  }
  for (const o of objects) {
    scene.add({ name: o.name, mesh: o.mesh, scale: o.scale, material: { preset: o.preset } });
  }
  return scene;
}

/** A ball (id 2) bouncing on a floor (id 1) at the given frames. */
async function bouncingBall(hitFrames: number[], frames = 48, fps = 24, seed = 1) {
  const scene = sceneWith(
    { name: "floor", mesh: "plane", preset: "wood", scale: [10, 1, 10] },
    { name: "can", mesh: "cube", preset: "metal", scale: [0.07, 0.12, 0.07] },
  );
  const contacts = hitFrames.map((frame, i) => ({
    frame,
    bodies: [2, 1] as [number, number],
    position: [0, 0, -3] as Vec3,
    impulse: 0.5 / (i + 1),
  }));
  const path = (f: number): Vec3 => [-0.5 + f * 0.02, 0.3 + 0.2 * Math.sin(f / 3), -3];
  const sources = await runPlugin(impacts, {}, {
    scene,
    frames,
    fps,
    seed,
    contacts,
    move: (s, f) => {
      s.find(2)!.position = path(f);
    },
  });
  return { scene, contacts, sources, path };
}

// ---------------------------------------------------------------- WAV

Deno.test("encodeWav/decodeWav round-trip float32 exactly and 16-bit to one step", () => {
  const left = sine(440, 0.05, 22050, 0.9);
  const right = sine(660, 0.05, 22050, -0.4);
  const exact = decodeWav(encodeWav([left, right], 22050, "float32"));
  assertEquals(exact.sampleRate, 22050);
  assertEquals(exact.encoding, "float32");
  assert(exact.channels[0].every((v, i) => v === left[i]), "left is bit-exact");
  assert(exact.channels[1].every((v, i) => v === right[i]), "right is bit-exact");
  const pcm = decodeWav(encodeWav([left], 22050, "pcm16"));
  assertEquals(pcm.encoding, "pcm16");
  assert(pcm.channels[0].every((v, i) => Math.abs(v - left[i]) <= 1 / 32768), "within one step");
});

Deno.test("decodeWav reads PCM 8/16/24/32-bit, float32/64 and WAVE_FORMAT_EXTENSIBLE", () => {
  const frames = [[0.5, -0.25], [-1, 0.75], [0, 0.125]];
  const cases = [
    { tag: 1, bits: 8, tolerance: 1 / 128 },
    { tag: 1, bits: 16, tolerance: 1 / 32768 },
    { tag: 1, bits: 24, tolerance: 1 / 8388608 },
    { tag: 1, bits: 32, tolerance: 1e-9 },
    { tag: 3, bits: 32, tolerance: 0 },
    { tag: 3, bits: 64, tolerance: 0 },
    { tag: 1, bits: 24, tolerance: 1 / 8388608, extensible: true },
    { tag: 3, bits: 32, tolerance: 0, extensible: true },
  ];
  for (const c of cases) {
    const audio = decodeWav(rawWav({ ...c, channels: 2, rate: 44100 }, frames), "case.wav");
    assertEquals(audio.sampleRate, 44100);
    assertEquals(audio.channels.length, 2);
    frames.forEach((frame, i) =>
      frame.forEach((v, ch) =>
        assertAlmostEquals(audio.channels[ch][i], v, c.tolerance, `${c.bits}-bit tag ${c.tag}`)
      )
    );
  }
});

Deno.test("readWav errors name the file and what is wrong", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad: [string, Uint8Array, string][] = [
      ["text.wav", new TextEncoder().encode("hello, this is not audio at all"), "not a RIFF/WAVE"],
      ["short.wav", new Uint8Array([82, 73, 70, 70]), "too short"],
      ["adpcm.wav", rawWav({ tag: 2, bits: 16, channels: 1, rate: 8000 }, [[0]]), "ADPCM"],
      // A 16-bit file whose header claims 12 bits per sample.
      [
        "twelve.wav",
        withBits(rawWav({ tag: 1, bits: 16, channels: 1, rate: 8000 }, [[0]]), 12),
        "bit depth 12",
      ],
      [
        "nodata.wav",
        rawWav({ tag: 1, bits: 16, channels: 1, rate: 8000 }, []).subarray(0, 36),
        "no data chunk",
      ],
    ];
    for (const [name, bytes, problem] of bad) {
      const path = `${dir}/${name}`;
      await Deno.writeFile(path, bytes);
      const error = await assertRejects(() => readWav(path), problem);
      assert(error instanceof WavError, `${name}: a WavError`);
      assert(error.message.includes(path), `${name}: message names the file: ${error.message}`);
    }
    await assertRejects(
      () => readWav(`${dir}/missing.wav`),
      `"${dir}/missing.wav": file not found`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WAV files load in python3's wave module (16-bit) and a plain float32 parser", async () => {
  if (!readerAvailable(HAVE_PYTHON && HAVE_NUMPY, "python3 with numpy", "python3-numpy")) return;
  const dir = await Deno.makeTempDir();
  try {
    const left = sine(440, 0.1, 48000, 0.8);
    const right = sine(1000, 0.1, 48000, -0.3);
    await Deno.writeFile(`${dir}/pcm.wav`, encodeWav([left, right], 48000, "pcm16"));
    await Deno.writeFile(`${dir}/float.wav`, encodeWav([left, right], 48000, "float32"));
    const script = `
import json, struct, sys, wave
import numpy as np
with wave.open(sys.argv[1], "rb") as w:
    pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, w.getnchannels()) / 32768
    info = {"rate": w.getframerate(), "channels": w.getnchannels(), "width": w.getsampwidth()}
data = open(sys.argv[2], "rb").read()
assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
at, fmt, samples = 12, None, None
while at + 8 <= len(data):
    cid, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
    if cid == b"fmt ": fmt = struct.unpack("<HHIIHH", data[at + 8:at + 24])
    if cid == b"data": samples = np.frombuffer(data[at + 8:at + 8 + size], "<f4")
    at += 8 + size + size % 2
assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
flt = samples.reshape(-1, fmt[1])
print(json.dumps({"pcm": info, "pcm_sum": pcm.sum(axis=0).tolist(), "fmt": list(fmt),
                  "float_sum": flt.astype(np.float64).sum(axis=0).tolist(), "frames": len(flt)}))
`;
    const out = JSON.parse(
      await captureText(DEBIAN_PYTHON, ["-c", script, `${dir}/pcm.wav`, `${dir}/float.wav`]),
    );
    assertEquals(out.pcm, { rate: 48000, channels: 2, width: 2 });
    assertEquals(out.fmt, [3, 2, 48000, 48000 * 8, 8, 32]);
    assertEquals(out.frames, left.length);
    const sum = (x: Float32Array) => x.reduce((a, b) => a + b, 0);
    assertAlmostEquals(out.float_sum[0], sum(left), 1e-6);
    assertAlmostEquals(out.float_sum[1], sum(right), 1e-6);
    assertAlmostEquals(out.pcm_sum[0], sum(left), left.length / 32768);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------- resampling and synthesis

Deno.test("resample keeps a tone's pitch and level and removes content above the new Nyquist", () => {
  const tone = sine(1000, 0.2, 44100, 0.5);
  const up = resample(tone, 44100, 48000);
  assertEquals(up.length, Math.round((tone.length * 48000) / 44100));
  const middle = up.subarray(1000, up.length - 1000);
  let crossings = 0;
  for (let n = 1; n < middle.length; n++) if ((middle[n - 1] < 0) !== (middle[n] < 0)) crossings++;
  const frequency = crossings / 2 / (middle.length / 48000);
  assertAlmostEquals(frequency, 1000, 10, "pitch");
  assertAlmostEquals(rms(middle), 0.5 / Math.SQRT2, 0.005, "level");
  // 30 kHz at 96 kHz cannot exist at 48 kHz: it must be filtered, not folded to 18 kHz.
  const high = resample(sine(30000, 0.1, 96000, 0.5), 96000, 48000);
  assert(rms(high, 500, high.length - 500) < 0.005, `30 kHz leaks: rms ${rms(high, 500)}`);
  assert(resample(tone, 44100, 44100) === tone, "same rate is a no-op");
});

Deno.test("objectModes: twice the size sounds an octave lower; metal rings longer than wood", () => {
  const small = objectModes(ACOUSTIC_MATERIALS.wood, 0.1, new Rng("a"));
  const large = objectModes(ACOUSTIC_MATERIALS.wood, 0.2, new Rng("a"));
  assertAlmostEquals(small[0].frequency / large[0].frequency, 2, 1e-9);
  const metal = objectModes(ACOUSTIC_MATERIALS.metal, 0.1, new Rng("a"));
  assert(metal[0].decay < small[0].decay / 5, "metal decays much slower");
  // Loudness is linear in the impulse.
  const one = new Float32Array(4800), two = new Float32Array(4800);
  addImpact(one, 10, small, ACOUSTIC_MATERIALS.wood, 1, 48000, new Rng("hit"));
  addImpact(two, 10, small, ACOUSTIC_MATERIALS.wood, 2, 48000, new Rng("hit"));
  assert(
    one.every((v, i) => Math.abs(two[i] - 2 * v) < 1e-6),
    "twice the impulse, twice the sound",
  );
  assert(one.subarray(0, 10).every((v) => v === 0), "silent before the contact");
});

// ---------------------------------------------------------------- spatialisation and the mix

Deno.test("a source on the left is louder left, and moving it across moves the pan with it", () => {
  const left = placeSource([-1, 0, -3], IDENTITY);
  const right = placeSource([1, 0, -3], IDENTITY);
  assert(left.left > left.right && right.right > right.left, "side by side");
  assertAlmostEquals(left.left ** 2 + left.right ** 2, 1 / (Math.hypot(1, 3) ** 2), 1e-9, "power");
  assertAlmostEquals(placeSource([0, 0, -2], IDENTITY).delay, 2 / 343, 1e-9, "delay");

  // Noise moving from the left edge to the right edge over one second.
  const fps = 24, frames = 24;
  const noise = new Float32Array(MIX_SAMPLE_RATE);
  const rng = new Rng("noise");
  for (let n = 0; n < noise.length; n++) noise[n] = rng.uniform(-0.5, 0.5);
  const x = (f: number) => -2 + (4 * f) / (frames - 1);
  const source: AudioSource = {
    name: "buzz",
    instance: 1,
    kind: "clip",
    sampleRate: MIX_SAMPLE_RATE,
    samples: noise,
  };
  const mixed = mixClip([source], trackOf(frames, { 1: (f) => [x(f), 0, -3] }), fps, frames);
  const [l, r] = mixed.stems[0].channels;
  const perFrame = MIX_SAMPLE_RATE / fps;
  const balance = Array.from({ length: frames }, (_, f) => {
    const a = rms(l, f * perFrame, (f + 1) * perFrame),
      b = rms(r, f * perFrame, (f + 1) * perFrame);
    return (b - a) / (a + b);
  });
  assert(balance[0] < -0.3, `starts left: ${balance[0]}`);
  assert(balance[frames - 1] > 0.3, `ends right: ${balance[frames - 1]}`);
  for (let f = 1; f < frames; f++) assert(balance[f] > balance[f - 1], `pan moves right at ${f}`);
  // The ground truth follows it across the image too.
  const frames_ = mixed.report.sources[0].frames!;
  assert(frames_[0].image![0] < 32 && frames_[frames - 1].image![0] > 32, "image x crosses centre");
  assert(
    frames_.every((fr, i) => i === 0 || fr.pan > frames_[i - 1].pan),
    "reported pan increases",
  );
});

Deno.test("mixClip: stems sum to the mix sample by sample, peak-normalised, gain recorded", async () => {
  const { sources } = await bouncingBall([3, 12]);
  const ambient = await runPlugin(ambience, { type: "pink", level_db: -20 }, {
    scene: new Scene(),
    frames: 48,
    fps: 24,
  });
  const all = [...sources, ...ambient];
  const mixed = mixClip(all, trackOf(48, { 2: () => [-0.5, 0.3, -3] }), 24, 48, {
    reverb: { wet: 0.3, decay: 0.4 },
  });
  assertEquals(mixed.stems.length, all.length);
  let peak = 0, worst = 0;
  for (let c = 0; c < 2; c++) {
    for (let n = 0; n < mixed.mix[c].length; n++) {
      let sum = 0;
      for (const stem of mixed.stems) sum += stem.channels[c][n];
      worst = Math.max(worst, Math.abs(sum - mixed.mix[c][n]));
      peak = Math.max(peak, Math.abs(mixed.mix[c][n]));
    }
  }
  assert(worst <= 1e-6, `stems differ from the mix by ${worst}`);
  assertAlmostEquals(peak, PEAK_TARGET, 1e-6, "peak");
  assert(mixed.gain > 0 && mixed.report.gain === mixed.gain, "gain recorded");
  assertEquals(mixed.mix[0].length, 2 * MIX_SAMPLE_RATE);
});

Deno.test("writeClipAudio writes mix, stems and audio.json; files on disk still sum to the mix", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { sources, path } = await bouncingBall([4, 20, 36]);
    const track = trackOf(48, { 2: path });
    const interleaved = await writeClipAudio(dir, sources, track, 24, 48);
    const mix = await readWav(`${dir}/audio/mix.wav`);
    assertEquals(mix.sampleRate, 48000);
    assertEquals(mix.encoding, "float32");
    assertEquals(interleaved.length, 2 * mix.channels[0].length);
    assert(interleave(mix.channels).every((v, i) => v === interleaved[i]), "returned = written");
    const report = JSON.parse(await Deno.readTextFile(`${dir}/audio.json`));
    const stems = await Promise.all(
      report.sources.map((s: { stem: string }) => readWav(`${dir}/${s.stem}`)),
    );
    let worst = 0;
    for (let c = 0; c < 2; c++) {
      for (let n = 0; n < mix.channels[c].length; n++) {
        const sum = stems.reduce((a, s) => a + s.channels[c][n], 0);
        worst = Math.max(worst, Math.abs(sum - mix.channels[c][n]));
      }
    }
    assert(worst <= 1e-6, `stems on disk differ from the mix by ${worst}`);
    const can = report.sources.find((s: { instance: number }) => s.instance === 2);
    assertEquals(can.kind, "impact");
    assertEquals(can.frames.length, 48);
    assertEquals(Object.keys(can.frames[0]).sort(), [
      "bbox",
      "distance",
      "frame",
      "image",
      "pan",
      "pixels",
      "visible",
    ]);
    assert(typeof can.loudness.rms_dbfs === "number", "loudness");
    assert(report.gain > 0, "gain in audio.json");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("audio/impacts: each impact's onset lies within one video frame of its contact", async () => {
  const fps = 24;
  const hitFrames = [4, 20, 36];
  const { sources, path } = await bouncingBall(hitFrames, 48, fps);
  // The resting floor rings in the can's stem: one stem, the can's.
  assertEquals(sources.map((s) => [s.name, s.instance, s.kind]), [[
    "audio_impacts_can",
    2,
    "impact",
  ]]);
  const mixed = mixClip(sources, trackOf(48, { 2: path }), fps, 48);
  const report = mixed.report.sources[0];
  // Measured from the audio itself: a metal can still rings from the last hit when the next
  // comes, so an onset is where the energy in 2 ms windows jumps tenfold over the last 10 ms.
  const [l, r] = mixed.stems[0].channels;
  const window = MIX_SAMPLE_RATE / 500;
  const energy = Array.from({ length: Math.floor(l.length / window) }, (_, w) => {
    let sum = 1e-12;
    for (let n = w * window; n < (w + 1) * window; n++) sum += l[n] ** 2 + r[n] ** 2;
    return sum;
  });
  const onsets = energy.flatMap((e, w) => {
    const before = energy.slice(Math.max(0, w - 5), w);
    const mean = before.length ? before.reduce((a, b) => a + b, 0) / before.length : 1e-12;
    return e > 10 * mean && e > 1e-6 ? [(w * window) / MIX_SAMPLE_RATE] : [];
  }).filter((t, i, all) => i === 0 || t - all[i - 1] > 0.02); // one per rise
  assertEquals(onsets.length, hitFrames.length, `onsets ${onsets}`);
  assert(Math.abs(report.onset! - hitFrames[0] / fps) <= 1 / fps, "audio.json onset");
  hitFrames.forEach((frame, i) => {
    const contact = frame / fps;
    const onset = onsets[i];
    assert(Math.abs(onset - contact) <= 1 / fps, `hit ${i}: onset ${onset} vs contact ${contact}`);
    assert(Math.abs(report.events[i].heard - contact) <= 1 / fps, `event ${i} heard`);
  });
});

Deno.test("audio/impacts with Rapier: a dropped can rings on landing, a box scrapes, a ball rolls", async () => {
  await initPhysics();
  const fps = 24, frames = 24;
  const scene = sceneWith(
    { name: "floor", mesh: "plane", preset: "wood", scale: [10, 1, 10] },
    { name: "box", mesh: "cube", preset: "cardboard", scale: [0.2, 0.2, 0.2] },
    { name: "ball", mesh: "sphere", preset: "rubber", scale: [0.2, 0.2, 0.2] },
    { name: "can", mesh: "cube", preset: "metal", scale: [0.07, 0.12, 0.07] },
    { name: "bouncer", mesh: "sphere", preset: "rubber", scale: [0.2, 0.2, 0.2] },
  );
  const [floor, box, ball, can, bouncer] = [1, 2, 3, 4, 5].map((id) => scene.find(id)!);
  bouncer.position = [2, 0.8, -3];
  box.position = [-1, 0.1, -3];
  ball.position = [1, 0.1, -3];
  can.position = [0, 0.5, -3];
  const world = new PhysicsWorld({ fps, settleSeconds: 0 });
  world.addBody(scene, floor, { type: "fixed" });
  for (const o of [box, ball, can, bouncer]) world.addBody(scene, o);
  world.makeDynamic(box, [2, 0, 0]);
  world.makeDynamic(ball, [-1, 0, 0], [0, 0, 10]); // v = ω r: rolling from the start
  const sources = await runPlugin(impacts, {}, { scene, frames, fps, physics: world });
  const kinds = sources.map((s) => `${s.name}:${s.kind}`);
  assert(kinds.includes("audio_impacts_can:impact"), kinds.join(" "));
  assert(kinds.includes("audio_impacts_box_scrape:scrape"), kinds.join(" "));
  assert(kinds.includes("audio_impacts_ball_roll:roll"), kinds.join(" "));
  assert(
    !kinds.includes("audio_impacts_box_roll:roll") &&
      !kinds.includes("audio_impacts_ball_scrape:scrape"),
  );
  assert(!kinds.some((k) => k.startsWith("audio_impacts_floor")), "the resting floor has no stem");

  // The can's first landing: silence before the contact, sound within one frame of it.
  const landing = world.contacts.find((c) => c.bodies.includes(4) && c.bodies.includes(1))!;
  assert(landing && landing.time > 0.1, `the can lands (${landing?.time})`);
  const stem = sources.find((s) => s.name === "audio_impacts_can")!;
  const at = Math.round(landing.time * 48000);
  assert(stem.samples.subarray(0, at).every((v) => v === 0), "silent before landing");
  assert(rms(stem.samples, at, at + Math.round(48000 / fps)) > 1e-3, "rings within a frame");
  assertAlmostEquals(stem.onsets![0], landing.time, 1 / fps, "onset");
  const mixed = mixClip(sources, trackOf(frames, { 4: () => [0, 0.06, -3] }), fps, frames);
  const report = mixed.report.sources.find((s) => s.name === "audio_impacts_can")!;
  assertAlmostEquals(report.onset!, landing.time, 1 / fps, "audio.json onset");

  // Every bounce of the rubber ball sounds, also those whose reported impulse is 0 (resolved by
  // continuous collision detection): the plugin measures the momentum change instead.
  const bounces = world.contacts.filter((c) => c.bodies.includes(5)).map((c) => c.time);
  assert(bounces.length >= 2, `the ball bounces (${bounces})`);
  const bouncerOnsets = sources.find((s) => s.name === "audio_impacts_bouncer")!.onsets!;
  assertEquals(bouncerOnsets.length, bounces.length);
  bouncerOnsets.forEach((t, i) => assertAlmostEquals(t, bounces[i], 1 / fps, `bounce ${i}`));

  const scrape = sources.find((s) => s.kind === "scrape")!;
  const perFrame = 48000 / fps;
  assert(rms(scrape.samples, 0, perFrame) === 0, "no scraping on the first frame");
  assert(rms(scrape.samples, perFrame, 4 * perFrame) > 0, "scrapes while sliding");
  world.free();
});

Deno.test("same seed gives byte-identical WAVs; another seed changes them", async () => {
  const render = async (seed: number) => {
    const dir = await Deno.makeTempDir();
    try {
      const { sources, path } = await bouncingBall([5, 30], 48, 24, seed);
      const bed = await runPlugin(ambience, { type: "brown" }, {
        scene: new Scene(),
        frames: 48,
        fps: 24,
        seed,
      });
      await writeClipAudio(dir, [...sources, ...bed], trackOf(48, { 2: path }), 24, 48);
      return [
        await Deno.readFile(`${dir}/audio/mix.wav`),
        await Deno.readFile(`${dir}/audio/stems/audio_impacts_can.wav`),
        await Deno.readFile(`${dir}/audio/stems/audio_ambience.wav`),
      ];
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  };
  const [a, b, c] = [await render(7), await render(7), await render(8)];
  a.forEach((bytes, i) =>
    assert(bytes.every((v, j) => v === b[i][j]) && bytes.length === b[i].length, `file ${i}`)
  );
  assert(a[0].some((v, j) => v !== c[0][j]), "a different seed gives a different mix");
});

// ---------------------------------------------------------------- clips and ambience

Deno.test("audio/clips: plays a user file from an object at its start time and gain", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A stereo 24-bit 44.1 kHz file: a 0.1 s burst.
    const burst = Array.from({ length: 4410 }, (_, n) => {
      const v = 0.5 * Math.sin((2 * Math.PI * 440 * n) / 44100);
      return [v, v];
    });
    await Deno.writeFile(
      `${dir}/knock.wav`,
      rawWav({ tag: 1, bits: 24, channels: 2, rate: 44100 }, burst),
    );
    const scene = sceneWith({ name: "door", mesh: "cube", preset: "wood" });
    const [source] = await runPlugin(clips, {
      file: "knock.wav",
      object: "door",
      start: 0.25,
      gain_db: -6,
    }, {
      scene,
      frames: 24,
      fps: 24,
      sceneDir: dir,
    });
    assertEquals([source.instance, source.kind, source.sampleRate], [1, "clip", 44100]);
    assertEquals(source.onsets, [0.25]);
    const first = source.samples.findIndex((v) => v !== 0);
    assertAlmostEquals(first / 44100, 0.25, 2 / 44100, "start");
    const peak = Math.max(...source.samples.map(Math.abs));
    assertAlmostEquals(peak, 0.5 * Math.pow(10, -6 / 20), 1e-3, "gain");
    await assertRejects(
      () =>
        runPlugin(clips, { file: "knock.wav", object: "window" }, {
          scene,
          frames: 4,
          fps: 24,
          sceneDir: dir,
        }),
      'no object named "window"',
    );
    await assertRejects(
      () => runPlugin(clips, { file: "none.wav" }, { scene, frames: 4, fps: 24, sceneDir: dir }),
      `${dir}/none.wav`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("audio/ambience: noise colours at the requested level, hum at its pitch", async () => {
  const lag1 = (x: Float32Array) => {
    let num = 0, den = 0;
    for (let n = 1; n < x.length; n++) {
      num += x[n] * x[n - 1];
      den += x[n] * x[n];
    }
    return num / den;
  };
  const bed = async (options: Options) =>
    (await runPlugin(ambience, options, { scene: new Scene(), frames: 24, fps: 24 }))[0];
  const white = await bed({ type: "white", level_db: -20 });
  const pink = await bed({ type: "pink", level_db: -20 });
  const brown = await bed({ type: "brown", level_db: -20 });
  for (const b of [white, pink, brown]) {
    assertEquals(b.instance, "scene");
    assertAlmostEquals(20 * Math.log10(rms(b.samples)), -20, 0.01, b.kind);
  }
  // Redder noise is smoother: more correlation from one sample to the next.
  assert(lag1(white.samples) < 0.1 && lag1(pink.samples) > lag1(white.samples) + 0.2, "pink");
  assert(lag1(brown.samples) > lag1(pink.samples), "brown");
  const hum = await bed({ type: "hum", hum_hz: 60 });
  assertEquals(hum.kind, "ambience_hum");
  const magnitude = (x: Float32Array, f: number) => {
    let re = 0, im = 0;
    for (let n = 0; n < x.length; n++) {
      re += x[n] * Math.cos((2 * Math.PI * f * n) / 48000);
      im += x[n] * Math.sin((2 * Math.PI * f * n) / 48000);
    }
    return Math.hypot(re, im) / x.length;
  };
  assert(magnitude(hum.samples, 60) > 10 * magnitude(hum.samples, 50), "60 Hz, not 50");
  assert(magnitude(hum.samples, 120) > 10 * magnitude(hum.samples, 90), "with harmonics");
  await assertRejects(
    () => runPlugin(ambience, { type: "file" }, { scene: new Scene(), frames: 4, fps: 24 }),
    'needs option "file"',
  );
  assertEquals(audioPlugins.map((p) => p.id), ["audio/impacts", "audio/clips", "audio/ambience"]);
});

// ---------------------------------------------------------------- into the video

Deno.test("the mix muxes into rgb.mp4 as an AAC stream of the clip's duration", async () => {
  if (!readerAvailable(HAVE_FFPROBE, "ffprobe", "ffmpeg")) return;
  const dir = await Deno.makeTempDir();
  try {
    const fps = 24, frames = 24;
    const { sources, path } = await bouncingBall([3, 15], frames, fps);
    const interleaved = await writeClipAudio(
      dir,
      sources,
      trackOf(frames, { 2: path }),
      fps,
      frames,
    );
    const writer = await createVideoWriter({
      width: 32,
      height: 32,
      fps,
      audio: { sampleRate: MIX_SAMPLE_RATE, channels: 2 },
    });
    const grey = new Uint8Array(32 * 32 * 4).fill(128);
    for (let f = 0; f < frames; f++) await writer.addFrame(grey);
    await writer.addAudio!(interleaved);
    await Deno.writeFile(`${dir}/rgb.mp4`, await writer.finish());
    const audio = await probeAudio(`${dir}/rgb.mp4`);
    assert(audio, "has an audio stream");
    assertEquals([audio.codec_name, Number(audio.sample_rate), audio.channels], ["aac", 48000, 2]);
    const duration = Number(audio.duration);
    assert(Math.abs(duration - frames / fps) <= 1 / fps, `audio lasts ${duration} s`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------- through the runner

Deno.test("rendered clip: audio files, audio.json matching labels.json, and an AAC track in rgb.mp4", async () => {
  const { renderTestScene } = await import("./helpers.ts");
  const fps = 24, frames = 12;
  const yaml = `
name: audio_e2e
seed: 3
clips: 1
frames: ${frames}
fps: ${fps}
size: [64, 48]
outputs: [rgb, instance]
camera: { position: [0, 1, 4], look_at: [0, 0.5, 0], fov: 45 }
objects:
  - { name: floor, mesh: plane, scale: [10, 1, 10] }
  - name: bell
    mesh: sphere
    scale: 0.4
    motion: [{ frame: 0, position: [-1.2, 0.5, 0] }, { frame: ${
    frames - 1
  }, position: [1.2, 0.5, 0] }]
plugins:
  - { use: audio/clips, name: bell_sound, with: { file: tone.wav, object: bell, start: [0, 0.02], loop: true } }
  - { use: audio/ambience, name: room, with: { type: pink, level_db: -40 } }
`;
  const tone = encodeWav([sine(880, 0.1, 44100, 0.5)], 44100, "pcm16");
  const { dir, out } = await renderTestScene(yaml, { files: { "tone.wav": tone } });
  try {
    const clip = `${out}/clip_00000`;
    const report = JSON.parse(await Deno.readTextFile(`${clip}/audio.json`));
    const labels = JSON.parse(await Deno.readTextFile(`${clip}/labels.json`));
    assertEquals(report.sources.map((s: { name: string }) => s.name), ["bell_sound", "room"]);
    const bell = report.sources[0];
    const bellLabels = labels.objects.find((o: { name: string }) => o.name === "bell");
    assertEquals(bell.instance, bellLabels.id);
    assertEquals(report.sources[1].instance, "scene");
    assertEquals(bell.frames.length, frames);
    bell.frames.forEach((f: { bbox: unknown; pixels: number; visible: boolean }, t: number) => {
      assertEquals(f.bbox, bellLabels.frames[t].bbox, `bbox at ${t}`);
      assertEquals(f.pixels, bellLabels.frames[t].pixels, `pixels at ${t}`);
    });
    assert(bell.frames[0].pan < -0.2 && bell.frames[frames - 1].pan > 0.2, "pans left to right");
    assert(bell.frames.filter((f: { visible: boolean }) => f.visible).length > frames / 2, "seen");
    // The projected centre lies inside the object's visible box.
    for (const f of bell.frames) {
      if (!f.bbox) continue;
      const [x0, y0, x1, y1] = f.bbox;
      assert(
        f.image[0] >= x0 && f.image[0] <= x1 && f.image[1] >= y0 && f.image[1] <= y1,
        "centre in box",
      );
    }
    const mix = await readWav(`${clip}/audio/mix.wav`);
    assertEquals(mix.channels[0].length, (frames / fps) * 48000);
    const stems = await Promise.all(
      ["bell_sound", "room"].map((n) => readWav(`${clip}/audio/stems/${n}.wav`)),
    );
    let worst = 0;
    for (let c = 0; c < 2; c++) {
      for (let n = 0; n < mix.channels[c].length; n++) {
        worst = Math.max(
          worst,
          Math.abs(stems[0].channels[c][n] + stems[1].channels[c][n] - mix.channels[c][n]),
        );
      }
    }
    assert(worst <= 1e-6, `stems differ from the mix by ${worst}`);
    if (!readerAvailable(HAVE_FFPROBE, "ffprobe", "ffmpeg")) return;
    const audio = await probeAudio(`${clip}/rgb.mp4`);
    assert(audio, "rgb.mp4 has an audio stream");
    assertEquals([audio.codec_name, Number(audio.sample_rate), audio.channels], ["aac", 48000, 2]);
    assert(
      Math.abs(Number(audio.duration) - frames / fps) <= 1 / fps,
      `audio lasts ${audio.duration} s`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
