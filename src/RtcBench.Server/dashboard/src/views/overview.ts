// Overview: per platform × location × channel, the window's p50/p95/p99, loss and jitter (merged histograms, never
// averaged percentiles), a p50 trend, the last run, and the faster platform per location and channel with how much
// faster (the median difference relative to the slower one, with its CI), marked only when /api/results/compare
// finds the difference significant. A link leads to the same figures pooled across locations (/pooled).
import { getJson } from "../api.js";
import { platformColor } from "../colors.js";
import { h, navLink } from "../dom.js";
import { apiFilter, writeFilters, defaults } from "../filters.js";
import { ms, percent, time } from "../format.js";
import { trend } from "../sparkline.js";
import type { AggregatedResponse, AggregateGroup, CompareResponse, RunSummary } from "../types.js";
import { fasterBadge } from "../verdict.js";
import type { ViewContext, ViewResult } from "../view.js";

/** Sparkline bucket for a window: about 12–30 points. */
export function sparkBucket(hours: number): string {
  return hours <= 1 ? "5m" : hours <= 6 ? "15m" : hours <= 24 ? "1h" : hours <= 168 ? "6h" : "1d";
}

const key = (g: { platform: string; location?: string; channel: string }) => `${g.platform}|${g.location ?? ""}|${g.channel}`;

/** The trend cell of a group from the bucketed answer: p50 per bucket, placed in the window. */
export function trendCell(buckets: AggregatedResponse, groups: AggregateGroup[], color: string): HTMLElement {
  const size = (buckets.bucket_seconds ?? 3600) * 1000;
  const from = Math.floor(Date.parse(buckets.since) / size) * size;
  const points = groups.map((b) => ({ t: Date.parse(b.bucket_start), value: b.p50_us, runs: b.runs }));
  const runs = points.reduce((n, p) => n + p.runs, 0);
  const label = `p50 per ${sparkBucketName(buckets.bucket_seconds)}: ${points.map((p) => ms(p.value)).join(", ")} ms (${runs} run${runs === 1 ? "" : "s"})`;
  return trend(points, from, Date.parse(buckets.until), color, label);
}

function sparkBucketName(seconds: number | undefined): string {
  const s = seconds ?? 3600;
  return s % 86400 === 0 ? `${s / 86400}d` : s % 3600 === 0 ? `${s / 3600}h` : `${s / 60}m`;
}

export async function overview({ filters, signal }: ViewContext): Promise<ViewResult> {
  const query = apiFilter(filters);
  const [whole, buckets, latest] = await Promise.all([
    getJson<AggregatedResponse>("/api/results/aggregated", query, signal),
    getJson<AggregatedResponse>("/api/results/aggregated", { ...query, bucket: sparkBucket(filters.hours) }, signal),
    getJson<{ runs: RunSummary[] }>("/api/results/latest", { channel: filters.channel }, signal),
  ]);
  if (whole.groups.length === 0) {
    return { state: "empty", node: noMatch(filters.hours) };
  }
  const groups = [...whole.groups].sort((a, b) =>
    (a.location ?? "").localeCompare(b.location ?? "") || a.channel.localeCompare(b.channel) || (a.p50_us ?? Infinity) - (b.p50_us ?? Infinity));
  const trends = new Map<string, AggregateGroup[]>();
  for (const g of buckets.groups) trends.set(key(g), [...(trends.get(key(g)) ?? []), g]);
  const lastRun = new Map(latest.runs.map((r) => [`${r.platform}|${r.location ?? ""}`, r]));

  const rows = groups.map((g) => {
    const last = lastRun.get(`${g.platform}|${g.location ?? ""}`);
    return h("tr", { "data-platform": g.platform, "data-location": g.location ?? "", "data-channel": g.channel },
      h("td", { class: "platform", style: `--accent:${platformColor(g.platform)}` }, h("span", { class: "dot" }), g.platform),
      h("td", { "data-field": "location" }, g.location ?? "—"),
      h("td", { "data-field": "channel" }, g.channel),
      h("td", { class: "num", "data-field": "runs" }, g.runs),
      h("td", { class: "num strong", "data-field": "p50" }, ms(g.p50_us)),
      h("td", { class: "num", "data-field": "p95" }, ms(g.p95_us)),
      h("td", { class: "num", "data-field": "p99" }, ms(g.p99_us)),
      h("td", { class: "num", "data-field": "loss" }, percent(g.loss)),
      h("td", { class: "num", "data-field": "jitter" }, ms(g.jitter_us, 2)),
      h("td", { class: "spark-cell", "data-field": "trend" }, trendCell(buckets, trends.get(key(g)) ?? [], platformColor(g.platform))),
      h("td", { class: "dim", "data-field": "last" }, last ? navLink(`/runs/${encodeURIComponent(last.run_id)}`, time(last.started_at)) : "—"));
  });

  const compareStatus = h("span", { id: "compare-status" }, "comparing platforms…");
  const node = h("section", { id: "overview", "data-compared": "false" },
    h("div", { class: "view-head" },
      h("h2", {}, `last ${filters.hours} h · latency in ms`),
      navLink("/pooled" + writeFilters({ ...defaults, platform: filters.platform, channel: filters.channel, hours: filters.hours }),
        "pooled across locations →", { id: "to-pooled", class: "button" })),
    h("div", { class: "table-wrap" },
      h("table", { class: "grid" },
        h("thead", {}, h("tr", {},
          ...["platform", "location", "channel", "runs", "p50", "p95", "p99", "loss", "jitter", `p50 trend`, "last run"].map((c, i) =>
            h("th", { class: i >= 3 && i <= 8 ? "num" : undefined }, c)))),
        h("tbody", {}, ...rows))),
    h("p", { class: "note" }, compareStatus, " ",
      `★ x % faster: the lower median of the two fastest platforms at that location and channel, by how much it is `,
      `lower relative to the slower one, with its 95% bootstrap CI; shown only when `,
      h("code", {}, "/api/results/compare"),
      ` finds the difference significant (Mann–Whitney p < α and the CI of the median difference excludes 0). `,
      `Hover for the medians' difference and the p-value. `,
      `Figures: ${whole.method} — ${whole.method_note}`));
  // The figures are shown at once; the significance marks follow as each comparison answers (they pool pings, so
  // they are the slowest calls). data-compared="true" once all have answered.
  const mark = (c: CompareResponse, location: string, channel: string) => {
    const badge = fasterBadge(c);
    if (!c.winner || !badge) return;
    const row = node.querySelector<HTMLTableRowElement>(`tr[data-platform="${CSS.escape(c.winner)}"][data-location="${CSS.escape(location)}"][data-channel="${CSS.escape(channel)}"]`);
    row?.classList.add("winner");
    row?.cells[0]?.append(badge);
  };
  const mounted = () => {
    compareLeaders(groups, filters.hours, signal, mark).then(
      (n) => { compareStatus.textContent = `${n} comparison${n === 1 ? "" : "s"}.`; node.dataset["compared"] = "true";
        if (performance.getEntriesByName("rtcbench:compared").length === 0) performance.mark("rtcbench:compared"); },
      (e: unknown) => { if (!signal.aborted) compareStatus.textContent = `comparisons failed (${e instanceof Error ? e.message : String(e)}); no mark shown.`; });
  };
  return { state: "ready", node, mounted };
}

/** Per location × channel with two or more platforms: compare the two with the lowest p50; returns how many. */
export async function compareLeaders(groups: AggregateGroup[], hours: number, signal: AbortSignal,
  mark: (c: CompareResponse, location: string, channel: string) => void): Promise<number> {
  const byPlace = new Map<string, AggregateGroup[]>();
  for (const g of groups) {
    if (g.location === undefined || g.p50_us === undefined) continue; // compare cannot select "no location"
    const k = `${g.location}|${g.channel}`;
    byPlace.set(k, [...(byPlace.get(k) ?? []), g]);
  }
  const pairs = [...byPlace.values()].filter((list) => list.length >= 2);
  await Promise.all(pairs.map(async (list) => {
    const [a, b] = [...list].sort((x, y) => x.p50_us! - y.p50_us!);
    const verdict = await getJson<CompareResponse>("/api/results/compare",
      { a: a!.platform, b: b!.platform, location: a!.location, channel: a!.channel, hours }, signal);
    mark(verdict, a!.location!, a!.channel);
  }));
  return pairs.length;
}

function noMatch(hours: number): HTMLElement {
  return h("section", { class: "notice", id: "empty" },
    h("h2", {}, "no runs match"),
    h("p", {}, `No stored run matches these filters in the last ${hours} h.`),
    h("p", {}, "Widen the time range, or ", navLink("/" + writeFilters({ ...defaults, hours: 720 }), "clear the filters (last 30 d)"), "."));
}
