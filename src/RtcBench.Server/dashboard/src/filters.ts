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
}

export const defaults: Filters = { platform: "", location: "", channel: "", hours: 24, bucket: "1h", metric: "p50", page: 0 };

export const hourChoices: [number, string][] = [[1, "1 h"], [6, "6 h"], [24, "24 h"], [168, "7 d"], [720, "30 d"], [2160, "90 d"]];
export const bucketChoices = ["5m", "15m", "1h", "6h", "1d"];
export const metricChoices = ["mean", "p50", "p95", "p99", "jitter", "loss"];
export const channelChoices = ["reliable", "lossy"];

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
  };
}

/** The query string for `filters`, defaults left out so URLs stay short. */
export function writeFilters(filters: Filters): string {
  const q = new URLSearchParams();
  for (const key of Object.keys(defaults) as (keyof Filters)[]) {
    if (filters[key] !== defaults[key]) q.set(key, String(filters[key]));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** The API's common filter parameters. */
export function apiFilter(filters: Filters): Record<string, string | number> {
  return { platform: filters.platform, location: filters.location, channel: filters.channel, hours: filters.hours };
}
