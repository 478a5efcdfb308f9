/** One autocannon run against a URL, reduced to what the request-rate benches compare. */
import autocannon from 'autocannon';

export interface Sample {
  rps: number;
  p99: number;
  /** Requests answered in the run. */
  total: number;
  /** Connection errors, timeouts and non-2xx answers together: any of them spoils the round. */
  errors: number;
}

export async function load(url: string, seconds: number, connections: number): Promise<Sample> {
  const r = await autocannon({ url, connections, duration: seconds });
  return {
    rps: r.requests.average,
    p99: r.latency.p99,
    total: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}
