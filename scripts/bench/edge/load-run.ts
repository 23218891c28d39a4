import autocannon from 'autocannon';

/** One HTTP request shape the load generator repeats. */
export interface LoadTarget {
  readonly url: string;
  readonly contentType: string;
  readonly body: string | Buffer;
}

/** What one autocannon run measured. */
export interface LoadSample {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers. */
  readonly errors: number;
  readonly requests: number;
}

/** Concurrent connections, as in the reference figures. */
export const CONNECTIONS = 8;

/** Drives `target` with autocannon over loopback for `seconds`. */
export async function runLoad(target: LoadTarget, seconds: number): Promise<LoadSample> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': target.contentType },
    body: target.body,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    requests: result.requests.total,
  };
}
