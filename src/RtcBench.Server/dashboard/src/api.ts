// Every read goes through here: the public query API only, JSON in, a readable error out.

/** A failed API call, with what the service said (ProblemDetails `detail`) when it said anything. */
export class ApiError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(status === 0 ? `${path}: ${detail}` : `${path}: HTTP ${status} ${detail}`);
  }
}

/** GETs `path` with `query` (empty values left out) and parses the JSON answer. */
export async function getJson<T>(path: string, query: Record<string, string | number | undefined> = {}, signal?: AbortSignal): Promise<T> {
  return (await getJsonWithHeaders<T>(path, query, signal)).body;
}

/** As {@link getJson}, with the answer's headers (e.g. RtcBench-Pings-Pruned-At on a run). */
export async function getJsonWithHeaders<T>(
  path: string,
  query: Record<string, string | number | undefined> = {},
  signal?: AbortSignal,
): Promise<{ body: T; headers: Headers }> {
  const url = withQuery(path, query);
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, signal: signal ?? null });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(url, 0, "the results service did not answer (is `rtcbench serve` running?)");
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = (await response.json()) as { detail?: string; title?: string };
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(url, response.status, detail);
  }
  return { body: (await response.json()) as T, headers: response.headers };
}

export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
