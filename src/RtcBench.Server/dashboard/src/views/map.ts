// World map: each location placed by its runs' --lat/--lon or, failing that, the built-in region table; coloured by
// the significantly faster platform there (per /api/results/compare, as on the overview), which says on hover by how
// much ("udp is 14.4 % faster than janus", with its CI); a panel with the figures on click.
import { getJson } from "../api.js";
import { platformColor } from "../colors.js";
import { h, navLink } from "../dom.js";
import { apiFilter, defaults, writeFilters } from "../filters.js";
import { ms, percent } from "../format.js";
import { regions } from "../regions.js";
import { topologyPath } from "../topo.js";
import type { AggregatedResponse, AggregateGroup, CompareResponse, RunDocument, RunSummary } from "../types.js";
import { fasterBadge, fasterBy, fasterSentence } from "../verdict.js";
import type { ViewContext, ViewResult } from "../view.js";
import { compareLeaders } from "./overview.js";

const width = 1000;
const north = 85;
const south = -60;
const height = Math.round((width * (north - south)) / 360);
const svgNs = "http://www.w3.org/2000/svg";
const noWinner = "#8a94a6";

const project = (lon: number, lat: number): [number, number] =>
  [((lon + 180) / 360) * width, ((north - Math.max(south, Math.min(north, lat))) / (north - south)) * height];

let land: Promise<string> | null = null;

export async function worldMap({ filters, signal }: ViewContext): Promise<ViewResult> {
  land ??= getJson<Parameters<typeof topologyPath>[0]>("/assets/vendor/land-110m.json").then((t) => topologyPath(t, "land", project, width));
  const [whole, latest, outline] = await Promise.all([
    getJson<AggregatedResponse>("/api/results/aggregated", apiFilter(filters), signal),
    getJson<{ runs: RunSummary[] }>("/api/results/latest", { channel: filters.channel }, signal),
    land,
  ]);
  const groups = whole.groups.filter((g) => g.location !== undefined);
  if (groups.length === 0) {
    return { state: "empty", node: h("section", { class: "notice", id: "empty" },
      h("h2", {}, "no runs match"), h("p", {}, `No run with a location matches these filters in the last ${filters.hours} h.`)) };
  }
  const places = [...new Set(groups.map((g) => g.location!))].sort();
  // A run's own coordinates win: read the newest run document of each location (one per location).
  const coordinates = new Map<string, { lat: number; lon: number; source: string }>();
  await Promise.all(places.map(async (place) => {
    const newest = latest.runs.filter((r) => r.location === place).sort((a, b) => b.started_at.localeCompare(a.started_at))[0];
    const run = newest ? await getJson<RunDocument>(`/api/runs/${encodeURIComponent(newest.run_id)}`, {}, signal) : null;
    if (run?.latitude != null && run.longitude != null) coordinates.set(place, { lat: run.latitude, lon: run.longitude, source: "the runs' --lat/--lon" });
    else if (regions[place]) coordinates.set(place, { lat: regions[place]![0], lon: regions[place]![1], source: "the built-in region table" });
  }));

  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "world");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "locations on a world map");
  const landPath = document.createElementNS(svgNs, "path");
  landPath.setAttribute("d", outline);
  landPath.setAttribute("class", "land");
  svg.appendChild(landPath);
  const panel = h("div", { class: "panel", id: "location-panel" }, h("p", { class: "dim" }, "Click a location for its figures."));
  const verdicts = new Map<string, CompareResponse[]>();
  const sites = new Map<string, SVGGElement>();
  for (const place of places) {
    const at = coordinates.get(place);
    if (!at) continue;
    const [x, y] = project(at.lon, at.lat);
    const site = document.createElementNS(svgNs, "g");
    site.setAttribute("class", "site");
    site.setAttribute("data-location", place);
    site.setAttribute("data-lat", String(at.lat));
    site.setAttribute("data-lon", String(at.lon));
    site.setAttribute("tabindex", "0");
    site.innerHTML = `<title></title><circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="7"></circle><text x="${(x + 10).toFixed(1)}" y="${(y + 4).toFixed(1)}"></text>`;
    site.querySelector("title")!.textContent = place;
    site.querySelector("text")!.textContent = place;
    site.querySelector("circle")!.setAttribute("fill", noWinner);
    const open = () => showPanel(panel, place, at.source, groups.filter((g) => g.location === place), verdicts.get(place) ?? [], filters);
    site.addEventListener("click", open);
    site.addEventListener("keydown", (e) => { if ((e as KeyboardEvent).key === "Enter") open(); });
    svg.appendChild(site);
    sites.set(place, site);
  }
  const unplaced = places.filter((p) => !coordinates.has(p));
  const node = h("section", { id: "map", "data-compared": "false" },
    h("h2", {}, `locations · last ${filters.hours} h · coloured by the significantly faster platform`),
    h("div", { class: "map-wrap" }, svg),
    h("p", { class: "note", id: "map-legend" },
      ...[...new Set(groups.map((g) => g.platform))].sort().map((p) => h("span", { class: "legend-item", style: `--accent:${platformColor(p)}` }, h("span", { class: "dot" }), p)),
      h("span", { class: "legend-item", style: `--accent:${noWinner}` }, h("span", { class: "dot" }), "no significant winner / one platform")),
    unplaced.length ? h("p", { class: "note", id: "unplaced" }, `Not placed (unknown id, no --lat/--lon on their runs): ${unplaced.join(", ")}.`) : null,
    panel);
  const mounted = () => {
    void compareLeaders(whole.groups, filters.hours, signal, (c, location) => {
      verdicts.set(location, [...(verdicts.get(location) ?? []), c]);
      const winners = new Set((verdicts.get(location) ?? []).map((v) => v.winner));
      const site = sites.get(location);
      // The hover text: the place, then per channel compared, who is faster and by how much (or that no one is).
      site?.querySelector("title")?.replaceChildren([location, ...(verdicts.get(location) ?? []).map(verdictLine)].join("\n"));
      const leads = (verdicts.get(location) ?? []).map(fasterBy).filter((f) => f !== null);
      if (leads.length > 0) site?.setAttribute("data-faster", leads.map(fasterSentence).join("; "));
      if (site && winners.size === 1 && !winners.has(null)) {
        site.setAttribute("data-winner", c.winner!);
        site.querySelector("circle")!.setAttribute("fill", platformColor(c.winner!));
      } else site?.removeAttribute("data-winner");
    }).then(() => { node.dataset["compared"] = "true"; }, () => undefined);
  };
  return { state: "ready", node, mounted };
}

/** "lossy: udp is 33.3 % faster than janus (95% CI …)", or why there is no winner. */
function verdictLine(c: CompareResponse): string {
  const f = fasterBy(c);
  return `${c.channel ?? "both channels"}: ${f ? fasterSentence(f) : `${c.a.platform} vs ${c.b.platform}, no significant difference`}`;
}

function showPanel(panel: HTMLElement, place: string, source: string, rows: AggregateGroup[], verdicts: CompareResponse[], filters: ViewContext["filters"]): void {
  panel.replaceChildren(
    h("h3", {}, place),
    h("p", { class: "dim" }, `placed by ${source}`),
    h("table", { class: "grid" },
      h("thead", {}, h("tr", {}, ...["platform", "channel", "runs", "p50 ms", "p95 ms", "loss"].map((c, i) => h("th", { class: i >= 2 ? "num" : undefined }, c)))),
      h("tbody", {}, ...rows.map((g) => h("tr", { "data-platform": g.platform, "data-channel": g.channel },
        h("td", { class: "platform", style: `--accent:${platformColor(g.platform)}` }, h("span", { class: "dot" }), g.platform,
          ...verdicts.filter((v) => v.winner === g.platform && v.channel === g.channel).map(fasterBadge)),
        h("td", {}, g.channel),
        h("td", { class: "num" }, g.runs),
        h("td", { class: "num strong", "data-field": "p50" }, ms(g.p50_us)),
        h("td", { class: "num" }, ms(g.p95_us)),
        h("td", { class: "num" }, percent(g.loss)))))),
    ...(verdicts.length ? [h("ul", { class: "verdicts" }, ...verdicts.map((v) => h("li", { "data-channel": v.channel ?? "", "data-field": "verdict" }, verdictLine(v))))] : []),
    h("p", {}, navLink("/" + writeFilters({ ...defaults, ...filters, location: place, page: 0 }), `overview for ${place} →`)));
}
