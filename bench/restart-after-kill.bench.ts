/**
 * Bench (c): kill -9 of a supervised Node HTTP server to a new one answering on the same port.
 * Drover: one instance of examples/http-echo.js with `backoffSeconds: 0` and a fixed port
 * (`requirePorts`), so the replacement answers where the killed one did; PM2: the same script
 * with PM2's default autorestart. Each round kills the process that answers (the pid it reports),
 * then probes the port every 10 ms until a different pid answers. Rounds alternate Drover, PM2;
 * the result is the median of the per-pair ratios drover/pm2. Target: <= 1.0.
 *
 *   npm run build && node --import tsx bench/restart-after-kill.bench.ts   # one JSON line
 *   BENCH_KILLS=10 (default)
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { DroverProcess, repoRoot } from '../test/e2e/support/drover-process.js';
import { echo } from '../test/e2e/support/http-json.js';
import { echoApp, removeApp, waitAppAnswering } from './support/drover-apps.js';
import { assertPortsFree, waitAllAnswering } from './support/endpoints.js';
import { machine } from './support/machine.js';
import { isMain, runAlone } from './support/main.js';
import { Pm2Peer } from './support/pm2-peer.js';
import { compare } from './support/stats.js';

/** Inside agent 1's range (25000-25999), so only that agent can take it: same host every time. */
const DROVER_PORT = 25_777;
/** Below the ephemeral range (32768-60999): no outgoing connection can hold it. */
const PM2_PORT = 24_500;
const TARGET_RATIO = 1.0;
const ROUND_TIMEOUT_MS = 60_000;

/** Kills whatever answers on host:port and times until another process answers there. */
async function killAndTime(host: string, port: number): Promise<number> {
  const victim = await echo(host, port);
  const t0 = performance.now();
  process.kill(victim.pid, 'SIGKILL');
  const deadline = Date.now() + ROUND_TIMEOUT_MS;
  for (;;) {
    const a = await echo(host, port, 1_000).catch(() => undefined);
    if (a && a.pid !== victim.pid) return performance.now() - t0;
    if (Date.now() > deadline)
      throw new Error(`nothing new answered on ${host}:${port} in ${ROUND_TIMEOUT_MS} ms`);
    await delay(10);
  }
}

export async function benchRestartAfterKill(opts: { kills?: number } = {}) {
  const kills = opts.kills ?? Number(process.env.BENCH_KILLS ?? 10);
  const before = machine();
  await assertPortsFree('127.0.0.1', [DROVER_PORT, PM2_PORT]);
  const drover = await DroverProcess.start({ logLevel: 'warn' });
  const pm2 = new Pm2Peer(repoRoot);
  const droverMs: number[] = [];
  const pm2Ms: number[] = [];
  try {
    await pm2.connect();
    const id = '/bench/kill';
    await drover.api.json(
      'POST',
      '/v2/apps',
      echoApp(id, 1, { portDefinitions: [{ port: DROVER_PORT }], requirePorts: true }),
      [201],
    );
    await waitAppAnswering(drover, id, 1, ROUND_TIMEOUT_MS);
    await pm2.startApps([
      { name: 'echo-kill', script: 'examples/http-echo.js', env: { PORT0: String(PM2_PORT) } },
    ]);
    await waitAllAnswering([{ host: '127.0.0.1', port: PM2_PORT }], ROUND_TIMEOUT_MS);

    for (let round = 0; round < kills; round++) {
      droverMs.push(await killAndTime('127.0.0.1', DROVER_PORT));
      pm2Ms.push(await killAndTime('127.0.0.1', PM2_PORT));
      // PM2 counts a restart within min_uptime (1 s) as unstable and gives up after 15; keep
      // every process up for longer than that before it is killed again (on both sides).
      await delay(1_100);
    }
    const [pm2App] = await pm2.list();
    await removeApp(drover, id);
    const c = compare(droverMs, pm2Ms);
    return {
      kills,
      ...c,
      targetRatio: TARGET_RATIO,
      met: c.medianRatio <= TARGET_RATIO,
      pm2Restarts: pm2App?.pm2_env.restart_time,
      pm2: Pm2Peer.version(),
      machineBefore: before,
      loadavgAfter: machine().loadavg,
    };
  } finally {
    await pm2.stop();
    await drover.stop('SIGTERM').catch(() => undefined);
    await drover.cleanup();
  }
}

if (isMain(import.meta.url)) await runAlone('restart-after-kill', () => benchRestartAfterKill());
