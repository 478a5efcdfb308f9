/**
 * Bench (issue 16): leader kill -9 with 100,000 tasks in a PostgreSQL store, to the next write the
 * survivor accepts. A throwaway database is seeded with 1,000 apps x 100 RUNNING tasks on 10,000
 * agents (support/seed-store.ts, not timed). Then:
 *   - state load in this process, through the store with a query log: time and number of queries
 *     (what a new leader runs before it serves: MasterState, deployments, jobs);
 *   - two `drover master` processes (default 2 s lease). The standby loads the state once and
 *     follows the store's change log (control-plane/leadership/warm-standby.ts); each round waits
 *     until the standby is warm, kill -9s the leader and POSTs a new app to the survivor every
 *     20 ms until one is accepted (2xx): kill -> accepted write. The survivor's takeover load
 *     (`loadMs`, `changes` caught up, `warm`) is read from its 'leading' log line, the standby's
 *     full load from its 'standby state loaded' line. A fresh standby is started for the next
 *     round.
 * Target: next accepted write <= 3 s after the kill (the lease alone may take up to 2 s to run out).
 *
 *   npm run build && node --import tsx bench/failover-load.bench.ts   # one JSON line
 * Tuning: BENCH_TASKS (100000), BENCH_APPS (1000), BENCH_AGENTS (10000), BENCH_ROUNDS (3),
 * BENCH_LEASE_MS (the masters' --lease-ms; default: theirs, 2000), BENCH_VERBOSE=1 (progress on stderr).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { DeploymentsState } from '../src/control-plane/deployments/deployments-state.js';
import { JobsState } from '../src/control-plane/jobs/jobs-state.js';
import { MasterState } from '../src/control-plane/master-state.js';
import { createPostgresStore } from '../src/store/postgres/postgres-store.js';
import { tempDatabases } from '../src/store/postgres/temp-database.js';
import { ClusterProcess } from '../test/e2e/support/cluster-process.js';
import { http } from '../test/e2e/support/http-json.js';
import { leaderOf } from '../test/e2e/support/leader-of.js';
import { machine } from './support/machine.js';
import { isMain, runAlone } from './support/main.js';
import { seedCluster } from './support/seed-store.js';
import { median } from './support/stats.js';

const TASKS = Number(process.env['BENCH_TASKS'] ?? 100_000);
const APPS = Number(process.env['BENCH_APPS'] ?? 1_000);
const AGENTS = Number(process.env['BENCH_AGENTS'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const LEASE_MS = process.env['BENCH_LEASE_MS'];
const progress = (what: string) => {
  if (process.env['BENCH_VERBOSE']) console.error(`failover-load: ${what}`);
};
export const FAILOVER_WRITE_TARGET_MS = 3_000;

interface Master {
  proc: ClusterProcess;
  url: string;
}

const LEADING = /"loadMs":(\d+)[^\n]*"msg":"leading: state loaded, loops started"/;
const LEADING_LINE = /^.*"msg":"leading: state loaded, loops started".*$/gm;

/** Resolves once `m` is a warm standby (it loaded the state and follows the store). */
async function warmStandby(m: Master): Promise<number> {
  const hit = await m.proc.waitForOutput(
    /"loadMs":(\d+)[^\n]*"msg":"standby state loaded/,
    'a warm standby',
    600_000,
  );
  return Number(hit[1]);
}

const ELECTED_LINE = /^.*"msg":"elected leader".*$/gm;

/** When (epoch ms, the master's clock: this machine's) the last line matching `re` was logged. */
function lastLineAt(output: string, re: RegExp): number | undefined {
  const line = [...output.matchAll(re)].at(-1)?.[0];
  return line ? (JSON.parse(line) as { time: number }).time : undefined;
}

/**
 * What the survivor's last 'leading' line says about its takeover, and where the time since the
 * kill went: to its election (the rest of the dead leader's lease, one poll), to its catch-up.
 */
function takeover(
  output: string,
  killedAt: number,
): { warm?: boolean; changes?: number; reloaded?: boolean; electedMs?: number; leadingMs?: number } {
  const line = [...output.matchAll(LEADING_LINE)].at(-1)?.[0];
  if (!line) return {};
  const { warm, changes, reloaded } = JSON.parse(line) as {
    warm?: boolean;
    changes?: number;
    reloaded?: boolean;
  };
  const elected = lastLineAt(output, ELECTED_LINE);
  const leading = lastLineAt(output, LEADING_LINE);
  return {
    ...(elected !== undefined ? { electedMs: elected - killedAt } : {}),
    ...(leading !== undefined ? { leadingMs: leading - killedAt } : {}),
    ...(warm !== undefined ? { warm } : {}),
    ...(changes !== undefined ? { changes } : {}),
    ...(reloaded !== undefined ? { reloaded } : {}),
  };
}

async function startMaster(store: string): Promise<Master> {
  const lease = LEASE_MS ? ['--lease-ms', LEASE_MS] : [];
  return ClusterProcess.master(['--store', store, '--host', '127.0.0.1', '--port', '0', ...lease], 180_000);
}

/** The in-process load: what MasterNode.takeOver runs before a new leader serves. */
async function loadInProcess(url: string): Promise<{ ms: number; queries: number; tasks: number }> {
  let queries = 0;
  const store = await createPostgresStore({ url, poolSize: 10, queryLog: () => queries++ });
  try {
    queries = 0;
    const t0 = performance.now();
    const state = await MasterState.load(store);
    await DeploymentsState.load(store, state.apps.values());
    await JobsState.load(store);
    return { ms: Math.round(performance.now() - t0), queries, tasks: state.tasks.size };
  } finally {
    await store.close();
  }
}

export async function benchFailoverLoad() {
  const before = machine();
  const dbs = await tempDatabases();
  const masters: Master[] = [];
  try {
    const store = await dbs.create();
    const seedStart = performance.now();
    await seedCluster(store, { apps: APPS, agents: AGENTS, tasks: TASKS });
    const seedMs = Math.round(performance.now() - seedStart);
    progress(`seeded in ${seedMs} ms`);
    const inProcess = await loadInProcess(store);
    progress(`in-process load ${JSON.stringify(inProcess)}`);

    masters.push(await startMaster(store));
    // The first master loads as a standby too, then campaigns and catches up.
    const firstStandbyLoadMs = await warmStandby(masters[0]!);
    await masters[0]!.proc.waitForOutput(LEADING, 'the first master to lead', 60_000);
    const firstLoad = LEADING.exec(masters[0]!.proc.output());
    masters.push(await startMaster(store));
    const rounds: Array<{
      writeMs: number;
      loadMs: number | undefined;
      refused: number;
      standbyFullLoadMs: number;
    }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      const host = await leaderHostOf(masters);
      const leader = masters.find((m) => new URL(m.url).host === host)!;
      const survivor = masters.find((m) => m !== leader)!;
      const standbyFullLoadMs = await warmStandby(survivor);
      const loadLinesBefore = survivor.proc.output().match(new RegExp(LEADING, 'g'))?.length ?? 0;
      const t0 = performance.now();
      const killedAt = Date.now();
      leader.proc.child.kill('SIGKILL');
      let refused = 0;
      let writeMs: number | undefined;
      for (let n = 0; writeMs === undefined; n++) {
        const res = await http(`${survivor.url}/v2/apps`, {
          method: 'POST',
          body: { id: `/bench/after-kill-${r}-${n}`, cmd: 'sleep 3600', instances: 0, portDefinitions: [] },
          timeoutMs: 30_000,
        }).catch(() => undefined);
        if (res && res.status >= 200 && res.status < 300) writeMs = Math.round(performance.now() - t0);
        else {
          refused++;
          if (performance.now() - t0 > 120_000) throw new Error(`no write accepted 120 s after the kill`);
          await delay(20);
        }
      }
      await leader.proc.exited;
      const lines = [...survivor.proc.output().matchAll(new RegExp(LEADING, 'g'))];
      const loadMs = lines.length > loadLinesBefore ? Number(lines.at(-1)![1]) : undefined;
      rounds.push({
        writeMs,
        loadMs,
        refused,
        standbyFullLoadMs,
        ...takeover(survivor.proc.output(), killedAt),
      });
      progress(`round ${r + 1}: ${JSON.stringify(rounds.at(-1))}`);
      masters.splice(masters.indexOf(leader), 1);
      await leader.proc.cleanup();
      if (r + 1 < ROUNDS) masters.push(await startMaster(store));
    }
    const writes = rounds.map((x) => x.writeMs);
    return {
      tasks: inProcess.tasks,
      apps: APPS,
      agents: AGENTS,
      seedMs,
      inProcessLoadMs: inProcess.ms,
      loadQueries: inProcess.queries,
      firstLeaderStandbyLoadMs: firstStandbyLoadMs,
      firstLeaderLoadMs: firstLoad ? Number(firstLoad[1]) : undefined,
      rounds,
      medianWriteMs: median(writes),
      maxWriteMs: Math.max(...writes),
      targetMs: FAILOVER_WRITE_TARGET_MS,
      leaseMs: LEASE_MS ? Number(LEASE_MS) : 2_000,
      machine: before,
      loadavgAfter: machine().loadavg,
    };
  } finally {
    for (const m of masters) await m.proc.cleanup();
    await dbs.dropAll();
  }
}

async function leaderHostOf(masters: Master[]): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const hosts = await Promise.all(masters.map((m) => leaderOf(m.url).catch(() => undefined)));
    const h = hosts[0];
    if (h !== undefined && hosts.every((x) => x === h) && masters.some((m) => new URL(m.url).host === h))
      return h;
    await delay(100);
  }
  throw new Error('no leader agreed on by every master');
}

if (isMain(import.meta.url)) await runAlone('failover-load', benchFailoverLoad);
