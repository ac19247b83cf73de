// The filter bar: one control per filter the current view uses; a change is written to the URL by the caller.
import { h } from "./dom.js";
import {
  bucketChoices, channelChoices, type Filters, fromLocalInput, hourChoices, metricChoices, outcomeChoices, toLocalInput,
} from "./filters.js";
import type { LocationSummary } from "./types.js";

/** Called with the filter's name and its new value as the URL keeps it. */
export type FilterChange = (name: keyof Filters, value: string) => void;

export function renderFilters(bar: HTMLElement, keys: (keyof Filters)[], filters: Filters, locations: LocationSummary[], change: FilterChange): void {
  // A refresh (live or polled) must not wipe a time the viewer is typing: while a control has focus, keep the bar.
  const keysNow = keys.join(",");
  if (bar.dataset["keys"] === keysNow && bar.contains(document.activeElement) && document.activeElement instanceof HTMLInputElement) return;
  bar.dataset["keys"] = keysNow;
  const platforms = [...new Set(locations.map((l) => l.platform))].sort();
  const places = [...new Set(locations.map((l) => l.location).filter((l): l is string => !!l))].sort();
  const pairs = (values: string[]) => values.map((v): [string, string] => [v, v]);
  const controls: Partial<Record<keyof Filters, () => HTMLElement>> = {
    platform: () => select("platform", "platform", filters.platform, [["", "all platforms"], ...pairs(platforms)], change),
    location: () => select("location", "location", filters.location, [["", "all locations"], ...pairs(places)], change),
    channel: () => select("channel", "channel", filters.channel, [["", "both channels"], ...pairs(channelChoices)], change),
    hours: () => select("hours", "last", String(filters.hours), hourChoices.map(([n, label]): [string, string] => [String(n), label]), change),
    metric: () => select("metric", "metric", filters.metric, pairs(metricChoices), change),
    bucket: () => select("bucket", "bucket", filters.bucket, pairs(bucketChoices), change),
    outcome: () => select("outcome", "outcome", filters.outcome, [["", "every outcome"], ...pairs(outcomeChoices)], change),
    since: () => time("since", "started from", filters.since, change),
    until: () => time("until", "to", filters.until, change),
  };
  bar.replaceChildren(...keys.map((k) => controls[k]?.()).filter((c): c is HTMLElement => !!c));
}

function select(name: keyof Filters, label: string, value: string, options: [string, string][], change: FilterChange): HTMLElement {
  if (value && !options.some(([v]) => v === value)) options.push([value, value]);
  const control = h("select", { name, id: `filter-${name}`, onchange: (e: Event) => change(name, (e.target as HTMLSelectElement).value) },
    ...options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  return h("label", { class: "filter" }, h("span", {}, label), control);
}

/** A start-time bound, entered in the viewer's local time and kept in the URL as ISO 8601 UTC; empty = open. */
function time(name: keyof Filters, label: string, value: string, change: FilterChange): HTMLElement {
  const control = h("input", {
    type: "datetime-local", name, id: `filter-${name}`, value: toLocalInput(value), step: 60,
    title: "local time; the URL keeps it in UTC. Clear it for an open end.",
    onchange: (e: Event) => {
      const input = e.target as HTMLInputElement;
      if (input.value === "" || input.validity.valid) change(name, fromLocalInput(input.value));
    },
  });
  return h("label", { class: "filter" }, h("span", {}, label), control);
}
