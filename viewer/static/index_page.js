// The dataset at a glance: a grid of clips (preview image, the video on hover) with captions and
// action labels, filters by class and action, a caption search, and charts of what the clips
// contain. Charts follow the filters, so "what does the dataset look like for class X" is one
// click. Everything comes from /api/index (one summary per clip, see viewer/dataset_index.ts).

import { barChart, histogram } from "./charts.js";
import { dataUrl, el } from "./util.js";

/** Charts whose key names one of these come first: the distributions people ask about most. */
const FIRST_TOPICS = /camera|light|colou?r|material|background/i;

function addCounts(total, counts) {
  for (const [key, n] of Object.entries(counts)) total[key] = (total[key] ?? 0) + n;
}

/** Numbers to 4 significant digits, so sampled floats stay short. */
function formatValue(v) {
  return typeof v === "number" && !Number.isInteger(v) ? String(+v.toPrecision(4)) : String(v);
}

function countValues(values) {
  const counts = {};
  for (const v of values) counts[formatValue(v)] = (counts[formatValue(v)] ?? 0) + 1;
  return counts;
}

function searchableText(clip) {
  return [clip.dir, ...clip.captions, ...clip.events.map((e) => `${e.verb} ${e.label ?? ""}`)]
    .join("\n").toLowerCase();
}

function clipCard(clip) {
  const link = `#/clip/${clip.dir}`;
  const thumb = el("a", { href: link, className: "thumb" });
  const [width, height] = clip.size ?? [4, 3];
  thumb.style.aspectRatio = `${width} / ${height}`;
  if (clip.files.preview) {
    // preview.png is a contact sheet (a row per sampled frame: rgb | depth | normals | instance,
    // 2 px gaps); the thumbnail crops it to the first rgb cell.
    const img = el("img", {
      src: dataUrl(`${clip.dir}/preview.png`),
      alt: clip.dir,
      loading: "lazy",
    });
    img.style.width = `${((4 * width + 6) / width) * 100}%`;
    thumb.append(img);
  } else {
    thumb.append(el("span", { className: "muted", textContent: "no preview" }));
  }
  if (clip.files.video) {
    // Animated thumbnail: the clip's video plays while the pointer is over the card.
    thumb.addEventListener("mouseenter", () => {
      const video = el("video", {
        src: dataUrl(`${clip.dir}/rgb.mp4`),
        muted: true,
        loop: true,
        autoplay: true,
      });
      video.className = "hover-video";
      thumb.append(video);
    });
    thumb.addEventListener("mouseleave", () => thumb.querySelector(".hover-video")?.remove());
  }
  const actions = clip.events.map((e) => e.label ?? e.verb);
  return el("article", { className: "clip-card" }, [
    thumb,
    el("div", { className: "card-body" }, [
      el("a", { href: link, className: "clip-name", textContent: clip.dir }),
      clip.status !== "ok"
        ? el("span", { className: `tag status-${clip.status}`, textContent: clip.status })
        : "",
      el("span", {
        className: "muted",
        textContent: ` ${clip.frames ?? "?"} frames` +
          (clip.shard !== null ? ` · shard ${clip.shard}` : ""),
      }),
      actions.length
        ? el(
          "div",
          { className: "actions" },
          actions.map((a) => el("span", { className: "tag", textContent: a })),
        )
        : "",
      clip.captions.length
        ? el("p", {
          className: "caption",
          textContent: clip.captions[0],
          title: clip.captions.join("\n\n"),
        })
        : "",
      clip.error ? el("p", { className: "error", textContent: clip.error }) : "",
    ]),
  ]);
}

function charts(clips) {
  const figures = [];
  const classes = {}, colors = {}, verbs = {}, shards = {}, statuses = {};
  for (const clip of clips) {
    addCounts(classes, clip.classes);
    addCounts(colors, clip.colors);
    for (const e of clip.events) verbs[e.verb] = (verbs[e.verb] ?? 0) + 1;
    if (clip.shard !== null) shards[clip.shard] = (shards[clip.shard] ?? 0) + 1;
    statuses[clip.status] = (statuses[clip.status] ?? 0) + 1;
  }
  if (Object.keys(classes).length) figures.push(barChart("objects per class", classes));
  if (Object.keys(verbs).length) {
    figures.push(barChart("actions (events[].verb)", verbs, "#bb9af7"));
  }
  if (Object.keys(colors).length) figures.push(barChart("object colours", colors, "#e0af68"));
  if (Object.keys(shards).length) figures.push(barChart("clips per shard", shards, "#73daca"));
  if (Object.keys(statuses).length > 1) figures.push(barChart("clip status", statuses, "#f7768e"));

  // Every scalar the plugins sampled or recorded: categories as bars, numbers as histograms.
  const byKey = new Map();
  for (const clip of clips) {
    for (const [key, values] of Object.entries(clip.values)) {
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key).push(...values);
    }
  }
  const keys = [...byKey.keys()].sort((a, b) =>
    Number(!FIRST_TOPICS.test(a)) - Number(!FIRST_TOPICS.test(b)) || a.localeCompare(b)
  );
  // Settings every clip shares say nothing about the distribution: one table, not a chart each.
  const constant = [];
  for (const key of keys) {
    const values = byKey.get(key);
    if (new Set(values).size === 1) {
      constant.push([key, values[0]]);
    } else if (values.every((v) => typeof v === "number")) {
      // A few distinct numbers read better as bars than as a histogram.
      if (new Set(values).size > 3) figures.push(histogram(readableKey(key), values));
      else figures.push(barChart(readableKey(key), countValues(values), "#9ece6a"));
    } else {
      figures.push(barChart(readableKey(key), countValues(values), "#e0af68"));
    }
  }
  if (constant.length) {
    const rows = constant.map(([key, value]) =>
      el("tr", {}, [el("td", { textContent: key }), el("td", { textContent: formatValue(value) })])
    );
    figures.push(el("figure", { className: "chart constants" }, [
      el("figcaption", { textContent: "the same in every clip shown" }),
      el("table", {}, rows),
    ]));
  }
  return figures;
}

export function showIndexPage(root, index) {
  const clips = index.clips;
  const allClasses = [...new Set(clips.flatMap((c) => Object.keys(c.classes)))].sort();
  const allVerbs = [...new Set(clips.flatMap((c) => c.events.map((e) => e.verb)))].sort();
  const option = (value, text) => el("option", { value, textContent: text });
  const classSelect = el("select", { id: "class-filter" }, [
    option("", "all classes"),
    ...allClasses.map((c) => option(c, c)),
  ]);
  const verbSelect = el("select", { id: "action-filter" }, [
    option("", "all actions"),
    ...allVerbs.map((v) => option(v, v)),
  ]);
  const search = el("input", {
    type: "search",
    id: "search",
    placeholder: "search captions and labels",
  });
  const count = el("span", { className: "muted" });
  const grid = el("div", { className: "grid" });
  const chartBox = el("div", { className: "charts" });

  const name = index.dataset?.name ?? index.dataset?.scene?.name ?? index.root.split("/").pop();
  root.replaceChildren(
    el("header", { className: "bar" }, [
      el("h1", { textContent: `${name}` }),
      el("span", { className: "muted", textContent: `${clips.length} clips · ${index.root}` }),
      index.skippedLines
        ? el("span", {
          className: "error",
          textContent: ` ${index.skippedLines} unreadable manifest lines`,
        })
        : "",
    ]),
    el("div", { className: "filters" }, [classSelect, verbSelect, search, count]),
    grid,
    el("h2", { textContent: "Distribution" }),
    chartBox,
  );

  const text = new Map(clips.map((c) => [c, searchableText(c)]));
  const update = () => {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = clips.filter((c) =>
      (!classSelect.value || c.classes[classSelect.value]) &&
      (!verbSelect.value || c.events.some((e) => e.verb === verbSelect.value)) &&
      words.every((w) => text.get(c).includes(w))
    );
    count.textContent = `${shown.length} of ${clips.length} shown`;
    grid.replaceChildren(...shown.map(clipCard));
    if (shown.length === 0) {
      grid.append(el("p", { className: "muted", textContent: "no clip matches" }));
    }
    chartBox.replaceChildren(...charts(shown));
  };
  for (const control of [classSelect, verbSelect]) control.addEventListener("change", update);
  search.addEventListener("input", update);
  update();
  root.dataset.ready = "index";
}

/** "recorded.randomizer/lighting.randomization.key.azimuth" → "randomizer/lighting › key azimuth". */
function readableKey(key) {
  const match = /^(?:recorded|sampled)\.([^.]+)\.?(.*)$/.exec(key);
  if (!match) return key;
  const path = match[2].split(".").filter((part) => part && part !== "randomization").join(" ");
  return path ? `${match[1]} › ${path.replaceAll("_", " ")}` : match[1];
}
