// The clip's sound: a waveform of audio/mix.wav with a marker at every onset listed in
// audio.json (coloured like the sounding object's mask), and playback through WebAudio so each
// stem (audio/stems/<name>.wav) can be muted or soloed. The video element stays muted; this
// panel starts its sources at the video's current time whenever playback starts or seeks.

import { cssColor, instanceColor } from "./colors.js";

/** How long after an onset its object stays highlighted, in seconds. */
const HIGHLIGHT_SECONDS = 0.3;

function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * When a source is heard: engine/audio/mix.ts writes events [{emitted, heard}] (heard includes
 * the sound's travel time to the camera); plain onset lists are accepted too.
 */
function onsetTimes(source) {
  if (Array.isArray(source.events)) {
    return source.events.map((e) => Number(isRecord(e) ? e.heard ?? e.emitted ?? e.time : e))
      .filter(Number.isFinite);
  }
  const list = source.onsets ?? source.times ?? (source.onset !== undefined ? [source.onset] : []);
  return (Array.isArray(list) ? list : []).map(Number).filter(Number.isFinite);
}

/** audio.json sources, whatever the writer nested them under: [{name, instance, kind, onsets}]. */
export function audioSources(audioJson, files, dir) {
  const list = Array.isArray(audioJson)
    ? audioJson
    : audioJson?.sources ?? audioJson?.stems ?? audioJson?.tracks ?? [];
  const sources = (Array.isArray(list) ? list : []).filter(isRecord).map((s) => ({
    name: String(s.name ?? "?"),
    instance: typeof s.instance === "number" ? s.instance : null,
    kind: typeof s.kind === "string" ? s.kind : "",
    onsets: onsetTimes(s),
    // Stretches of time where the stem is audible, [[start, end]] in seconds.
    active: Array.isArray(s.active)
      ? s.active.filter((a) => Array.isArray(a) && a.length === 2)
      : [],
    file: [s.stem, s.file, s.path].find((f) => typeof f === "string") ?? null,
  }));
  // Stems on disk that audio.json does not mention still get a row (without markers).
  const stemPrefix = `${dir}/audio/stems/`;
  for (const path of files) {
    if (!path.startsWith(stemPrefix) || !path.endsWith(".wav")) continue;
    const name = path.slice(stemPrefix.length, -4);
    if (!sources.some((s) => s.name === name)) {
      sources.push({ name, instance: null, kind: "", onsets: [], active: [], file: null });
    }
  }
  for (const s of sources) {
    const file = s.file ? `${dir}/${s.file.replace(/^\.\//, "")}` : `${stemPrefix}${s.name}.wav`;
    s.path = files.includes(file) ? file : null;
  }
  return sources;
}

export class AudioPanel {
  /**
   * @param root element to fill
   * @param options {dataUrl(path), files, dir, audioJson, labels, onSeek(seconds), duration}
   */
  constructor(root, options) {
    this.root = root;
    this.options = options;
    this.sources = audioSources(options.audioJson, options.files, options.dir);
    this.mixPath = options.files.includes(`${options.dir}/audio/mix.wav`)
      ? `${options.dir}/audio/mix.wav`
      : null;
    this.context = null;
    this.buffers = new Map(); // name (or "mix") → AudioBuffer
    this.gains = new Map();
    this.playing = [];
    this.muted = new Set();
    this.soloed = new Set();
    this.time = 0;
  }

  get present() {
    return this.mixPath !== null || this.sources.some((s) => s.path);
  }

  async load() {
    if (!this.present) return;
    this.context = new AudioContext();
    const decode = async (path) => {
      const response = await fetch(this.options.dataUrl(path));
      return await this.context.decodeAudioData(await response.arrayBuffer());
    };
    if (this.mixPath) this.buffers.set("mix", await decode(this.mixPath));
    for (const s of this.sources) if (s.path) this.buffers.set(s.name, await decode(s.path));
    this.#build();
  }

  #objectName(id) {
    const object = (this.options.labels?.objects ?? []).find((o) => o.id === id);
    return object ? `${object.class ?? object.name} #${id}` : `#${id}`;
  }

  #build() {
    this.root.innerHTML = "";
    const title = document.createElement("h3");
    title.textContent = "Audio";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "waveform";
    this.canvas.width = 720;
    this.canvas.height = 90;
    this.canvas.title = "click to seek";
    this.canvas.addEventListener("click", (event) => {
      const rect = this.canvas.getBoundingClientRect();
      this.options.onSeek(((event.clientX - rect.left) / rect.width) * this.#duration());
    });
    this.root.append(title, this.canvas);

    this.rows = new Map();
    const stems = this.sources.filter((s) => s.path);
    const list = document.createElement("div");
    list.className = "stems";
    for (const s of stems) {
      const row = document.createElement("div");
      row.className = "stem";
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = s.instance ? cssColor(instanceColor(s.instance)) : "#888";
      const name = document.createElement("span");
      name.className = "stem-name";
      const who = s.instance ? this.#objectName(s.instance) : "scene";
      name.textContent = `${s.name}${s.kind ? ` (${s.kind})` : ""} · ${who}`;
      const mute = this.#toggle("M", "mute", this.muted, s.name);
      const solo = this.#toggle("S", "solo", this.soloed, s.name);
      row.append(mute, solo, swatch, name);
      list.append(row);
      this.rows.set(s.name, row);
    }
    if (stems.length === 0) {
      const note = document.createElement("p");
      note.className = "muted";
      note.textContent = "no stems; playing the mix";
      list.append(note);
    }
    this.root.append(list);
    this.#drawWaveform();
  }

  #toggle(text, title, set, name) {
    const button = document.createElement("button");
    button.textContent = text;
    button.title = title;
    button.className = "small";
    button.addEventListener("click", () => {
      if (set.has(name)) set.delete(name);
      else set.add(name);
      button.classList.toggle("on", set.has(name));
      this.#applyGains();
    });
    return button;
  }

  #duration() {
    const longest = Math.max(0, ...[...this.buffers.values()].map((b) => b.duration));
    return Math.max(longest, this.options.duration || 0) || 1;
  }

  #gainFor(name) {
    if (this.soloed.size > 0) return this.soloed.has(name) ? 1 : 0;
    return this.muted.has(name) ? 0 : 1;
  }

  #applyGains() {
    for (const [name, gain] of this.gains) gain.gain.value = this.#gainFor(name);
  }

  /** Start every stem (or the mix when there are none) at `offset` seconds. */
  async play(offset) {
    if (!this.context) return;
    this.stop();
    await this.context.resume();
    const stems = this.sources.filter((s) => s.path).map((s) => s.name);
    const names = stems.length > 0 ? stems : ["mix"];
    const when = this.context.currentTime + 0.02;
    for (const name of names) {
      const buffer = this.buffers.get(name);
      if (!buffer || offset >= buffer.duration) continue;
      const source = this.context.createBufferSource();
      source.buffer = buffer;
      const gain = this.context.createGain();
      gain.gain.value = name === "mix" ? 1 : this.#gainFor(name);
      source.connect(gain).connect(this.context.destination);
      source.start(when, offset);
      this.playing.push(source);
      if (name !== "mix") this.gains.set(name, gain);
    }
  }

  stop() {
    for (const source of this.playing) source.stop();
    this.playing = [];
    this.gains.clear();
  }

  /** Moves the playhead; returns the instance ids whose sound starts around `seconds`. */
  update(seconds) {
    this.time = seconds;
    const active = new Set();
    for (const s of this.sources) {
      const sounding = s.onsets.some((o) => seconds >= o - 0.02 && seconds < o + HIGHLIGHT_SECONDS);
      if (sounding && s.instance) active.add(s.instance);
      this.rows?.get(s.name)?.classList.toggle("sounding", sounding);
    }
    if (this.canvas) this.#drawWaveform();
    return active;
  }

  #drawWaveform() {
    const ctx = this.canvas.getContext("2d");
    const { width, height } = this.canvas;
    ctx.fillStyle = "#15171c";
    ctx.fillRect(0, 0, width, height);
    const duration = this.#duration();
    const buffer = this.buffers.get("mix") ?? [...this.buffers.values()][0];
    if (buffer) {
      const samples = buffer.getChannelData(0);
      const seconds = buffer.duration;
      ctx.fillStyle = "#7aa2f7";
      for (let x = 0; x < width; x++) {
        const from = Math.floor(((x / width) * duration / seconds) * samples.length);
        const to = Math.min(
          samples.length,
          Math.floor((((x + 1) / width) * duration / seconds) * samples.length),
        );
        let low = 0, high = 0;
        for (let i = from; i < to; i++) {
          if (samples[i] < low) low = samples[i];
          if (samples[i] > high) high = samples[i];
        }
        const y0 = (0.5 - high / 2) * height, y1 = (0.5 - low / 2) * height;
        ctx.fillRect(x, y0, 1, Math.max(1, y1 - y0));
      }
    }
    this.sources.forEach((s, lane) => {
      const color = s.instance ? instanceColor(s.instance) : [200, 200, 200];
      // A thin lane per source along the bottom: where its stem is audible.
      ctx.fillStyle = cssColor(color, 0.8);
      for (const [a, b] of s.active) {
        ctx.fillRect(
          (a / duration) * width,
          height - 4 * (lane + 1),
          Math.max(1, ((b - a) / duration) * width),
          3,
        );
      }
      ctx.fillStyle = cssColor(color);
      for (const onset of s.onsets) {
        const x = Math.round((onset / duration) * width);
        ctx.fillRect(x - 1, 0, 2, height);
        ctx.beginPath();
        ctx.moveTo(x - 5, 0), ctx.lineTo(x + 5, 0), ctx.lineTo(x, 7);
        ctx.fill();
      }
    });
    ctx.fillStyle = "#fff";
    ctx.fillRect(Math.round((this.time / duration) * width), 0, 1, height);
  }
}
