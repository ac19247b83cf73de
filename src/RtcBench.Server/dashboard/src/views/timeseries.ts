// Time series: one metric per bucket per platform × location × channel (/api/results/timeseries), a chart of the
// whole window with ticks that follow the bucket (src/timeaxis.ts), zoom (drag), a tooltip at the cursor (value and
// p50–p95 band per line) and a hover legend, and the same numbers as a table.
import { getJson } from "../api.js";
import { axisStyle, plot, type PlotData, type PlotOptions } from "../chart.js";
import { platformColor } from "../colors.js";
import { h } from "../dom.js";
import { apiFilter } from "../filters.js";
import { ms, percent, time } from "../format.js";
import { timeAxis } from "../timeaxis.js";
import { tooltipPlugin, type TooltipRow } from "../tooltip.js";
import type { Series, TimeseriesResponse } from "../types.js";
import type { ViewContext, ViewResult } from "../view.js";

/** Bands are drawn for latency metrics when the chart has at most this many lines (more would be a blur). */
export const maxBandSeries = 8;

export async function timeseries({ filters, signal }: ViewContext): Promise<ViewResult> {
  const query = { ...apiFilter(filters), bucket: filters.bucket };
  const wantsBand = !["loss", "jitter"].includes(filters.metric);
  const [response, p50, p95] = await Promise.all([
    getJson<TimeseriesResponse>("/api/results/timeseries", { ...query, metric: filters.metric }, signal),
    wantsBand ? getJson<TimeseriesResponse>("/api/results/timeseries", { ...query, metric: "p50" }, signal) : null,
    wantsBand ? getJson<TimeseriesResponse>("/api/results/timeseries", { ...query, metric: "p95" }, signal) : null,
  ]);
  const isLoss = response.unit === "ratio";
  const show = (v: number | undefined) => (isLoss ? percent(v) : ms(v, 2));
  const toY = (v: number | undefined) => (v === undefined ? null : isLoss ? v * 100 : v / 1000);
  if (response.series.length === 0) {
    return { state: "empty", node: h("section", { class: "notice", id: "empty" },
      h("h2", {}, "no runs match"),
      h("p", {}, `No stored run matches these filters in the last ${filters.hours} h; widen the time range or clear a filter.`)) };
  }
  const series = [...response.series].sort((a, b) => label(a).localeCompare(label(b)));
  // The x axis spans the whole window, from the start of its first bucket to its end, whatever the data covers:
  // both ends are x values without data (gaps), so the first draw, a reset (double-click) and the ticks agree.
  const bucketSec = response.bucket_seconds;
  const since = Date.parse(response.since) / 1000;
  const windowStart = Math.floor(since / bucketSec) * bucketSec;
  const windowEnd = Date.parse(response.until) / 1000;
  const times = [...new Set([windowStart, windowEnd, ...series.flatMap((s) => s.points.map((p) => Date.parse(p.t) / 1000))])]
    .sort((a, b) => a - b);
  const xAxis = timeAxis(bucketSec, axisStyle);
  const index = new Map(times.map((t, i) => [t, i]));
  const column = (points: { t: string; value?: number }[]) => {
    const ys: (number | null)[] = new Array(times.length).fill(null);
    for (const p of points) {
      const i = index.get(Date.parse(p.t) / 1000);
      if (i !== undefined) ys[i] = toY(p.value);
    }
    return ys;
  };
  const same = (a: Series) => (b: Series) => a.platform === b.platform && a.location === b.location && a.channel === b.channel;
  const banded = p50 !== null && p95 !== null && series.length <= maxBandSeries;
  const bandColumns = banded
    ? series.flatMap((s) => [column(p95.series.find(same(s))?.points ?? []), column(p50.series.find(same(s))?.points ?? [])])
    : [];
  const data: PlotData = [times, ...series.map((s) => column(s.points)), ...bandColumns];
  const unit = isLoss ? "%" : "ms";
  const seen = new Map<string, number>();
  const options: Omit<PlotOptions, "width"> = {
    height: 320,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    axes: [xAxis.axis, { ...axisStyle, label: `${response.metric} (${unit})`, labelSize: 18, size: 56 }],
    series: [{ label: "time", value: (_u: unknown, v: number | null) => (v === null ? "—" : time(new Date(v * 1000).toISOString())) }, ...series.map((s) => {
      const n = seen.get(s.platform) ?? 0;
      seen.set(s.platform, n + 1);
      return {
        label: label(s),
        stroke: platformColor(s.platform),
        width: 2,
        dash: n === 0 ? undefined : [6, 4 * n],
        spanGaps: false,
        points: { show: true, size: 5 },
        value: (_u: unknown, v: number | null) => (v === null ? "—" : `${v.toFixed(2)} ${unit}`),
      };
    }), ...series.flatMap((s) => [
      { label: `${label(s)} p95`, stroke: platformColor(s.platform) + "55", width: 1, spanGaps: false, points: { show: false } },
      { label: `${label(s)} p50`, stroke: platformColor(s.platform) + "55", width: 1, spanGaps: false, points: { show: false } },
    ]).slice(0, bandColumns.length)],
    bands: series.slice(0, bandColumns.length / 2).map((s, i) => ({
      series: [series.length + 1 + (2 * i), series.length + 2 + (2 * i)] as [number, number],
      fill: platformColor(s.platform) + "22",
    })),
    legend: { show: true },
    plugins: [xAxis.plugin, tooltipPlugin((_u, idx) => {
      const at = times[idx];
      if (at === undefined) return null;
      const rows = series.flatMap((s, i): TooltipRow[] => {
        const value = data[i + 1]![idx];
        if (value === null || value === undefined) return [];
        const p95y = banded ? data[series.length + 1 + (2 * i)]![idx] : null;
        const p50y = banded ? data[series.length + 2 + (2 * i)]![idx] : null;
        return [{
          color: platformColor(s.platform), label: label(s), value: value.toFixed(2), unit,
          extra: p50y != null && p95y != null ? [["p50", p50y.toFixed(2)], ["p95", p95y.toFixed(2)]] : undefined,
        }];
      });
      return { title: `${time(new Date(at * 1000).toISOString())} · ${response.metric} per ${filters.bucket}`, rows };
    })],
  };
  const chartBox = h("div", { class: "chart", id: "timeseries-chart" });
  const rows = series.map((s) => {
    const values = s.points.map((p) => p.value).filter((v): v is number => v !== undefined);
    const last = s.points[s.points.length - 1];
    return h("tr", { "data-platform": s.platform, "data-location": s.location ?? "", "data-channel": s.channel },
      h("td", { class: "platform", style: `--accent:${platformColor(s.platform)}` }, h("span", { class: "dot" }), s.platform),
      h("td", {}, s.location ?? "—"),
      h("td", {}, s.channel),
      h("td", { class: "num", "data-field": "points" }, s.points.length),
      h("td", { class: "num strong", "data-field": "last" }, show(last?.value)),
      h("td", { class: "num", "data-field": "min" }, values.length ? show(Math.min(...values)) : "—"),
      h("td", { class: "num", "data-field": "max" }, values.length ? show(Math.max(...values)) : "—"),
      h("td", { class: "dim" }, last ? time(last.t) : "—"));
  });
  const node = h("section", { id: "timeseries" },
    h("h2", {}, `${response.metric} per ${filters.bucket} · last ${filters.hours} h · ${unit}`),
    chartBox,
    h("p", { class: "note", id: "band-note" },
      banded ? "Shaded: each line's p50–p95 band. " : wantsBand ? `p50–p95 bands are drawn for up to ${maxBandSeries} lines: filter to see them. ` : "",
      "Drag across the chart to zoom, double-click to reset. Buckets without runs are gaps. ",
      `${response.method}: ${response.method_note}`),
    h("div", { class: "table-wrap" }, h("table", { class: "grid" },
      h("thead", {}, h("tr", {}, ...["platform", "location", "channel", "buckets", `last (${unit})`, "min", "max", "last bucket"].map((c, i) =>
        h("th", { class: i >= 3 && i <= 6 ? "num" : undefined }, c)))),
      h("tbody", {}, ...rows))));
  return { state: "ready", node, mounted: () => void plot(options, data, chartBox) };
}

function label(s: Series): string {
  return `${s.platform} · ${s.location ?? "—"} · ${s.channel}`;
}
