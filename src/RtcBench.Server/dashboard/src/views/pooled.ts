// Across locations: per platform × channel, every location's runs pooled by the service (/api/results/aggregated
// ?across_locations=true: histograms merged, never averaged percentiles), with the locations each row pools, a p50
// trend, and the faster platform per channel with how much faster, from /api/results/compare without a location
// (which pools every location's pings), shown only when significant.
import { getJson } from "../api.js";
import { platformColor } from "../colors.js";
import { h, navLink } from "../dom.js";
import { apiFilter, defaults, writeFilters } from "../filters.js";
import { ms, percent } from "../format.js";
import type { AggregatedResponse, AggregateGroup, CompareResponse } from "../types.js";
import { fasterBadge } from "../verdict.js";
import type { ViewContext, ViewResult } from "../view.js";
import { sparkBucket, trendCell } from "./overview.js";

const key = (g: { platform: string; channel: string }) => `${g.platform}|${g.channel}`;

export async function pooled({ filters, signal }: ViewContext): Promise<ViewResult> {
  const query = { ...apiFilter(filters), location: "", across_locations: "true" };
  const [whole, buckets] = await Promise.all([
    getJson<AggregatedResponse>("/api/results/aggregated", query, signal),
    getJson<AggregatedResponse>("/api/results/aggregated", { ...query, bucket: sparkBucket(filters.hours) }, signal),
  ]);
  if (whole.groups.length === 0) {
    return { state: "empty", node: h("section", { class: "notice", id: "empty" },
      h("h2", {}, "no runs match"),
      h("p", {}, `No stored run matches these filters in the last ${filters.hours} h; widen the time range or clear a filter.`)) };
  }
  const groups = [...whole.groups].sort((a, b) => a.channel.localeCompare(b.channel) || (a.p50_us ?? Infinity) - (b.p50_us ?? Infinity));
  const trends = new Map<string, AggregateGroup[]>();
  for (const g of buckets.groups) trends.set(key(g), [...(trends.get(key(g)) ?? []), g]);
  const rows = groups.map((g) => {
    const places = g.locations ?? [];
    const names = places.map((l) => l ?? "(no location)");
    return h("tr", { "data-platform": g.platform, "data-channel": g.channel },
      h("td", { class: "platform", style: `--accent:${platformColor(g.platform)}` }, h("span", { class: "dot" }), g.platform),
      h("td", { "data-field": "channel" }, g.channel),
      h("td", { class: "num", "data-field": "locations", title: names.join(", ") }, places.length),
      h("td", { class: "dim places", "data-field": "location-names" }, names.join(", ")),
      h("td", { class: "num", "data-field": "runs" }, g.runs),
      h("td", { class: "num", "data-field": "count" }, g.count),
      h("td", { class: "num strong", "data-field": "p50" }, ms(g.p50_us)),
      h("td", { class: "num", "data-field": "p95" }, ms(g.p95_us)),
      h("td", { class: "num", "data-field": "p99" }, ms(g.p99_us)),
      h("td", { class: "num", "data-field": "loss" }, percent(g.loss)),
      h("td", { class: "num", "data-field": "jitter" }, ms(g.jitter_us, 2)),
      h("td", { class: "spark-cell", "data-field": "trend" }, trendCell(buckets, trends.get(key(g)) ?? [], platformColor(g.platform))));
  });
  const compareStatus = h("span", { id: "compare-status" }, "comparing platforms…");
  const node = h("section", { id: "pooled", "data-compared": "false" },
    h("div", { class: "view-head" },
      h("h2", {}, `across locations · last ${filters.hours} h · latency in ms`),
      navLink("/" + writeFilters({ ...defaults, platform: filters.platform, channel: filters.channel, hours: filters.hours }),
        "← per location", { id: "to-overview", class: "button" })),
    h("div", { class: "table-wrap" },
      h("table", { class: "grid" },
        h("thead", {}, h("tr", {},
          ...["platform", "channel", "locations", "", "runs", "ok pings", "p50", "p95", "p99", "loss", "jitter", "p50 trend"].map((c, i) =>
            h("th", { class: (i >= 4 && i <= 10) || i === 2 ? "num" : undefined }, c)))),
        h("tbody", {}, ...rows))),
    h("p", { class: "note" }, compareStatus, " ",
      "Each row pools the runs of every location (and of runs stored without one) for that platform and channel: ",
      "the service merges their histograms, so p50/p95/p99 are of all their pings together, never an average of the ",
      "locations' percentiles; loss = Σlost / Σsent. ",
      h("code", {}, "GET /api/results/aggregated?across_locations=true"), " gives the same figures. ",
      "★ x % faster: per channel, the lower median of the two fastest platforms, by how much relative to the slower one ",
      "with its 95% CI, from ", h("code", {}, "/api/results/compare"), " over every location's pings; shown only when significant. ",
      `Figures: ${whole.method} — ${whole.method_note}`));
  const mounted = () => {
    compareFastest(groups, filters.hours, signal, (c) => {
      const badge = fasterBadge(c);
      if (!c.winner || !badge) return;
      const row = node.querySelector<HTMLTableRowElement>(`tr[data-platform="${CSS.escape(c.winner)}"][data-channel="${CSS.escape(c.channel ?? "")}"]`);
      row?.classList.add("winner");
      row?.cells[0]?.append(badge);
    }).then(
      (n) => { compareStatus.textContent = `${n} comparison${n === 1 ? "" : "s"}.`; node.dataset["compared"] = "true"; },
      (e: unknown) => { if (!signal.aborted) compareStatus.textContent = `comparisons failed (${e instanceof Error ? e.message : String(e)}); no mark shown.`; });
  };
  return { state: "ready", node, mounted };
}

/** Per channel with two or more platforms: compare the two with the lowest pooled p50, over every location. */
async function compareFastest(groups: AggregateGroup[], hours: number, signal: AbortSignal, mark: (c: CompareResponse) => void): Promise<number> {
  const byChannel = new Map<string, AggregateGroup[]>();
  for (const g of groups) {
    if (g.p50_us === undefined) continue;
    byChannel.set(g.channel, [...(byChannel.get(g.channel) ?? []), g]);
  }
  const pairs = [...byChannel.values()].filter((list) => list.length >= 2);
  await Promise.all(pairs.map(async (list) => {
    const [a, b] = [...list].sort((x, y) => x.p50_us! - y.p50_us!);
    mark(await getJson<CompareResponse>("/api/results/compare", { a: a!.platform, b: b!.platform, channel: a!.channel, hours }, signal));
  }));
  return pairs.length;
}
