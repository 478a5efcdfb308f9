/**
 * Bench (b): 100 instances of a tiny Node HTTP server (examples/http-echo.js), from the request
 * that starts them to every one answering on its port: Drover (`POST /v2/apps` with instances 100
 * to a running `drover up`) against PM2 (one ecosystem JSON of 100 apps, each with its own PORT0,
 * started through PM2's API on a running daemon). Each round runs Drover, PM2 with its defaults
 * (2 apps started at a time) and PM2 tuned (PM2_CONCURRENT_ACTIONS = instances), Drover first in
 * even rounds and last in odd ones; the result is the median of the per-round ratios drover/pm2
 * (and drover/pm2-tuned, reported) and their spread. Target (against PM2's defaults): <= 1.0.
 *
 *   npm run build && node --import tsx bench/start-100.bench.ts   # prints one JSON line
 *   BENCH_RUNS=5 BENCH_INSTANCES=100 (defaults)
 */
import { performance } from 'node:perf_hooks';
import { DroverProcess, repoRoot } from '../test/e2e/support/drover-process.js';
import { echoApp, removeApp, waitAppAnswering } from './support/drover-apps.js';
import { assertPortsFree, waitAllAnswering, waitPortsFree } from './support/endpoints.js';
import { machine } from './support/machine.js';
import { isMain, runAlone } from './support/main.js';
import { Pm2Peer } from './support/pm2-peer.js';
import { compare } from './support/stats.js';

/** Below the ephemeral range (32768-60999): no outgoing connection can hold one of these ports. */
const PM2_BASE_PORT = 24_000;
const TARGET_RATIO = 1.0;
const RUN_TIMEOUT_MS = 180_000;

export async function benchStart100(opts: { runs?: number; instances?: number } = {}) {
  const runs = opts.runs ?? Number(process.env.BENCH_RUNS ?? 5);
  const n = opts.instances ?? Number(process.env.BENCH_INSTANCES ?? 100);
  const before = machine();
  const ports = Array.from({ length: n }, (_, i) => PM2_BASE_PORT + i);
  await assertPortsFree('127.0.0.1', ports);

  const drover = await DroverProcess.start({ logLevel: 'warn' });
  const pm2 = new Pm2Peer(repoRoot);
  const droverMs: number[] = [];
  const pm2Ms: number[] = [];
  const pm2TunedMs: number[] = [];
  try {
    await pm2.connect();
    const apps = ports.map((port, i) => ({
      name: `echo-${i}`,
      script: 'examples/http-echo.js',
      env: { PORT0: String(port), MESSAGE: `echo-${i}` },
    }));
    for (let run = 0; run < runs; run++) {
      // Drover. A fresh app id per run, so no state (backoff, versions) carries over.
      const droverSide = async () => {
        const id = `/bench/start-${run}`;
        const t0 = performance.now();
        await drover.api.json('POST', '/v2/apps', echoApp(id, n), [201]);
        await waitAppAnswering(drover, id, n, RUN_TIMEOUT_MS);
        droverMs.push(performance.now() - t0);
        await removeApp(drover, id);
      };
      // PM2, the same script and the same number of processes.
      const pm2Side = async (into: number[], concurrentActions?: number) => {
        const t0 = performance.now();
        await pm2.startApps(apps, concurrentActions !== undefined ? { concurrentActions } : {});
        await waitAllAnswering(
          apps.map((a, i) => ({ host: '127.0.0.1', port: ports[i]!, accept: (x) => x.message === a.name })),
          RUN_TIMEOUT_MS,
        );
        into.push(performance.now() - t0);
        await pm2.deleteAll();
        await waitPortsFree('127.0.0.1', ports, 60_000);
      };
      const sides = [droverSide, () => pm2Side(pm2Ms), () => pm2Side(pm2TunedMs, n)];
      for (const side of run % 2 === 0 ? sides : [...sides].reverse()) await side();
    }
  } finally {
    await pm2.stop();
    await drover.stop('SIGTERM').catch(() => undefined);
    await drover.cleanup();
  }
  const c = compare(droverMs, pm2Ms);
  const tuned = compare(droverMs, pm2TunedMs);
  return {
    instances: n,
    ...c,
    pm2Tuned: { concurrentActions: n, ...tuned },
    targetRatio: TARGET_RATIO,
    met: c.medianRatio <= TARGET_RATIO,
    pm2: Pm2Peer.version(),
    machineBefore: before,
    loadavgAfter: machine().loadavg,
  };
}

if (isMain(import.meta.url)) await runAlone('start-100', () => benchStart100());
