// The part of autocannon's API the benches use (the package ships no types).
declare module 'autocannon' {
  interface Stats {
    average: number;
    p99: number;
  }
  interface Result {
    requests: Stats & { total: number };
    latency: Stats;
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  function autocannon(opts: { url: string; connections?: number; duration?: number }): Promise<Result>;
  export default autocannon;
}
