// The dashboard shell: header, filters kept in the URL, a status line, live refresh (server-sent events, else
// polling every 30 s), and the current view.
import { ApiError, getJson } from "./api.js";
import { h, navLink } from "./dom.js";
import { renderFilters } from "./filterbar.js";
import { type Filters, readFilters, writeFilters } from "./filters.js";
import { clock } from "./format.js";
import { connectLive, type LiveState } from "./live.js";
import type { LocationSummary } from "./types.js";
import type { View, ViewContext } from "./view.js";
import { distribution } from "./views/distribution.js";
import { worldMap } from "./views/map.js";
import { overview } from "./views/overview.js";
import { pooled } from "./views/pooled.js";
import { runList } from "./views/runs.js";
import { runPage } from "./views/run.js";
import { timeseries } from "./views/timeseries.js";

/** How often the view re-reads the API while the tab is visible and the event stream is not open. */
const refreshMs = 30_000;

const views: { name: string; path: string; title: string; view: View; filters: (keyof Filters)[] }[] = [
  { name: "overview", path: "/", title: "overview", view: overview, filters: ["platform", "location", "channel", "hours"] },
  { name: "pooled", path: "/pooled", title: "across locations", view: pooled, filters: ["platform", "channel", "hours"] },
  { name: "timeseries", path: "/timeseries", title: "time series", view: timeseries, filters: ["platform", "location", "channel", "hours", "metric", "bucket"] },
  { name: "distribution", path: "/distribution", title: "distribution", view: distribution, filters: ["platform", "location", "channel", "hours"] },
  { name: "map", path: "/map", title: "map", view: worldMap, filters: ["platform", "channel", "hours"] },
  { name: "runs", path: "/runs", title: "runs", view: runList, filters: ["platform", "location", "channel", "outcome", "since", "until"] },
];

const main = document.getElementById("view")!;
const status = document.getElementById("status")!;
const nav = document.getElementById("nav")!;
const filterBar = document.getElementById("filters")!;
let generation = 0;
let inFlight: AbortController | null = null;
let timer: number | undefined;
/** "updated 12:34:56" of the last good render, kept while the live/polling suffix changes. */
let updated = "";
/** Whether the event stream has been open before: a reopening means events may have been missed. */
let wasLive = false;
const live = connectLive({
  onRuns,
  onState: onLiveState,
  onReceived: (count) => { document.body.dataset["liveEvents"] = String(count); },   // for tests and the curious
});
document.body.dataset["live"] = live.state();

function route(): { view: View; name: string; rest: string[]; filterKeys: (keyof Filters)[] } {
  const segments = location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (segments[0] === "runs" && segments.length > 1) {
    return { view: runPage, name: "run", rest: segments.slice(1), filterKeys: [] };
  }
  const match = views.find((v) => v.path === "/" + (segments[0] ?? "")) ?? views[0]!;
  return { view: match.view, name: match.name, rest: [], filterKeys: match.filters };
}

export async function render(): Promise<void> {
  const current = route();
  const filters = readFilters(location.search);
  const mine = ++generation;
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  window.clearTimeout(timer);
  document.body.dataset["view"] = current.name;
  renderNav(current.name, filters);
  if (!main.hasChildNodes() || main.dataset["state"] === "error") setState("loading", "loading…");
  else status.dataset["busy"] = "true";
  try {
    // The locations (for the filter lists) and the view's own data are fetched together.
    const context: ViewContext = { filters, rest: current.rest, signal: controller.signal };
    const locationsCall = getJson<{ locations: LocationSummary[] }>("/api/results/locations", {}, controller.signal);
    const viewCall = current.view(context);
    viewCall.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
    const locations = (await locationsCall).locations;
    renderFilters(filterBar, current.filterKeys, filters, locations, setFilter);
    if (locations.length === 0 && current.name !== "run") {
      if (mine !== generation) return;
      main.replaceChildren(noRunsYet());
      updated = `no runs yet · updated ${clock(new Date())}`;
      setState("empty", `${updated} · ${refreshWords()}`);
    } else {
      const result = await viewCall;
      if (mine !== generation) return;
      main.replaceChildren(result.node);
      result.mounted?.();
      updated = `updated ${clock(new Date())}`;
      setState(result.state, `${updated} · ${refreshWords()}`);
      // For bench/ (dashboard first render): when the first view with data was in the DOM, from navigation start.
      if (performance.getEntriesByName("rtcbench:first-render").length === 0) performance.mark("rtcbench:first-render");
    }
  } catch (e) {
    if (mine !== generation || controller.signal.aborted) return;
    main.replaceChildren(errorPanel(e));
    setState("error", `error · retrying every ${refreshMs / 1000} s · last try ${clock(new Date())}`);
  } finally {
    delete status.dataset["busy"];
  }
  if (mine === generation) schedulePoll();
}

/** Polls in 30 s unless the event stream is open and the view is fine (a failed view is retried either way). */
function schedulePoll(): void {
  window.clearTimeout(timer);
  if (route().name === "run" || (live.state() === "live" && main.dataset["state"] !== "error")) return;
  timer = window.setTimeout(() => {
    live.retry();
    whenVisible();
  }, refreshMs);
}

function whenVisible(): void {
  if (document.visibilityState === "visible") void render();
  else document.addEventListener("visibilitychange", () => void render(), { once: true });
}

/** Runs were stored (a burst arrives as one call): re-read the view; a run's own page never changes. */
function onRuns(): void {
  if (route().name !== "run") whenVisible();
}

function onLiveState(state: LiveState): void {
  document.body.dataset["live"] = state;
  if (main.dataset["state"] === "ready" || main.dataset["state"] === "empty") status.textContent = `${updated} · ${refreshWords()}`;
  if (state === "live" && wasLive && route().name !== "run") {
    whenVisible();   // reconnected: runs stored while the stream was down sent no event, so read once now
  } else {
    schedulePoll();  // polling starts, or stops now that the stream is open
  }
  if (state === "live") wasLive = true;
}

function refreshWords(): string {
  return live.state() === "live" ? "live" : `refreshes every ${refreshMs / 1000} s`;
}

function setState(state: string, text: string): void {
  main.dataset["state"] = state;
  document.body.dataset["state"] = state;
  status.textContent = text;
}

function renderNav(active: string, filters: Filters): void {
  const keep = writeFilters({ ...filters, page: 0 });
  nav.replaceChildren(
    ...views.map((v) => navLink(v.path + keep, v.title, { class: v.name === active || (active === "run" && v.name === "runs") ? "active" : undefined })),
  );
}

function setFilter(name: keyof Filters, value: string): void {
  const filters = readFilters(location.search) as unknown as Record<string, string | number>;
  filters[name] = name === "hours" ? Number(value) : value;
  if (name !== "page") filters["page"] = 0;
  history.pushState(null, "", location.pathname + writeFilters(filters as unknown as Filters));
  void render();
}

function noRunsYet(): HTMLElement {
  const store = `${location.origin}`;
  return h("section", { class: "notice", id: "empty" },
    h("h2", {}, "no runs yet"),
    h("p", {}, "This results service has no runs stored. Point a runner at it:"),
    h("pre", {}, `rtcbench quickstart --store ${store}\n# or, against your own agent:\nrtcbench run --agent http://AGENT:8080 --platform udp --location eu-west-1 --store ${store}`),
    h("p", {}, "This page refreshes by itself; the runs appear here as they arrive."));
}

function errorPanel(e: unknown): HTMLElement {
  const api = e instanceof ApiError ? e : null;
  const what = api ? (api.status === 0 ? api.detail : `HTTP ${api.status}: ${api.detail}`) : String(e);
  const hint = api?.status === 503
    ? "The service cannot reach its store (PostgreSQL or SQLite). Check the store; the service recovers by itself."
    : api?.status === 404
      ? "Not found: the link may point at a run that is not stored here."
      : api && api.status >= 400 && api.status < 500
        ? "The request was refused; reset the filters from the overview link above."
        : "Check that `rtcbench serve` is running and reachable (GET /health), then wait: this page retries by itself.";
  return h("section", { class: "notice error", id: "error", role: "alert" },
    h("h2", {}, "the results service did not answer"),
    h("p", { class: "what" }, what),
    api ? h("p", { class: "dim" }, `request: ${api.path}`) : null,
    h("p", {}, hint),
    h("button", { type: "button", onclick: () => void render() }, "retry now"));
}

document.addEventListener("click", (e) => {
  const link = (e.target as Element).closest?.("a[data-nav]") as HTMLAnchorElement | null;
  if (!link || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  history.pushState(null, "", link.href);
  window.scrollTo(0, 0);
  void render();
});
window.addEventListener("popstate", () => void render());
void render();
