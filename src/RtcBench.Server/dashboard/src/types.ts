// The public query API's answers (snake_case, latencies in µs), as far as the dashboard reads them.

export interface RunSummary {
  run_id: string;
  platform: string;
  channel: string;
  transport_mode?: string;
  location?: string;
  started_at: string;
  ended_at: string;
  outcome_status: string;
  sent: number;
  ok: number;
  lost: number;
  late: number;
  loss_rate: number;
  rtt_p50_us?: number;
  rtt_p95_us?: number;
  rtt_p99_us?: number;
}

export interface AggregateGroup {
  platform: string;
  location?: string;
  /** Only across locations (across_locations=true): the locations pooled; null for runs without one. */
  locations?: (string | null)[];
  channel: string;
  bucket_start: string;
  bucket_end: string;
  runs: number;
  sent: number;
  lost: number;
  late: number;
  loss?: number;
  count: number;
  mean_us?: number;
  p50_us?: number;
  p90_us?: number;
  p95_us?: number;
  p99_us?: number;
  jitter_us?: number;
}

export interface AggregatedResponse {
  method: string;
  method_note: string;
  since: string;
  until: string;
  bucket_seconds?: number;
  across_locations: boolean;
  groups: AggregateGroup[];
}

export interface SeriesPoint {
  t: string;
  value?: number;
  runs: number;
  count: number;
}

export interface Series {
  platform: string;
  location?: string;
  channel: string;
  points: SeriesPoint[];
}

export interface TimeseriesResponse {
  metric: string;
  unit: string;
  method: string;
  method_note: string;
  since: string;
  until: string;
  bucket_seconds: number;
  series: Series[];
}

export interface LocationSummary {
  location?: string;
  platform: string;
  runs: number;
  first_started_at: string;
  last_started_at: string;
}

export interface DifferenceEstimate {
  estimate: number;
  ci95_low: number;
  ci95_high: number;
}

export interface CompareResponse {
  a: { platform: string; runs: number; count: number; p50_us?: number };
  b: { platform: string; runs: number; count: number; p50_us?: number };
  location?: string;
  channel?: string;
  median_difference_us?: DifferenceEstimate;
  /** (a − b) / the slower median, with its CI: −0.144 = a is 14.4 % faster. */
  median_relative_difference?: DifferenceEstimate;
  p95_difference_us?: DifferenceEstimate;
  ci_method: string;
  test?: { name: string; p_value: number };
  alpha: number;
  winner: string | null;
  reason: string;
}

export interface RunListResponse {
  items: RunSummary[];
  total: number;
  limit: number;
  offset: number;
}

export interface PingResult {
  seq: number;
  status: string;
  scheduled_at: string;
  sent_at?: string;
  send_delay_us?: number;
  rtt_us?: number;
  net_rtt_us?: number;
}

export interface RunDocument {
  schema: string;
  run_id: string;
  tool_version: string;
  platform: string;
  channel: string;
  transport_mode?: string;
  location?: string;
  latitude?: number;
  longitude?: number;
  agent_location?: string;
  runner_host?: string;
  started_at: string;
  ended_at: string;
  config: Record<string, unknown>;
  outcome: { status: string; reason?: string };
  path?: Record<string, unknown> & { details?: Record<string, string> };
  stats: {
    sent: number;
    ok: number;
    lost: number;
    late?: number;
    loss_rate: number;
    rtt?: Record<string, number>;
    mean_abs_delta_rtt_us?: number;
  };
  pings: PingResult[];
}

export interface DistributionGroup {
  platform: string;
  location?: string;
  channel: string;
  runs: number;
  count: number;
  min_us?: number;
  max_us?: number;
  buckets: { low_us: number; high_us: number; count: number }[];
}

export interface DistributionResponse {
  since: string;
  until: string;
  relative_accuracy: number;
  groups: DistributionGroup[];
  method_note: string;
}
