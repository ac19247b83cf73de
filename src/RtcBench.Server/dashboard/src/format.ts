// Numbers as people read them: latencies in ms, loss in %, times in local time.

export function ms(us: number | undefined | null, digits = 1): string {
  return us === undefined || us === null ? "—" : (us / 1000).toFixed(digits);
}

export function percent(ratio: number | undefined | null): string {
  return ratio === undefined || ratio === null ? "—" : `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.001 ? 3 : 1)}%`;
}

export function time(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** HH:MM:SS.mmm in local time, for one ping. */
export function wallClock(iso: string): string {
  const d = new Date(iso);
  return `${clock(d)}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

export function clock(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function pValue(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
