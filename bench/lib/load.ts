import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  /** The next request body; called once per request. */
  nextBody: () => string;
  headers?: Record<string, string>;
  durationSeconds: number;
  connections: number;
  /** A fixed arrival rate in requests per second; closed loop when absent. */
  overallRate?: number;
}

/** autocannon from this process (pinned to the load core), one worker. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.overallRate ? { overallRate: Math.max(1, Math.round(options.overallRate)) } : {}),
    requests: [{ setupRequest: (request: any) => ({ ...request, body: options.nextBody() }) }],
  });
  return {
    requestsPerSecond: result.requests.total / options.durationSeconds,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
