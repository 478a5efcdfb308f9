/**
 * Bench (d): memory of `drover up` itself (VmRSS from /proc/<pid>/status of the drover process
 * and of the spawner helpers its agents start at their first launch, src/agent/executors/spawner/;
 * task processes are not counted; the drover process alone is reported beside it): idle with 2 agents (target <= 120 MB), and per supervised task,
 * (RSS with 100 tasks - RSS idle) / 100 (target <= 1 MB: no helper process or heavy state per
 * task). Each reading is the median of 15 samples 200 ms apart, taken 3 s after the state was
 * reached; the whole cycle (fresh `drover up`, idle, 100 tasks, deleted) runs BENCH_MEMORY_RUNS
 * times (default 3) and the medians are reported, since one Node process's RSS moves by several
 * MB with GC timing. PM2's daemon is measured once the same way, for context (no target).
 *
 *   npm run build && node --import tsx bench/memory.bench.ts   # one JSON line
 */
import { DroverProcess, repoRoot } from '../test/e2e/support/drover-process.js';
import { echoApp, removeApp, waitAppAnswering } from './support/drover-apps.js';
import { assertPortsFree, waitAllAnswering } from './support/endpoints.js';
import { machine } from './support/machine.js';
import { isMain, runAlone } from './support/main.js';
import { Pm2Peer } from './support/pm2-peer.js';
import { rssWithHelpersMb, steadyRssMb } from './support/rss.js';
import { median, round } from './support/stats.js';

const TASKS = 100;
const IDLE_TARGET_MB = 120;
const PER_TASK_TARGET_MB = 1;
/** Below the ephemeral range (32768-60999): no outgoing connection can hold one of these ports. */
const PM2_BASE_PORT = 24_000;

/** The agents' spawner helpers (spawner-main.js), children of the drover process. */
const SPAWNER = /spawner-main\.(js|ts)/;
const withSpawners = (pid: number) => rssWithHelpersMb(pid, SPAWNER);

async function droverRss() {
  const drover = await DroverProcess.start({ logLevel: 'warn', agents: 2 });
  try {
    const pid = drover.pid!;
    // Each figure counts the spawner helpers; the drover process alone is read right after.
    const steady = async () => ({
      all: await steadyRssMb(pid, 3_000, 15, 200, withSpawners),
      alone: await steadyRssMb(pid, 0),
    });
    const idle = await steady();
    const id = '/bench/memory';
    await drover.api.json('POST', '/v2/apps', echoApp(id, TASKS), [201]);
    await waitAppAnswering(drover, id, TASKS, 180_000);
    const loaded = await steady();
    await removeApp(drover, id);
    const afterDelete = await steady();
    return {
      idleMb: idle.all,
      loadedMb: loaded.all,
      afterDeleteMb: afterDelete.all,
      perTaskMb: (loaded.all - idle.all) / TASKS,
      processAloneIdleMb: idle.alone,
      processAloneLoadedMb: loaded.alone,
    };
  } finally {
    await drover.stop('SIGTERM').catch(() => undefined);
    await drover.cleanup();
  }
}

async function pm2Rss() {
  const ports = Array.from({ length: TASKS }, (_, i) => PM2_BASE_PORT + i);
  await assertPortsFree('127.0.0.1', ports);
  const pm2 = new Pm2Peer(repoRoot);
  try {
    await pm2.connect();
    const pid = pm2.daemonPid();
    const idleMb = await steadyRssMb(pid);
    await pm2.startApps(
      ports.map((port, i) => ({
        name: `echo-${i}`,
        script: 'examples/http-echo.js',
        env: { PORT0: String(port) },
      })),
    );
    await waitAllAnswering(
      ports.map((port) => ({ host: '127.0.0.1', port })),
      180_000,
    );
    const loadedMb = await steadyRssMb(pid);
    return { idleMb, loadedMb, perTaskMb: (loadedMb - idleMb) / TASKS };
  } finally {
    await pm2.stop();
  }
}

export async function benchMemory(opts: { runs?: number } = {}) {
  const runs = opts.runs ?? Number(process.env.BENCH_MEMORY_RUNS ?? 3);
  const before = machine();
  const cycles: Array<Awaited<ReturnType<typeof droverRss>>> = [];
  for (let i = 0; i < runs; i++) cycles.push(await droverRss());
  const p = await pm2Rss();
  const r = (x: number) => round(x, 2);
  const mid = (k: keyof (typeof cycles)[number]) => median(cycles.map((c) => c[k]));
  const d = {
    idleMb: mid('idleMb'),
    loadedMb: mid('loadedMb'),
    afterDeleteMb: mid('afterDeleteMb'),
    perTaskMb: mid('perTaskMb'),
  };
  return {
    tasks: TASKS,
    runs,
    droverIdleRunsMb: cycles.map((c) => r(c.idleMb)),
    droverPerTaskRunsMb: cycles.map((c) => r(c.perTaskMb)),
    droverWithTasksRunsMb: cycles.map((c) => r(c.loadedMb)),
    // Every run's, not only the median: memory not given back after a delete shows as a trend.
    droverAfterDeleteRunsMb: cycles.map((c) => r(c.afterDeleteMb)),
    droverIdleMb: r(d.idleMb),
    droverWithTasksMb: r(d.loadedMb),
    droverAfterDeleteMb: r(d.afterDeleteMb),
    droverPerTaskMb: r(d.perTaskMb),
    droverProcessAloneIdleMb: r(mid('processAloneIdleMb')),
    droverProcessAloneWithTasksMb: r(mid('processAloneLoadedMb')),
    idleTargetMb: IDLE_TARGET_MB,
    perTaskTargetMb: PER_TASK_TARGET_MB,
    idleMet: d.idleMb <= IDLE_TARGET_MB,
    perTaskMet: d.perTaskMb <= PER_TASK_TARGET_MB,
    pm2DaemonIdleMb: r(p.idleMb),
    pm2DaemonWithTasksMb: r(p.loadedMb),
    pm2DaemonPerTaskMb: r(p.perTaskMb),
    pm2: Pm2Peer.version(),
    machineBefore: before,
    loadavgAfter: machine().loadavg,
  };
}

if (isMain(import.meta.url)) await runAlone('memory', () => benchMemory());
