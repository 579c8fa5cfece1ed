/**
 * audio/clips: a user sound file (WAV: PCM 8/16/24/32-bit or float, mono or
 * stereo, any sample rate) played from an object or from the whole scene.
 * Start time and gain are options, so samplers draw them per clip; `file`
 * may be a `{choice: [...]}` of files. One plugin instance plays one file;
 * add the plugin several times (with different `name`s) for several sounds.
 * Stereo files are downmixed: the mix places the sound where its object is.
 */
import { readWav, toMono, type WavAudio } from "../../engine/audio/wav.ts";
import { definePlugin } from "../../engine/plugin/contract.ts";
import { checkFile, checkObjects } from "../../engine/plugin/checks.ts";

const defaults = {
  /** WAV file, relative to the scene file. */
  file: "",
  /** Name of the object that makes the sound; "scene" (or empty) for the whole scene. */
  object: "scene",
  /** Seconds from the clip start. */
  start: 0,
  /** Gain in dB applied to the file as recorded. */
  gain_db: 0,
  /** Repeat the file until the clip ends. */
  loop: false,
};

/** Joins a path relative to the scene folder (absolute paths pass through). */
function resolve(dir: string, file: string): string {
  if (file.startsWith("/") || !dir) return file;
  return `${dir.replace(/\/+$/, "")}/${file}`;
}

/** The `instance` of a sound that belongs to the whole scene rather than to one object. */
export const SCENE_INSTANCE = "scene";

export function soundName(key: string): string {
  return key.replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^[^A-Za-z0-9]+/, "") || "clip";
}

export const clips = definePlugin({
  id: "audio/clips",
  kind: "audio",
  description: "A user WAV file attached to an object or the scene, with per-clip start and gain",
  defaults,
  limits: { start: { min: 0 }, gain_db: { min: -120, max: 60 } },
  check: (o, scene) => [
    ...checkFile("file", String(o.file), scene, "a WAV file"),
    ...checkObjects("object", o.object, scene, { special: ["", "scene"] }),
  ],
  create() {
    let sceneDir = "";
    const cache = new Map<string, WavAudio>();
    return {
      setup(ctx) {
        sceneDir = ctx.sceneDir;
        if (!ctx.rawOptions.file) {
          throw new RangeError(`audio/clips "${ctx.key}": option "file" is required (a WAV file)`);
        }
      },
      async clipStart(ctx) {
        const { file, object: objectName, start, gain_db, loop } = ctx.options;
        const path = resolve(sceneDir, file);
        let audio = cache.get(path);
        if (!audio) {
          audio = await readWav(path);
          cache.set(path, audio);
        }
        let instance: number | "scene" = "scene";
        if (objectName && objectName !== "scene") {
          const object = ctx.scene.find(objectName);
          if (!object) {
            const known = ctx.scene.objects.map((o) => o.name).join(", ");
            throw new RangeError(
              `audio/clips "${ctx.key}": no object named "${objectName}" (objects: ${known})`,
            );
          }
          instance = object.id;
        }
        // Built at the file's own rate; the mix resamples.
        const rate = audio.sampleRate;
        const mono = toMono(audio);
        const length = Math.round((ctx.frames / ctx.fps) * rate);
        const samples = new Float32Array(length);
        const gain = Math.pow(10, gain_db / 20);
        const first = Math.round(start * rate);
        const onsets: number[] = [];
        for (let at = first; at < length && mono.length > 0; at += mono.length) {
          onsets.push(at / rate);
          const count = Math.min(mono.length, length - at);
          for (let i = 0; i < count; i++) samples[at + i] = gain * mono[i];
          if (!loop) break;
        }
        ctx.record("file", file);
        ctx.addAudio({
          name: soundName(ctx.key),
          instance,
          kind: "clip",
          sampleRate: rate,
          samples,
          onsets,
        });
      },
    };
  },
});
