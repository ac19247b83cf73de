// Time series: one metric per bucket per platform × location × channel (/api/results/timeseries), a chart with
// zoom (drag) and a hover legend, and the same numbers as a table.
import { getJson } from "../api.js";
import { axisStyle, plot, type PlotData, type PlotOptions } from "../chart.js";
import { platformColor } from "../colors.js";
import { h } from "../dom.js";
import { apiFilter } from "../filters.js";
import { ms, percent, time } from "../format.js";
import type { Series, TimeseriesResponse } from "../types.js";
import type { ViewContext, ViewResult } from "../view.js";

export async function timeseries({ filters, signal }: ViewContext): Promise<ViewResult> {
  const response = await getJson<TimeseriesResponse>("/api/results/timeseries",
    { ...apiFilter(filters), metric: filters.metric, bucket: filters.bucket }, signal);
  const isLoss = response.unit === "ratio";
  const show = (v: number | undefined) => (isLoss ? percent(v) : ms(v, 2));
  const toY = (v: number | undefined) => (v === undefined ? null : isLoss ? v * 100 : v / 1000);
  if (response.series.length === 0) {
    return { state: "empty", node: h("section", { class: "notice", id: "empty" },
      h("h2", {}, "no runs match"),
      h("p", {}, `No stored run matches these filters in the last ${filters.hours} h; widen the time range or clear a filter.`)) };
  }
  const series = [...response.series].sort((a, b) => label(a).localeCompare(label(b)));
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => Date.parse(p.t) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const data: PlotData = [times, ...series.map((s) => {
    const ys: (number | null)[] = new Array(times.length).fill(null);
    for (const p of s.points) ys[index.get(Date.parse(p.t) / 1000)!] = toY(p.value);
    return ys;
  })];
  const unit = isLoss ? "%" : "ms";
  const seen = new Map<string, number>();
  const options: Omit<PlotOptions, "width"> = {
    height: 320,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    axes: [{ ...axisStyle }, { ...axisStyle, label: `${response.metric} (${unit})`, labelSize: 18, size: 56 }],
    series: [{ label: "time" }, ...series.map((s) => {
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
    h("p", { class: "note" }, "Drag across the chart to zoom, double-click to reset. Buckets without runs are gaps. ",
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
