// Small SVG charts over days: bars for counts, a line for durations. Each is an image with a text alternative that
// states its figures, and the same figures are in a table on the page.

import { svg, h, fmt } from "./dom.js";

const W = 560, H = 180, LEFT = 56, BOTTOM = 28, TOP = 12;

/// An axis label: a day as MM-DD, a name clipped to fit under its bar.
const short = (label) => /^\d{4}-\d{2}-\d{2}$/.test(label) ? label.slice(5)
  : label.length > 14 ? label.slice(0, 13) + "…" : label;

function frame(title, summary, days, max, format, plot) {
  const width = W - LEFT - 8, height = H - TOP - BOTTOM;
  const step = days.length ? width / days.length : width;
  const y = (value) => TOP + height - (max ? (value / max) * height : 0);
  const ticks = [0, max / 2, max].map((value) => svg("g", {},
    svg("line", { x1: LEFT, x2: W - 8, y1: y(value), y2: y(value), class: "grid" }),
    svg("text", { x: LEFT - 6, y: y(value) + 4, class: "tick", "text-anchor": "end" }, format(value))));
  const labels = days.map((day, i) => (days.length <= 8 || i % Math.ceil(days.length / 8) === 0)
    ? svg("text", { x: LEFT + i * step + step / 2, y: H - 8, class: "tick", "text-anchor": "middle" }, short(day))
    : null);
  return h("figure", { class: "chart" },
    svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${title}. ${summary}` },
      svg("title", {}, title), ticks, labels, plot({ step, y, left: LEFT, bottom: TOP + height })),
    h("figcaption", {}, title));
}

/// series: [{name, class, values}] stacked per day.
export function bars(title, days, series, format = fmt.count) {
  const totals = days.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const max = Math.max(1, ...totals);
  const summary = days.length
    ? days.map((day, i) => `${day}: ${series.map((s) => `${format(s.values[i] || 0)} ${s.name}`).join(", ")}`).join("; ")
    : "no data in this range";
  return frame(title, summary, days, max, format, ({ step, y, left, bottom }) => days.map((day, i) => {
    let base = bottom;
    return series.map((s) => {
      const value = s.values[i] || 0;
      const top = y(value) - (bottom - base);
      const rect = svg("rect", {
        x: left + i * step + step * 0.15, width: Math.max(1, step * 0.7), y: top, height: Math.max(0, base - top),
        class: s.class,
      }, svg("title", {}, `${day}: ${format(value)} ${s.name}`));
      base = top;
      return rect;
    });
  }));
}

export function line(title, days, values, format) {
  const present = values.filter((v) => v !== null && v !== undefined);
  const max = Math.max(1, ...present);
  const summary = days.length
    ? days.map((day, i) => `${day}: ${values[i] === null ? "none" : format(values[i])}`).join("; ")
    : "no data in this range";
  return frame(title, summary, days, max, format, ({ step, y, left }) => {
    const points = values.map((v, i) => v === null || v === undefined ? null : [left + i * step + step / 2, y(v)])
      .filter(Boolean);
    return [svg("polyline", { points: points.map((p) => p.join(",")).join(" "), class: "series" }),
      points.map(([cx, cy], i) => svg("circle", { cx, cy, r: 3, class: "series" }))];
  });
}
