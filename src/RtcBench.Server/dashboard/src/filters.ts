// The view's filters live in the URL's query string, so every view can be shared and reloaded as it is.

export interface Filters {
  platform: string;
  location: string;
  channel: string;
  /** Window [now − hours, now) on the service's clock. */
  hours: number;
  /** Time-series bucket, e.g. 1h. */
  bucket: string;
  /** Time-series metric: mean, p50, p95, p99, jitter or loss. */
  metric: string;
  /** Run explorer page (0-based). */
  page: number;
  /** Run explorer: outcome status (ok, partial, failed), or "" for every outcome. */
  outcome: string;
  /** Run explorer's own time range on the run's start, ISO 8601 UTC: since inclusive, until exclusive; "" = open. */
  since: string;
  until: string;
}

export const defaults: Filters = {
  platform: "", location: "", channel: "", hours: 24, bucket: "1h", metric: "p50", page: 0, outcome: "", since: "", until: "",
};

export const hourChoices: [number, string][] = [[1, "1 h"], [6, "6 h"], [24, "24 h"], [168, "7 d"], [720, "30 d"], [2160, "90 d"]];
export const bucketChoices = ["5m", "15m", "1h", "6h", "1d"];
export const metricChoices = ["mean", "p50", "p95", "p99", "jitter", "loss"];
export const channelChoices = ["reliable", "lossy"];
/** The outcome statuses of the result schema (docs/result-schema.md). */
export const outcomeChoices = ["ok", "partial", "failed"];

export function readFilters(search: string): Filters {
  const q = new URLSearchParams(search);
  const hours = Number(q.get("hours"));
  const page = Number(q.get("page"));
  const metric = q.get("metric") ?? "";
  const bucket = q.get("bucket") ?? "";
  return {
    platform: q.get("platform") ?? "",
    location: q.get("location") ?? "",
    channel: q.get("channel") ?? "",
    hours: Number.isInteger(hours) && hours >= 1 && hours <= 8784 ? hours : defaults.hours,
    bucket: /^\d+[mhd]$/.test(bucket) ? bucket : defaults.bucket,
    metric: metricChoices.includes(metric) ? metric : defaults.metric,
    page: Number.isInteger(page) && page > 0 ? page : 0,
    outcome: outcomeChoices.includes(q.get("outcome") ?? "") ? q.get("outcome")! : "",
    since: isoTime(q.get("since")),
    until: isoTime(q.get("until")),
  };
}

/** A time from the URL as ISO 8601 UTC to the second (2026-11-21T11:00:00Z), or "" when absent or unreadable. */
export function isoTime(text: string | null | undefined): string {
  if (!text) return "";
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? "" : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** ISO 8601 → the value of an <input type="datetime-local"> (the viewer's local time, to the minute). */
export function toLocalInput(iso: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The value of an <input type="datetime-local"> (local time) → ISO 8601 UTC, "" when empty. */
export function fromLocalInput(value: string): string {
  return value ? isoTime(new Date(value).toISOString()) : "";
}

/** The query string for `filters`, defaults left out so URLs stay short. */
export function writeFilters(filters: Filters): string {
  const q = new URLSearchParams();
  for (const key of Object.keys(defaults) as (keyof Filters)[]) {
    if (filters[key] !== defaults[key]) q.set(key, String(filters[key]));
  }
  const text = q.toString().replaceAll("%3A", ":");   // times stay readable: since=2026-11-21T11:00:00Z
  return text ? `?${text}` : "";
}

/** The API's common filter parameters. */
export function apiFilter(filters: Filters): Record<string, string | number> {
  return { platform: filters.platform, location: filters.location, channel: filters.channel, hours: filters.hours };
}
