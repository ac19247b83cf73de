// One run (/api/runs/{id}): headline figures, every ping as an RTT-over-time scatter (lost and late marked),
// configuration and path details, and the pings as a table. Hovering the scatter shows the ping under the cursor.
// A run whose raw pings were deleted by retention (header RtcBench-Pings-Pruned-At) says so, with when; its
// figures then come from the stored statistics.
import { getJsonWithHeaders } from "../api.js";
import { axisStyle, plot, type PlotData, type PlotOptions } from "../chart.js";
import { platformColor } from "../colors.js";
import { h, navLink } from "../dom.js";
import { ms, percent, time, wallClock } from "../format.js";
import { tooltipPlugin } from "../tooltip.js";
import type { RunDocument } from "../types.js";
import type { ViewContext, ViewResult } from "../view.js";

const lostColor = "#ff4d4d";
const lateColor = "#ffb000";

export async function runPage({ rest, signal }: ViewContext): Promise<ViewResult> {
  const id = rest.join("/");
  const { body: run, headers } = await getJsonWithHeaders<RunDocument>(`/api/runs/${encodeURIComponent(id)}`, {}, signal);
  const prunedAt = headers.get("RtcBench-Pings-Pruned-At");
  const start = Date.parse(run.started_at);
  const pings = run.pings;
  const at = (iso: string) => (Date.parse(iso) - start) / 1000;
  const rtts = pings.map((p) => p.rtt_us).filter((v): v is number => v !== undefined && v !== null);
  const top = rtts.length ? (Math.max(...rtts) / 1000) * 1.08 : 1;
  const count = (status: "ok" | "lost" | "late") => (prunedAt ? (run.stats[status] ?? 0) : pings.filter((p) => p.status === status).length);
  const data: PlotData = [
    pings.map((p) => at(p.scheduled_at)),
    pings.map((p) => (p.status === "ok" && p.rtt_us != null ? p.rtt_us / 1000 : null)),
    pings.map((p) => (p.status === "late" ? (p.rtt_us != null ? p.rtt_us / 1000 : top) : null)),
    pings.map((p) => (p.status === "lost" ? top : null)),
  ];
  const color = platformColor(run.platform);
  const options: Omit<PlotOptions, "width"> = {
    height: 300,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false } },
    axes: [{ ...axisStyle, label: "seconds since start", labelSize: 18 }, { ...axisStyle, label: "RTT (ms)", labelSize: 18, size: 56 }],
    series: [
      { label: "t (s)", value: (_u: unknown, v: number | null) => (v === null ? "—" : v.toFixed(2)) },
      { label: "ok", stroke: color, paths: () => null, points: { show: true, size: 4, fill: color, stroke: color } },
      { label: "late", stroke: lateColor, paths: () => null, points: { show: true, size: 7, fill: lateColor, stroke: lateColor } },
      { label: "lost (at top)", stroke: lostColor, paths: () => null, points: { show: true, size: 7, fill: "#0b0f14", stroke: lostColor, width: 2 } },
    ],
    plugins: [tooltipPlugin((_u, idx) => {
      const p = pings[idx];
      if (!p) return null;
      const answered = p.rtt_us !== undefined && p.rtt_us !== null;
      const tone = p.status === "lost" ? lostColor : p.status === "late" ? lateColor : color;
      return {
        title: `${run.platform} · seq ${p.seq} · ${p.status}`,
        rows: [
          { color: tone, label: "RTT", value: answered ? ms(p.rtt_us, 3) : "—", unit: answered ? "ms" : "no answer",
            extra: answered && p.net_rtt_us != null ? [["net RTT", ms(p.net_rtt_us, 3)]] : undefined },
          { label: "scheduled", value: `+${at(p.scheduled_at).toFixed(3)}`, unit: `s · ${wallClock(p.scheduled_at)}` },
        ],
      };
    })],
  };
  const chartBox = h("div", { class: "chart", id: "run-chart" });
  const stats = run.stats.rtt ?? {};
  const figures: [string, string, string][] = [
    ["sent", String(run.stats.sent), "sent"],
    ["ok", String(count("ok")), "ok"],
    ["lost", String(count("lost")), "lost"],
    ["late", String(count("late")), "late"],
    ["loss", percent(run.stats.loss_rate), "loss"],
    ["p50", ms(stats["p50_us"], 2), "p50"],
    ["p95", ms(stats["p95_us"], 2), "p95"],
    ["p99", ms(stats["p99_us"], 2), "p99"],
    ["jitter", ms(run.stats.mean_abs_delta_rtt_us, 2), "jitter"],
  ];
  const node = h("section", { id: "run" },
    h("p", {}, navLink("/runs", "← all runs")),
    h("h2", { style: `--accent:${color}` }, h("span", { class: "dot" }), `${run.platform} · ${run.location ?? "no location"} · ${run.channel}`),
    h("p", { class: "dim" }, `${run.run_id} · ${time(run.started_at)} → ${time(run.ended_at)} · outcome `,
      h("span", { class: `outcome ${run.outcome.status}`, id: "run-outcome" }, run.outcome.status), run.outcome.reason ? ` (${run.outcome.reason})` : ""),
    h("div", { class: "figures" }, ...figures.map(([name, value, field]) =>
      h("div", { class: "figure" }, h("span", { class: "dim" }, name), h("strong", { "data-field": field }, value)))),
    prunedAt
      ? h("p", { class: "notice pruned", id: "run-pruned", "data-pruned-at": prunedAt },
        `pings pruned at ${time(prunedAt)}: the raw pings of this run were deleted by ping retention; its statistics, histogram and aggregates are kept`)
      : null,
    h("p", { class: "dim" }, "latencies in ms"),
    chartBox,
    h("div", { class: "columns" },
      details("configuration", "config", run.config),
      details("path", "path", { transport_mode: run.transport_mode, ...(run.path ?? {}), details: undefined, ...(run.path?.details ?? {}) }),
      details("runner", "runner", { runner_host: run.runner_host, location: run.location, latitude: run.latitude, longitude: run.longitude, agent_location: run.agent_location, tool_version: run.tool_version, schema: run.schema })),
    h("details", { id: "pings" },
      h("summary", {}, prunedAt ? "every ping (pruned)" : `every ping (${pings.length})`),
      h("div", { class: "table-wrap" }, h("table", { class: "grid" },
        h("thead", {}, h("tr", {}, ...["seq", "status", "scheduled (s)", "send delay (µs)", "RTT (ms)", "net RTT (ms)"].map((c, i) => h("th", { class: i === 1 ? undefined : "num" }, c)))),
        h("tbody", {}, ...pings.map((p) => h("tr", { "data-seq": p.seq, class: p.status },
          h("td", { class: "num" }, p.seq), h("td", {}, p.status), h("td", { class: "num" }, at(p.scheduled_at).toFixed(3)),
          h("td", { class: "num" }, p.send_delay_us == null ? "—" : p.send_delay_us.toFixed(0)),
          h("td", { class: "num" }, ms(p.rtt_us, 3)), h("td", { class: "num" }, ms(p.net_rtt_us, 3)))))))));
  return { state: "ready", node, mounted: () => void plot(options, data, chartBox) };
}

function details(title: string, id: string, values: Record<string, unknown>): HTMLElement {
  const entries = Object.entries(values).filter(([, v]) => v !== undefined && v !== null && typeof v !== "object");
  return h("div", { class: "panel", id }, h("h3", {}, title),
    entries.length === 0 ? h("p", { class: "dim" }, "not recorded") :
      h("dl", {}, ...entries.flatMap(([k, v]) => [h("dt", {}, k.replaceAll("_", " ")), h("dd", {}, String(v))])));
}
