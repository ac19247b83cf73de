// Distributions: the RTT CDF per platform × location × channel over the window, from the merged histograms of
// /api/results/distribution (log buckets within 1%, so every group shares the same bucket grid); a tooltip at the
// cursor gives each group's share at that RTT.
import { getJson } from "../api.js";
import { axisStyle, plot, type PlotData, type PlotOptions } from "../chart.js";
import { platformColor } from "../colors.js";
import { h } from "../dom.js";
import { apiFilter } from "../filters.js";
import { ms } from "../format.js";
import { tooltipPlugin } from "../tooltip.js";
import type { DistributionGroup, DistributionResponse } from "../types.js";
import type { ViewContext, ViewResult } from "../view.js";

export async function distribution({ filters, signal }: ViewContext): Promise<ViewResult> {
  const response = await getJson<DistributionResponse>("/api/results/distribution", apiFilter(filters), signal);
  const groups = response.groups.filter((g) => g.count > 0);
  if (groups.length === 0) {
    return { state: "empty", node: h("section", { class: "notice", id: "empty" },
      h("h2", {}, "no runs match"),
      h("p", {}, `No ok ping matches these filters in the last ${filters.hours} h; widen the time range or clear a filter.`)) };
  }
  const xs = [...new Set(groups.flatMap((g) => g.buckets.map((b) => b.high_us)))].sort((a, b) => a - b);
  const columns = groups.map((g) => {
    const ys: (number | null)[] = [];
    let at = 0;
    let below = 0;
    for (const x of xs) {
      while (at < g.buckets.length && g.buckets[at]!.high_us <= x) below += g.buckets[at++]!.count;
      ys.push((100 * below) / g.count);
    }
    return ys;
  });
  const data: PlotData = [xs.map((x) => x / 1000), ...columns];
  const options: Omit<PlotOptions, "width"> = {
    height: 340,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false, distr: 3 }, y: { range: [0, 100] } },
    axes: [{ ...axisStyle, label: "RTT (ms, log scale)", labelSize: 18 }, { ...axisStyle, label: "pings ≤ RTT (%)", labelSize: 18, size: 56 }],
    series: [
      { label: "RTT (ms)", value: (_u: unknown, v: number | null) => (v === null ? "—" : v.toFixed(2)) },
      ...groups.map((g) => ({
        label: `${g.platform} · ${g.location ?? "—"} · ${g.channel}`,
        stroke: platformColor(g.platform),
        width: 2,
        points: { show: false },
        value: (_u: unknown, v: number | null) => (v === null ? "—" : `${v.toFixed(1)}%`),
      })),
    ],
    plugins: [tooltipPlugin((_u, idx) => {
      const x = data[0][idx];
      if (x === undefined) return null;
      return {
        title: `share of ok pings with RTT ≤ ${x.toFixed(2)} ms`,
        rows: groups.map((g, i) => ({
          color: platformColor(g.platform), label: `${g.platform} · ${g.location ?? "—"} · ${g.channel}`,
          value: (columns[i]![idx] ?? 0).toFixed(1), unit: "%",
        })),
      };
    })],
  };
  const chartBox = h("div", { class: "chart", id: "distribution-chart" });
  const rows = groups.map((g) => h("tr", { "data-platform": g.platform, "data-location": g.location ?? "", "data-channel": g.channel },
    h("td", { class: "platform", style: `--accent:${platformColor(g.platform)}` }, h("span", { class: "dot" }), g.platform),
    h("td", {}, g.location ?? "—"),
    h("td", {}, g.channel),
    h("td", { class: "num", "data-field": "runs" }, g.runs),
    h("td", { class: "num", "data-field": "count" }, g.count),
    h("td", { class: "num" }, ms(g.min_us, 2)),
    h("td", { class: "num strong", "data-field": "p50" }, ms(quantile(g, 0.5), 2)),
    h("td", { class: "num", "data-field": "p90" }, ms(quantile(g, 0.9), 2)),
    h("td", { class: "num", "data-field": "p99" }, ms(quantile(g, 0.99), 2)),
    h("td", { class: "num" }, ms(g.max_us, 2))));
  const node = h("section", { id: "distribution" },
    h("h2", {}, `RTT distribution · last ${filters.hours} h · ms`),
    chartBox,
    h("p", { class: "note" },
      `Cumulative share of ok pings at or below each RTT, from each group's merged run histograms (buckets within ${(response.relative_accuracy * 100).toFixed(0)}%). `,
      "Quantiles below are read from the same histograms as the overview's (rank ⌊q·(n − 1)⌋, within 1%). Drag to zoom."),
    h("div", { class: "table-wrap" }, h("table", { class: "grid" },
      h("thead", {}, h("tr", {}, ...["platform", "location", "channel", "runs", "ok pings", "min", "p50", "p90", "p99", "max"].map((c, i) =>
        h("th", { class: i >= 3 ? "num" : undefined }, c)))),
      h("tbody", {}, ...rows))));
  return { state: "ready", node, mounted: () => void plot(options, data, chartBox) };
}

/**
 * The quantile as the service reads a merged histogram (LogHistogram.Quantile): rank ⌊q·(n − 1)⌋; the min and max
 * at the ends; otherwise the representative value of the bucket holding the rank (2·low·high / (low + high), within
 * 1% of every value in it), clamped to min..max.
 */
export function quantile(g: DistributionGroup, q: number): number | undefined {
  if (g.count === 0 || g.min_us === undefined || g.max_us === undefined) return undefined;
  const rank = Math.floor(q * (g.count - 1));
  if (rank <= 0) return g.min_us;
  if (rank >= g.count - 1) return g.max_us;
  let seen = 0;
  for (const b of g.buckets) {
    seen += b.count;
    if (seen > rank) {
      const value = b.low_us <= 0 ? 0 : (2 * b.low_us * b.high_us) / (b.low_us + b.high_us);
      return Math.min(Math.max(value, g.min_us), g.max_us);
    }
  }
  return g.max_us;
}
