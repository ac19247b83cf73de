// Live refresh: the service's server-sent events (GET /api/events) say when a run was stored; the shell re-reads
// the view then, a burst of runs costing one refresh. When the stream is not open (no EventSource, a proxy that
// refuses it, the service restarting) the shell polls every 30 s as before, and retries the stream at each poll.

/** The data of an `event: run` (a run was stored for the first time). */
export interface RunEvent {
  run_id: string;
  platform: string;
  location?: string;
  channel: string;
  started_at: string;
  url: string;
}

/** "live": the stream is open; "polling": it is not (yet, or any more). */
export type LiveState = "live" | "polling";

export interface LiveFeed {
  state(): LiveState;
  /** Opens the stream again if it was closed for good (e.g. the service answered 503); called at each poll. */
  retry(): void;
}

/** Wait this long after the last event of a burst before refreshing… */
export const debounceMs = 1000;
/** …but never longer than this after its first event, so a steady stream of runs still shows… */
export const maxWaitMs = 5000;
/** …and never sooner than this after the previous refresh (each one re-runs the overview's comparisons). */
export const minGapMs = 5000;

export interface LiveHandlers {
  /** A burst of runs was stored (debounced: one call per burst). */
  onRuns: (events: RunEvent[]) => void;
  onState: (state: LiveState) => void;
  /** Each event as it arrives, before the debounce, with the count so far. */
  onReceived?: (count: number) => void;
}

export function connectLive({ onRuns, onState, onReceived }: LiveHandlers): LiveFeed {
  let received = 0;
  let source: EventSource | null = null;
  let current: LiveState = "polling";
  let pending: RunEvent[] = [];
  let firstAt: number | null = null;
  let timer: number | undefined;
  let lastFlushAt = -Infinity;

  const set = (state: LiveState) => {
    if (state === current) return;
    current = state;
    onState(state);
  };
  const flush = () => {
    timer = undefined;
    lastFlushAt = performance.now();
    const batch = pending;
    pending = [];
    firstAt = null;
    if (batch.length > 0) onRuns(batch);
  };
  const receive = (event: RunEvent) => {
    onReceived?.(++received);
    const now = performance.now();
    pending.push(event);
    firstAt ??= now;
    window.clearTimeout(timer);
    const settle = Math.min(debounceMs, firstAt + maxWaitMs - now);
    timer = window.setTimeout(flush, Math.max(0, settle, lastFlushAt + minGapMs - now));
  };
  const open = () => {
    if (typeof EventSource === "undefined") return;
    source = new EventSource("/api/events");
    source.addEventListener("open", () => set("live"));
    source.addEventListener("error", () => set("polling"));   // reconnecting (by itself) or closed for good
    source.addEventListener("run", (e) => {
      try {
        receive(JSON.parse((e as MessageEvent<string>).data) as RunEvent);
      } catch {
        // not our JSON: ignore the event, keep the stream
      }
    });
  };
  open();
  // A browser keeps ~6 HTTP/1.1 connections per host and each open stream holds one: a hidden tab lets its stream go
  // (so a few background tabs cannot starve the visible one's API reads) and opens it again when shown, which
  // re-reads the view (the shell refreshes on a reconnect).
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && source && source.readyState !== EventSource.CLOSED) {
      source.close();
      set("polling");
    } else if (document.visibilityState === "visible" && source?.readyState === EventSource.CLOSED) {
      open();
    }
  });
  return {
    state: () => current,
    retry: () => {
      if (document.visibilityState === "visible" && source?.readyState === EventSource.CLOSED) {
        source.close();
        open();
      }
    },
  };
}
