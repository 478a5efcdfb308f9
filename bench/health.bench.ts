/**
 * Bench (issue 3), health checks on real processes under `drover up`:
 *
 * (a) rolling upgrade of 20 http-echo instances with 1 s HTTP health checks, while a load loop
 *     hits every routable task's port directly (test/e2e/support/load-loop.ts): wall time from the
 *     PUT to 20 new, healthy tasks and no old one, and the number of failed direct requests. Run
 *     with the default kill drain (DEFAULT_KILL_DRAIN_MS) and with `--kill-drain-ms 0`, to show what the
 *     drain buys.
 * (b) time from a health endpoint turning bad (its $UNHEALTHY_FILE appears) to the replacement
 *     answering, with interval 1 s and maxConsecutiveFailures 3, with the app's default backoff
 *     (1 s) and with backoffSeconds 0. Target: <= interval x failures + 1 s. The endpoint turns bad at a random point between two
 *     probes, so the kill comes (failures - 1) to failures intervals later; then the launch
 *     backoff, then node's start-up.
 *
 *   npm run build && node --import tsx bench/health.bench.ts     # prints one JSON line
 *   BENCH_INSTANCES=20 BENCH_RUNS=5 (defaults)
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { DEFAULT_KILL_DRAIN_MS } from '../src/domain/kill-timing.js';
import { DroverProcess } from '../test/e2e/support/drover-process.js';
import { echo } from '../test/e2e/support/http-json.js';
import { LoadLoop, type LoadStats, type LoopTask, routable } from '../test/e2e/support/load-loop.js';
import { TINY } from './support/drover-apps.js';
import { machine } from './support/machine.js';
import { median, round } from './support/stats.js';

const INTERVAL_S = 1;
const FAILURES = 3;
const TARGET_REPLACEMENT_MS = INTERVAL_S * FAILURES * 1000 + 1000;
const TIMEOUT_MS = 180_000;

const healthCheck = {
  protocol: 'HTTP',
  path: '/health',
  portIndex: 0,
  gracePeriodSeconds: 30,
  intervalSeconds: INTERVAL_S,
  // Longer than the interval: on a loaded machine a slow answer must not count as a failure.
  timeoutSeconds: 3,
  maxConsecutiveFailures: FAILURES,
};

function echoWithHealth(id: string, instances: number, message: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    cmd: 'UNHEALTHY_FILE="$MESOS_SANDBOX/unhealthy" exec node examples/http-echo.js',
    instances,
    ...TINY,
    env: { MESSAGE: message },
    healthChecks: [healthCheck],
    ...extra,
  };
}

async function tasksOf(drover: DroverProcess, appId: string): Promise<LoopTask[]> {
  return (await drover.api.get<{ tasks: LoopTask[] }>(`/v2/apps${appId}/tasks`)).tasks;
}

async function until<T>(what: string, fn: () => Promise<T | false | undefined>, pollMs = 20): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`bench: ${what} not reached within ${TIMEOUT_MS} ms`);
    await delay(pollMs);
  }
}

/** The kill grace of the bench apps (they set no taskKillGracePeriodSeconds). */

export interface RollingResult {
  /** The drain each killed task got before SIGTERM. */
  killDrainMs: number;
  instances: number;
  wallMs: number;
  stats: LoadStats;
}

/** (a) One rolling upgrade under load on a fresh `drover up`. */
export async function benchRollingUpgrade(
  opts: { instances?: number; killDrainMs?: number } = {},
): Promise<RollingResult> {
  const n = opts.instances ?? Number(process.env.BENCH_INSTANCES ?? 20);
  const drainArgs = opts.killDrainMs === undefined ? [] : ['--kill-drain-ms', String(opts.killDrainMs)];
  const drover = await DroverProcess.start({ logLevel: 'warn', args: drainArgs });
  const id = '/bench/rolling';
  try {
    await drover.api.json('POST', '/v2/apps', echoWithHealth(id, n, 'v1'), [201]);
    await until(`${n} healthy v1 tasks`, async () => {
      const ts = await tasksOf(drover, id);
      return ts.length === n && ts.every(routable);
    });
    const load = await LoadLoop.start(drover.api, id);
    const t0 = performance.now();
    const { version } = await drover.api.json<{ version: string }>(
      'PUT',
      `/v2/apps${id}`,
      echoWithHealth(id, n, 'v2'),
    );
    await until('every task replaced and healthy', async () => {
      const ts = await tasksOf(drover, id);
      return ts.length === n && ts.every((t) => routable(t) && t.version === version);
    });
    const wallMs = performance.now() - t0;
    // A little more load on the new tasks only, so late failures would show.
    await delay(500);
    const stats = await load.stop();
    // Without the flag the master's default drain applies (domain/kill-timing.ts).
    const drained = opts.killDrainMs ?? DEFAULT_KILL_DRAIN_MS;
    return { killDrainMs: drained, instances: n, wallMs: round(wallMs, 0), stats };
  } finally {
    await drover.stop('SIGTERM').catch(() => undefined);
    await drover.cleanup();
  }
}

function sandboxOf(dataDir: string, taskId: string): string {
  const agents = join(dataDir, 'agents');
  for (const agent of readdirSync(agents)) {
    const dir = join(agents, agent, 'sandboxes', taskId);
    if (existsSync(dir)) return dir;
  }
  throw new Error(`no sandbox for ${taskId}`);
}

/** (b) Bad endpoint -> replacement answering, `runs` times (a fresh app each, so backoff starts at 1 s). */
export async function benchUnhealthyReplacement(opts: { runs?: number; backoffSeconds?: number } = {}) {
  const runs = opts.runs ?? Number(process.env.BENCH_RUNS ?? 5);
  const backoffSeconds = opts.backoffSeconds ?? 1;
  const drover = await DroverProcess.start({ logLevel: 'warn' });
  const times: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const id = `/bench/unhealthy-${run}`;
      await drover.api.json(
        'POST',
        '/v2/apps',
        echoWithHealth(id, 1, `run ${run}`, { backoffSeconds }),
        [201],
      );
      const [victim] = await until('a healthy task', async () => {
        const ts = await tasksOf(drover, id);
        return ts.length === 1 && ts.every(routable) ? ts : false;
      });
      // Somewhere between two probes, as a real failure would be.
      await delay(Math.random() * INTERVAL_S * 1000);
      const t0 = performance.now();
      writeFileSync(join(sandboxOf(drover.dataDir, victim!.id), 'unhealthy'), '');
      await until(
        'the replacement answering',
        async () => {
          const ts = await tasksOf(drover, id);
          for (const t of ts) {
            if (t.id === victim!.id || t.state !== 'TASK_RUNNING') continue;
            const a = await echo(t.host, t.ports[0]!, 500).catch(() => undefined);
            if (a?.task === t.id) return true;
          }
          return false;
        },
        10,
      );
      times.push(performance.now() - t0);
      await drover.api.json('DELETE', `/v2/apps${id}`);
    }
  } finally {
    await drover.stop('SIGTERM').catch(() => undefined);
    await drover.cleanup();
  }
  return {
    runs,
    intervalSeconds: INTERVAL_S,
    maxConsecutiveFailures: FAILURES,
    backoffSeconds,
    timesMs: times.map((x) => round(x, 0)),
    medianMs: round(median(times), 0),
    maxMs: round(Math.max(...times), 0),
    targetMs: TARGET_REPLACEMENT_MS,
    met: Math.max(...times) <= TARGET_REPLACEMENT_MS,
  };
}

export async function benchHealth() {
  const before = machine();
  const rolling = await benchRollingUpgrade();
  const rollingNoDrain = await benchRollingUpgrade({ killDrainMs: 0 });
  const replacement = await benchUnhealthyReplacement();
  const replacementNoBackoff = await benchUnhealthyReplacement({ backoffSeconds: 0 });
  return {
    rolling,
    rollingNoDrain,
    replacement,
    replacementNoBackoff,
    machineBefore: before,
    loadavgAfter: machine().loadavg,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify({ bench: 'health', ...(await benchHealth()) }));
}
