// One clip: the rgb video with overlays stacked on top, a frame scrubber kept in step with the
// video, the clip's labels, captions and events alongside, and its sound below.
//
// Layers, bottom to top: <video> (rgb.mp4), a W×H canvas for per-pixel overlays (scaled up with
// pixelated sampling, so an overlay pixel is exactly its label colour), and a display-sized
// canvas for boxes, skeletons and highlights. The current frame comes from the video's clock
// while playing and from the scrubber otherwise; everything redraws from that one number.

import { AudioPanel } from "./audio_panel.js";
import { drawBoxes, drawKeypoints, keypointTracks, objectUnderBox } from "./annotations.js";
import { cssColor, flowColor, instanceColor, ramp } from "./colors.js";
import { instanceAt, RASTER_LAYERS } from "./overlays.js";
import { dataUrl, el, fetchJson } from "./util.js";

/** Largest display width; small clips are scaled up by a whole number so pixels stay square. */
const MAX_DISPLAY = 640;

function displayScale(width) {
  if (width >= MAX_DISPLAY) return MAX_DISPLAY / width;
  return Math.max(1, Math.floor(MAX_DISPLAY / width));
}

/** labels.json with the per-frame arrays folded away, for reading in the sidebar. */
function summarizedLabels(labels) {
  return JSON.stringify(labels, (key, value) => {
    if (key === "frames" && Array.isArray(value)) return `[${value.length} frames]`;
    return value;
  }, 2);
}

function captionList(value) {
  const list = Array.isArray(value) ? value : value?.captions ?? [];
  return list.map((c) => (typeof c === "string" ? { style: "", text: c } : c)).filter((c) =>
    c?.text
  );
}

export async function showClipPage(root, dir, params, clipDirs) {
  const base = `${dir}/`;
  const { files } = await fetchJson(`/api/files?dir=${encodeURIComponent(dir)}`);
  const has = (name) => files.includes(base + name);
  const labels = has("labels.json") ? await fetchJson(dataUrl(base + "labels.json")) : null;
  const captions = has("captions.json")
    ? captionList(await fetchJson(dataUrl(base + "captions.json")))
    : [];
  const audioJson = has("audio.json") ? await fetchJson(dataUrl(base + "audio.json")) : null;

  const [width, height] = labels?.size ?? [256, 256];
  const fps = labels?.fps ?? 24;
  const frameCount = labels?.frames ?? 1;
  const scale = displayScale(width);
  const tracks = keypointTracks(labels);
  const objects = labels?.objects ?? [];

  // ------------------------------------------------------------------ layout
  const position = clipDirs.indexOf(dir);
  const neighbour = (step) => clipDirs[position + step];
  const header = el("header", { className: "bar" }, [
    el("a", { href: "#/", textContent: "← all clips" }),
    el("h1", { textContent: dir }),
    neighbour(-1) ? el("a", { href: `#/clip/${neighbour(-1)}`, textContent: "‹ previous" }) : "",
    neighbour(1) ? el("a", { href: `#/clip/${neighbour(1)}`, textContent: "next ›" }) : "",
    el("span", {
      className: "muted",
      textContent: `${width}×${height} · ${frameCount} frames @ ${fps} fps`,
    }),
  ]);

  const stage = el("div", { className: "stage" });
  stage.style.width = `${width * scale}px`;
  stage.style.height = `${height * scale}px`;
  const video = el("video", { muted: true, playsInline: true, preload: "auto" });
  // Odd sizes are padded by one pixel in the mp4 (engine/dataset/video.ts); keep the scale, crop the pad.
  video.style.width = `${(width + (width % 2)) * scale}px`;
  video.style.height = `${(height + (height % 2)) * scale}px`;
  if (has("rgb.mp4")) video.src = dataUrl(base + "rgb.mp4");
  const raster = el("canvas", { className: "raster", width, height });
  const vector = el("canvas", {
    className: "vector",
    width: width * scale,
    height: height * scale,
  });
  const tooltip = el("div", { className: "tooltip" });
  stage.append(video, raster, vector, tooltip);

  const playButton = el("button", { textContent: "▶ play" });
  const scrubber = el("input", {
    type: "range",
    min: 0,
    max: frameCount - 1,
    value: 0,
    className: "scrubber",
  });
  const frameLabel = el("span", { className: "frame-label" });
  const transport = el("div", { className: "transport" }, [playButton, scrubber, frameLabel]);

  const enabled = new Set();
  const layerStates = new Map();
  const toggles = el("div", { className: "toggles" });
  const checkboxFor = (key, text, available, initially) => {
    const box = el("input", { type: "checkbox", checked: initially, disabled: !available });
    box.dataset.layer = key;
    const labelEl = el("label", { className: available ? "" : "missing" }, [box, ` ${text}`]);
    if (!available) labelEl.title = "not in this clip";
    toggles.append(labelEl);
    return box;
  };
  const videoBox = checkboxFor("video", "rgb video", has("rgb.mp4"), true);
  videoBox.addEventListener(
    "change",
    () => (video.style.visibility = videoBox.checked ? "" : "hidden"),
  );
  for (const layer of RASTER_LAYERS) {
    const box = checkboxFor(layer.key, layer.label, has(layer.file), false);
    box.addEventListener("change", () => setLayer(layer, box.checked));
  }
  const boxesBox = checkboxFor(
    "boxes",
    "2D boxes",
    objects.some((o) => o.frames?.some((f) => f?.bbox)),
    false,
  );
  const keypointsBox = checkboxFor("keypoints", "keypoints", tracks.length > 0, false);
  for (const box of [boxesBox, keypointsBox]) box.addEventListener("change", () => render());
  const opacity = el("input", {
    type: "range",
    min: 0,
    max: 1,
    step: 0.05,
    value: 0.6,
    className: "opacity",
  });
  opacity.addEventListener("input", () => render());
  toggles.append(el("label", {}, ["opacity ", opacity]));

  const legends = el("div", { className: "legends" });
  const audioRoot = el("div", { className: "audio" });
  const status = el("p", { className: "status muted" });

  const eventList = el("ol", { className: "events" });
  const objectTable = el("table", { className: "objects" });
  const sidebar = el("aside", {}, [
    el("h3", { textContent: "Captions" }),
    captions.length
      ? el(
        "ul",
        { className: "captions" },
        captions.map((c) =>
          el("li", {}, [
            c.style ? el("span", { className: "tag", textContent: c.style }) : "",
            ` ${c.text}`,
            c.negative
              ? el("div", { className: "muted", textContent: `negative: ${c.negative}` })
              : "",
          ])
        ),
      )
      : el("p", { className: "muted", textContent: "no captions" }),
    el("h3", { textContent: "Events" }),
    labels?.events?.length ? eventList : el("p", { className: "muted", textContent: "no events" }),
    el("h3", { textContent: "Objects" }),
    objectTable,
    el("details", {}, [
      el("summary", { textContent: "labels.json" }),
      el("a", { href: dataUrl(base + "labels.json"), target: "_blank", textContent: "raw file" }),
      el("pre", { textContent: labels ? summarizedLabels(labels) : "none" }),
    ]),
  ]);

  root.replaceChildren(
    header,
    el("div", { className: "clip-layout" }, [
      el("section", { className: "player" }, [
        stage,
        transport,
        toggles,
        legends,
        status,
        audioRoot,
      ]),
      sidebar,
    ]),
  );

  // ------------------------------------------------------------------ state
  let frame = Math.max(0, Math.min(frameCount - 1, Number(params.get("t") ?? 0) || 0));
  let playing = false;
  let hovered = null; // object id under the pointer or the sidebar row under it
  let soundingIds = new Set();
  let clockStart = 0, clockOffset = 0; // playback clock when there is no video
  const rasterContext = raster.getContext("2d");
  const vectorContext = vector.getContext("2d");
  const scratch = el("canvas", { width, height });
  const scratchContext = scratch.getContext("2d");

  const audio = new AudioPanel(audioRoot, {
    dataUrl,
    files,
    dir,
    audioJson,
    labels,
    duration: frameCount / fps,
    onSeek: (seconds) => seek(Math.floor(seconds * fps)),
  });

  // Events: click to jump, hover to highlight the subjects.
  for (const event of labels?.events ?? []) {
    const item = el("li", {}, [
      el("b", { textContent: event.verb }),
      ` frames ${event.start}–${event.end}`,
      event.label ? el("div", { textContent: event.label }) : "",
    ]);
    item.addEventListener("click", () => seek(event.start));
    item.addEventListener("mouseenter", () => setHovered(event.subjects?.[0] ?? null));
    item.addEventListener("mouseleave", () => setHovered(null));
    item.dataset.start = event.start;
    item.dataset.end = event.end;
    eventList.append(item);
  }

  const objectRows = new Map();
  objectTable.append(
    el(
      "tr",
      {},
      ["", "id", "class", "name", "visible", "pixels"].map((h) => el("th", { textContent: h })),
    ),
  );
  for (const object of objects) {
    const cells = [
      el("td", {}, [
        el("span", {
          className: "swatch",
          style: `background:${cssColor(instanceColor(object.id))}`,
        }),
      ]),
      el("td", { textContent: object.id }),
      el("td", { textContent: object.class ?? "" }),
      el("td", { textContent: object.name ?? "" }),
      el("td"),
      el("td"),
    ];
    const row = el("tr", {}, cells);
    row.addEventListener("mouseenter", () => setHovered(object.id));
    row.addEventListener("mouseleave", () => setHovered(null));
    objectTable.append(row);
    objectRows.set(object.id, row);
  }

  function setHovered(id) {
    hovered = id;
    render();
  }

  async function setLayer(layer, on) {
    if (on) enabled.add(layer.key);
    else enabled.delete(layer.key);
    if (on && !layerStates.has(layer.key)) {
      status.textContent = `loading ${layer.file}…`;
      try {
        layerStates.set(layer.key, await layer.load(dataUrl(base + layer.file)));
        status.textContent = "";
      } catch (error) {
        status.textContent = `${layer.file}: ${error.message}`;
        enabled.delete(layer.key);
      }
    }
    render();
  }

  // ------------------------------------------------------------------ drawing
  function drawRaster() {
    rasterContext.clearRect(0, 0, width, height);
    rasterContext.globalAlpha = Number(opacity.value);
    for (const layer of RASTER_LAYERS) {
      const state = layerStates.get(layer.key);
      if (!enabled.has(layer.key) || !state) continue;
      const image = new ImageData(width, height);
      layer.paint(state, frame, image.data);
      scratchContext.putImageData(image, 0, 0);
      rasterContext.drawImage(scratch, 0, 0);
    }
    rasterContext.globalAlpha = 1;
  }

  function drawVector() {
    vectorContext.clearRect(0, 0, vector.width, vector.height);
    const highlighted = new Set(soundingIds);
    if (hovered !== null) highlighted.add(hovered);
    drawBoxes(vectorContext, labels, frame, scale, { all: boxesBox.checked, highlighted });
    if (keypointsBox.checked) drawKeypoints(vectorContext, tracks, frame, scale);
  }

  function drawLegends() {
    legends.replaceChildren();
    const depth = layerStates.get("depth");
    if (enabled.has("depth") && depth) {
      const bar = el("canvas", { width: 200, height: 12, className: "legend-bar" });
      const ctx = bar.getContext("2d");
      for (let x = 0; x < 200; x++) {
        ctx.fillStyle = cssColor(ramp(1 - x / 199));
        ctx.fillRect(x, 0, 1, 12);
      }
      legends.append(el("div", { className: "legend" }, [
        "depth ",
        el("span", { textContent: `${depth.near.toFixed(2)} m` }),
        bar,
        el("span", { textContent: `${depth.far.toFixed(2)} m` }),
      ]));
    }
    const flow = layerStates.get("flow");
    if (enabled.has("flow") && flow) {
      const size = 48;
      const wheel = el("canvas", { width: size, height: size, className: "legend-wheel" });
      const ctx = wheel.getContext("2d");
      const image = ctx.createImageData(size, size);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const dx = x - size / 2 + 0.5, dy = y - size / 2 + 0.5;
          if (Math.hypot(dx, dy) > size / 2) continue;
          const [r, g, b] = flowColor(dx, dy, size / 2);
          image.data.set([r, g, b, 255], (y * size + x) * 4);
        }
      }
      ctx.putImageData(image, 0, 0);
      legends.append(el("div", { className: "legend" }, [
        "flow ",
        wheel,
        el("span", { textContent: ` rim = ${flow.largest.toFixed(1)} px/frame` }),
      ]));
    }
  }

  function updateSidebar() {
    for (const item of eventList.children) {
      item.classList.toggle(
        "active",
        frame >= Number(item.dataset.start) && frame <= Number(item.dataset.end),
      );
    }
    for (const object of objects) {
      const row = objectRows.get(object.id);
      const f = object.frames?.[frame];
      row.children[4].textContent = f?.visibility !== undefined
        ? Number(f.visibility).toFixed(2)
        : "";
      row.children[5].textContent = f?.pixels ?? "";
      row.classList.toggle("highlight", hovered === object.id || soundingIds.has(object.id));
    }
  }

  let lastLegendKey = "";
  function render() {
    soundingIds = audio.update(frame / fps + (playing ? 0 : 0.5 / fps));
    drawRaster();
    drawVector();
    const legendKey = [...enabled].filter((k) => layerStates.has(k)).join(",");
    if (legendKey !== lastLegendKey) drawLegends(), lastLegendKey = legendKey;
    updateSidebar();
    scrubber.value = frame;
    frameLabel.textContent = `frame ${frame} / ${frameCount - 1}`;
    stage.dataset.frame = String(frame);
    stage.dataset.layers = legendKey;
  }

  // ------------------------------------------------------------------ time
  function frameAt(seconds) {
    return Math.max(0, Math.min(frameCount - 1, Math.floor(seconds * fps + 1e-6)));
  }

  function seek(t) {
    if (playing) pause();
    frame = Math.max(0, Math.min(frameCount - 1, t));
    // Middle of the frame's display interval, so decoders land on this frame, not the one before.
    if (video.src) video.currentTime = (frame + 0.5) / fps;
    render();
  }

  function tick() {
    if (!playing) return;
    const seconds = video.src
      ? video.currentTime
      : clockOffset + (performance.now() - clockStart) / 1000;
    if (seconds >= frameCount / fps || (video.src && video.ended)) {
      pause();
      return;
    }
    const t = frameAt(seconds);
    if (t !== frame) frame = t, render();
    if (video.src && video.requestVideoFrameCallback) video.requestVideoFrameCallback(tick);
    else requestAnimationFrame(tick);
  }

  async function play() {
    if (frame >= frameCount - 1) frame = 0;
    const start = frame / fps;
    playing = true;
    playButton.textContent = "❚❚ pause";
    if (video.src) {
      video.currentTime = start;
      await video.play().catch((error) => (status.textContent = `video: ${error.message}`));
    } else {
      clockStart = performance.now();
      clockOffset = start;
    }
    audio.play(start);
    tick();
  }

  function pause() {
    playing = false;
    playButton.textContent = "▶ play";
    if (video.src) video.pause();
    audio.stop();
  }

  playButton.addEventListener("click", () => (playing ? pause() : play()));
  scrubber.addEventListener("input", () => seek(Number(scrubber.value)));
  video.addEventListener("error", () => (status.textContent = "rgb.mp4 could not be played here"));
  // No further video frame callbacks come after the last frame, so the end is caught here.
  video.addEventListener("ended", () => {
    if (!playing) return;
    pause();
    frame = frameCount - 1;
    render();
  });
  root.ownerDocument.onkeydown = (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type !== "range") return;
    if (event.key === "ArrowRight") seek(frame + 1);
    else if (event.key === "ArrowLeft") seek(frame - 1);
    else if (event.key === " ") event.preventDefault(), playing ? pause() : play();
  };

  // ------------------------------------------------------------------ hover
  stage.addEventListener("mousemove", (event) => {
    const rect = stage.getBoundingClientRect();
    const x = Math.floor((event.clientX - rect.left) / scale);
    const y = Math.floor((event.clientY - rect.top) / scale);
    const fromMask = instanceAt(layerStates.get("mask"), frame, x, y);
    const id = fromMask ?? objectUnderBox(labels, frame, x, y)?.id ?? 0;
    const object = objects.find((o) => o.id === id);
    if (id === 0) {
      tooltip.style.display = "none";
    } else {
      const depth = layerStates.get("depth");
      const d = depth
        ? depth.frames.frame(frame)[(y * width + x) * depth.frames.channels]
        : undefined;
      tooltip.textContent = `#${id} ${object?.class ?? "?"}` +
        (object?.name ? ` (${object.name})` : "") +
        (Number.isFinite(d) ? ` · ${d.toFixed(2)} m` : "") +
        (fromMask === null ? " · from box" : "");
      tooltip.style.display = "block";
      tooltip.style.left = `${event.clientX - rect.left + 12}px`;
      tooltip.style.top = `${event.clientY - rect.top + 12}px`;
    }
    stage.dataset.hover = String(id);
    if (hovered !== (id || null)) setHovered(id || null);
  });
  stage.addEventListener("mouseleave", () => {
    tooltip.style.display = "none";
    setHovered(null);
  });

  // ------------------------------------------------------------------ start
  try {
    await audio.load();
  } catch (error) {
    audioRoot.textContent = `audio: ${error.message}`;
  }
  if (!audio.present) {
    audioRoot.replaceChildren(el("p", { className: "muted", textContent: "no audio" }));
  }
  seek(frame);
  stage.dataset.ready = "1";
}
