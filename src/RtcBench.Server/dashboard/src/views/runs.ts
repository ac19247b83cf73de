// Run explorer: the stored runs newest first (/api/runs), filtered like the other views plus by outcome and by its
// own start-time range (since/until, applied by the service), 50 per page.
import { getJson } from "../api.js";
import { platformColor } from "../colors.js";
import { h, navLink } from "../dom.js";
import { writeFilters } from "../filters.js";
import { ms, percent, time } from "../format.js";
import type { RunListResponse } from "../types.js";
import type { ViewContext, ViewResult } from "../view.js";

export const pageSize = 50;

export async function runList({ filters, signal }: ViewContext): Promise<ViewResult> {
  const page = await getJson<RunListResponse>("/api/runs", {
    platform: filters.platform, location: filters.location, channel: filters.channel,
    outcome: filters.outcome, since: filters.since, until: filters.until,
    limit: pageSize, offset: filters.page * pageSize,
  }, signal);
  if (page.total === 0) {
    return { state: "empty", node: h("section", { class: "notice", id: "empty" },
      h("h2", {}, "no runs match"),
      h("p", {}, `No stored run matches these filters${range(filters.since, filters.until)}; clear a filter or widen the start-time range above.`)) };
  }
  const rows = page.items.map((r) => h("tr", { "data-run": r.run_id, "data-platform": r.platform },
    h("td", { class: "dim" }, navLink(`/runs/${encodeURIComponent(r.run_id)}`, time(r.started_at))),
    h("td", { class: "platform", style: `--accent:${platformColor(r.platform)}` }, h("span", { class: "dot" }), r.platform),
    h("td", {}, r.location ?? "—"),
    h("td", {}, r.channel),
    h("td", { class: `outcome ${r.outcome_status}` }, r.outcome_status),
    h("td", { class: "num" }, r.sent),
    h("td", { class: "num" }, percent(r.loss_rate)),
    h("td", { class: "num" }, r.late),
    h("td", { class: "num strong", "data-field": "p50" }, ms(r.rtt_p50_us)),
    h("td", { class: "num" }, ms(r.rtt_p95_us)),
    h("td", { class: "num" }, ms(r.rtt_p99_us))));
  const first = page.offset + 1;
  const last = page.offset + page.items.length;
  const pages = Math.ceil(page.total / pageSize);
  const pageLink = (n: number, text: string) => navLink(`/runs${writeFilters({ ...filters, page: n })}`, text, { class: "button" });
  const node = h("section", { id: "runs" },
    h("h2", {}, `runs${filters.outcome ? ` · ${filters.outcome}` : ""}${range(filters.since, filters.until)} · newest first · latency in ms`),
    h("div", { class: "table-wrap" }, h("table", { class: "grid" },
      h("thead", {}, h("tr", {}, ...["started", "platform", "location", "channel", "outcome", "sent", "loss", "late", "p50", "p95", "p99"].map((c, i) =>
        h("th", { class: i >= 5 ? "num" : undefined }, c)))),
      h("tbody", {}, ...rows))),
    h("nav", { class: "pager" },
      filters.page > 0 ? pageLink(filters.page - 1, "← newer") : null,
      h("span", { id: "page-info" }, `${first}–${last} of ${page.total} · page ${filters.page + 1} of ${pages}`),
      last < page.total ? pageLink(filters.page + 1, "older →") : null));
  return { state: "ready", node };
}

/** " · started 2026-11-21 11:00 → 12:00"-style words for the range, "" when open at both ends. */
function range(since: string, until: string): string {
  if (!since && !until) return "";
  if (!until) return ` · started from ${time(since)}`;
  if (!since) return ` · started before ${time(until)}`;
  return ` · started ${time(since)} → ${time(until)}`;
}
