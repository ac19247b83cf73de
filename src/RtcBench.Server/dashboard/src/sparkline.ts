// A trend cell: an inline SVG sparkline of one figure per bucket, placed in time across the window (so a quiet
// stretch looks like one), and, when there are too few points to draw a trend (one or two buckets with runs), the
// points themselves as dots with a label saying how many runs they hold: "1 run", "2 runs".
import { h } from "./dom.js";

const svgNs = "http://www.w3.org/2000/svg";
const width = 96;
const height = 22;
const pad = 3;

export interface TrendPoint {
  /** The bucket's start, ms since the epoch. */
  t: number;
  value: number | undefined;
  /** Runs in the bucket. */
  runs: number;
}

/** Fewer points with a value than this: dots and a label instead of a line. */
export const minTrendPoints = 3;

/**
 * The trend of `points` over the window [from, to) (ms). `label` describes it for screen readers and the tooltip.
 * The element says what it drew: data-points (buckets with a value), data-runs, data-shape ("line" or "dots").
 */
export function trend(points: TrendPoint[], from: number, to: number, color: string, label: string): HTMLElement {
  const defined = points.filter((p): p is TrendPoint & { value: number } => p.value !== undefined).sort((a, b) => a.t - b.t);
  const runs = points.reduce((n, p) => n + p.runs, 0);
  const shape = defined.length >= minTrendPoints ? "line" : "dots";
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  const title = document.createElementNS(svgNs, "title");
  title.textContent = label;
  svg.appendChild(title);
  if (defined.length > 0) {
    const min = Math.min(...defined.map((p) => p.value));
    const max = Math.max(...defined.map((p) => p.value));
    const span = to - from || 1;
    const x = (t: number) => pad + (Math.min(Math.max(t, from), to) - from) / span * (width - 2 * pad);
    const y = (v: number) => (max === min ? height / 2 : height - pad - ((v - min) / (max - min)) * (height - 2 * pad));
    if (shape === "line") {
      const path = document.createElementNS(svgNs, "path");
      path.setAttribute("d", defined.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`).join(""));
      path.setAttribute("stroke", color);
      path.setAttribute("fill", "none");
      path.setAttribute("stroke-width", "1.5");
      path.setAttribute("stroke-linejoin", "round");
      svg.appendChild(path);
    }
    // Dots: every point when there is no line, else the newest (where the trend ends).
    for (const p of shape === "line" ? defined.slice(-1) : defined) {
      const dot = document.createElementNS(svgNs, "circle");
      dot.setAttribute("cx", x(p.t).toFixed(1));
      dot.setAttribute("cy", y(p.value).toFixed(1));
      dot.setAttribute("r", "2.5");
      dot.setAttribute("fill", color);
      svg.appendChild(dot);
    }
  }
  return h("span", { class: `trend ${shape}`, "data-points": defined.length, "data-runs": runs, "data-shape": shape, title: label },
    svg,
    shape === "dots" ? h("span", { class: "trend-text", "data-field": "trend-text" }, `${runs} run${runs === 1 ? "" : "s"}`) : null);
}
