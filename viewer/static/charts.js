// Small SVG charts for the index page: horizontal bars for counts of categories, and a
// histogram for numbers. Plain SVG, so they stay sharp and need no library.

const SVG = "http://www.w3.org/2000/svg";
const BAR_HEIGHT = 16;
const LABEL_WIDTH = 120;
const CHART_WIDTH = 300;
const MAX_BARS = 20;
const HEX = /^#[0-9a-f]{6}$/i;

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function figure(title, body) {
  const wrap = document.createElement("figure");
  wrap.className = "chart";
  const caption = document.createElement("figcaption");
  caption.textContent = title;
  wrap.append(caption, body);
  return wrap;
}

/** Horizontal bar chart of `counts` ({label: n}), largest first; the rest folded into "other". */
export function barChart(title, counts, color = "#7aa2f7") {
  let entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length > MAX_BARS) {
    const rest = entries.slice(MAX_BARS - 1).reduce((sum, [, n]) => sum + n, 0);
    entries = [...entries.slice(0, MAX_BARS - 1), [
      `(${entries.length - MAX_BARS + 1} more)`,
      rest,
    ]];
  }
  const largest = Math.max(1, ...entries.map(([, n]) => n));
  const height = entries.length * (BAR_HEIGHT + 4) + 4;
  const chart = svg("svg", { width: CHART_WIDTH + LABEL_WIDTH, height, role: "img" });
  entries.forEach(([label, n], i) => {
    const y = 2 + i * (BAR_HEIGHT + 4);
    const w = Math.max(1, (n / largest) * (CHART_WIDTH - 40));
    const text = label.length > 18 ? label.slice(0, 17) + "…" : label;
    chart.append(
      svg(
        "text",
        { x: LABEL_WIDTH - 6, y: y + 12, "text-anchor": "end", class: "chart-label" },
        text,
      ),
      // Bars of a colour chart are drawn in their colour.
      svg("rect", {
        x: LABEL_WIDTH,
        y,
        width: w,
        height: BAR_HEIGHT,
        fill: HEX.test(label) ? label : color,
        rx: 2,
      }),
      svg("text", { x: LABEL_WIDTH + w + 4, y: y + 12, class: "chart-value" }, String(n)),
    );
    chart.lastChild.previousSibling.append(svg("title", {}, `${label}: ${n}`));
  });
  return figure(title, chart);
}

/** Histogram of numbers in `bins` equal-width bins between their min and max. */
export function histogram(title, values, bins = 10, color = "#9ece6a") {
  const low = Math.min(...values), high = Math.max(...values);
  const span = high - low || 1;
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(((v - low) / span) * bins))]++;
  const largest = Math.max(1, ...counts);
  const width = CHART_WIDTH + LABEL_WIDTH, plot = 90;
  const chart = svg("svg", { width, height: plot + 20, role: "img" });
  const barWidth = width / bins;
  counts.forEach((n, i) => {
    const h = (n / largest) * plot;
    const bar = svg("rect", {
      x: i * barWidth + 1,
      y: plot - h,
      width: barWidth - 2,
      height: h,
      fill: color,
    });
    const from = low + (span * i) / bins, to = low + (span * (i + 1)) / bins;
    bar.append(svg("title", {}, `${format(from)} – ${format(to)}: ${n}`));
    chart.append(bar);
  });
  chart.append(
    svg("text", { x: 0, y: plot + 15, class: "chart-label" }, format(low)),
    svg(
      "text",
      { x: width, y: plot + 15, "text-anchor": "end", class: "chart-label" },
      format(high),
    ),
  );
  return figure(`${title} (${values.length} clips)`, chart);
}

function format(v) {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(2);
}
