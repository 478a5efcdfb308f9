/**
 * The scale simulation (issue 16), shared by bench/scale-sim.bench.ts (10,000 agents, 100,000
 * tasks) and test/sim/scale.sim.test.ts (a small variant for CI): a real `drover master` process
 * on a real store (a throwaway PostgreSQL database, or SQLite), and lightweight simulated agents
 * (sim-agent.ts), many per process, in this process or spread over child processes
 * (sim-agent-fleet.ts), each over its own authenticated WebSocket.
 * An agent registers with racks and zones, heartbeats, and answers every launch with
 * TASK_STARTING then TASK_RUNNING (no process is started). Registration is measured first: the
 * time until every agent is registered and the master's RSS per agent. Then every app is posted
 * at once, with constraints (hostname UNIQUE, GROUP_BY rack, LIKE, UNLIKE + MAX_PER, none); the
 * run measures, from the first POST, the time until every task is TASK_RUNNING (its RUNNING update acknowledged), the master's
 * RSS (sampled every 250 ms) and the latency of `GET /v2/apps` polled meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { agentEndpointUrl } from '../../src/domain/agent-endpoint.js';
import { tempDatabases } from '../../src/store/postgres/temp-database.js';
import { ClusterProcess } from '../e2e/support/cluster-process.js';
import { http } from '../e2e/support/http-json.js';
import { SIM_RACKS, simAgentAttributes, simAgentIndex } from './sim-agent.js';
import { type SimFleet, simFleet } from './sim-agent-fleet.js';

export interface ScaleOptions {
  agents: number;
  apps: number;
  instances: number;
  store: 'postgres' | 'sqlite';
  /** Give up after this long from the first POST. */
  timeoutMs: number;
  connectConcurrency?: number;
  /** The master's PostgreSQL leader lease (`--lease-ms`); default the master's (2 s). */
  leaseMs?: number;
  /** Child processes for the simulated agents (sim-agent-fleet.ts); 0 (default): this process. */
  agentProcesses?: number;
  /** The master's last output (up to 256 KB) is written here at the end: why a term ended. */
  masterLogFile?: string;
  /**
   * Once every task is RUNNING (or the time is up), the master writes a heap snapshot here (it
   * must have been started with `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>`, which
   * the bench's BENCH_HEAP_SNAPSHOT sets): what the master holds per task.
   */
  heapSnapshotDir?: string;
  /** Told a line every 10 s (phase, agents connected, launches, RUNNING acked, RSS): how far a run got. */
  progress?: (line: string) => void;
}

export interface ScaleResult {
  agents: number;
  tasks: number;
  store: string;
  /** From the first dial until every agent was registered. */
  connectAllMs: number;
  /** The master's RSS before the first agent dialled, and once all were registered. */
  masterRssIdleMb: number;
  masterRssConnectedMb: number;
  /** (connected - idle) / agents. */
  masterRssKbPerAgent: number;
  allRunningMs: number;
  launches: number;
  /** Launches of a task id already launched (on any agent): a duplicate placement. */
  duplicateLaunches: number;
  running: number;
  /** The HTTP status of that final GET /v2/tasks (not 200: the counts from it are 0). */
  finalTasksStatus: number;
  /** Tasks the master listed as TASK_RUNNING at the end (GET /v2/tasks). */
  runningInMaster: number;
  /** Apps whose listed task count is not `instances` (GET /v2/tasks at the end). */
  appsWithWrongCount: number;
  /** Task ids GET /v2/tasks listed more than once. */
  duplicateTaskIds: number;
  unplaced: number;
  masterRssMaxMb: number;
  appsGet: { requests: number; p50Ms: number; p99Ms: number; maxMs: number; errors: number };
  /** Every task's agent honours its app's constraints (checked from /v2/tasks and the agents). */
  constraintViolations: number;
  /**
   * The same check over the tasks that are staging, starting or running only: tasks left
   * unreachable on lost agents stay listed beside their replacements (Marathon's semantics), and
   * the difference between the two counts is theirs.
   */
  constraintViolationsActive: number;
  /** constraintViolations per kind: tasks for UNIQUE, LIKE, UNLIKE/MAX_PER; apps out of balance for GROUP_BY. */
  constraintViolationsByKind: { unique: number; groupBy: number; like: number; unlikeMaxPer: number };
  /** POSTs answered 503 because the master was between leadership terms. */
  leaderChanges: number;
}

function constraintsFor(app: number): string[][] {
  switch (app % 5) {
    case 0:
      return [['hostname', 'UNIQUE']];
    case 1:
      return [['rack', 'GROUP_BY', String(SIM_RACKS)]];
    case 2:
      return [['rack', 'LIKE', 'rack-1[0-9]']];
    case 3:
      return [
        ['zone', 'UNLIKE', 'zone-2'],
        ['hostname', 'MAX_PER', '2'],
      ];
    default:
      return [];
  }
}

function rssMbOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

const ACTIVE = new Set(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING']);

/** Counts tasks whose agent breaks their app's constraints. */
function violations(
  tasks: Array<{ appId: string; host: string; state: string }>,
  appIndex: Map<string, number>,
): number {
  const v = violationsByKind(tasks, appIndex);
  return v.unique + v.groupBy + v.like + v.unlikeMaxPer;
}

/** The same, per constraint kind of the sim's apps (one app in five each; app % 5 === 4 has none). */
function violationsByKind(
  tasks: Array<{ appId: string; host: string; state: string }>,
  appIndex: Map<string, number>,
): { unique: number; groupBy: number; like: number; unlikeMaxPer: number } {
  const bad = { unique: 0, groupBy: 0, like: 0, unlikeMaxPer: 0 };
  const byAddress = (host: string) => simAgentAttributes(simAgentIndex(host));
  const perApp = new Map<string, Map<string, number>>();
  for (const t of tasks) {
    const app = appIndex.get(t.appId);
    if (app === undefined) continue;
    const a = byAddress(t.host);
    const count = (key: string) => {
      const m = perApp.get(t.appId) ?? new Map<string, number>();
      m.set(key, (m.get(key) ?? 0) + 1);
      perApp.set(t.appId, m);
      return m.get(key)!;
    };
    switch (app % 5) {
      case 0:
        if (count(a.hostname) > 1) bad.unique++;
        break;
      case 1:
        count(a.rack);
        break;
      case 2:
        if (!/^rack-1[0-9]$/.test(a.rack)) bad.like++;
        break;
      case 3:
        if (a.zone === 'zone-2' || count(a.hostname) > 2) bad.unlikeMaxPer++;
        break;
    }
  }
  for (const [appId, counts] of perApp) {
    if ((appIndex.get(appId) ?? 0) % 5 !== 1) continue;
    const all = Array.from({ length: SIM_RACKS }, (_, r) => counts.get(`rack-${r}`) ?? 0);
    if (Math.max(...all) - Math.min(...all) > 1) bad.groupBy++;
  }
  return bad;
}

/** Signals the master to write a heap snapshot and waits until the file stops growing. */
async function heapSnapshot(pid: number, dir: string, progress?: (line: string) => void): Promise<void> {
  const snapshots = () => readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));
  const before = new Set(snapshots());
  process.kill(pid, 'SIGUSR2');
  let size = -1;
  for (let i = 0; i < 1_200; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    const file = snapshots().find((f) => !before.has(f));
    if (!file) continue;
    const now = statSync(join(dir, file)).size;
    if (now === size && now > 0) {
      progress?.(`heap snapshot: ${join(dir, file)} (${Math.round(now / 1e6)} MB)`);
      return;
    }
    size = now;
  }
}

export async function runScale(o: ScaleOptions): Promise<ScaleResult> {
  const token = `scale-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'drover-scale-'));
  const dbs = o.store === 'postgres' ? await tempDatabases() : undefined;
  const storeSpec = dbs ? await dbs.create() : join(dir, 'state.db');
  const { proc: master, url: api } = await ClusterProcess.quietMaster(
    storeSpec,
    token,
    o.leaseMs !== undefined ? ['--lease-ms', String(o.leaseMs)] : [],
  );
  let fleet: SimFleet | undefined;
  let progress: NodeJS.Timeout | undefined;
  let rssMax = 0;
  const rssTimer = setInterval(() => {
    if (master.child.pid) rssMax = Math.max(rssMax, rssMbOf(master.child.pid));
  }, 250);
  try {
    const wsUrl = agentEndpointUrl(api)!;
    const total = o.apps * o.instances;
    const masterRssIdleMb = rssMbOf(master.child.pid!);
    const t0 = performance.now();
    let phase = 'connecting';
    progress = o.progress
      ? setInterval(() => {
          const s = Math.round((performance.now() - t0) / 1000);
          const c = fleet!.totals();
          o.progress!(
            `${s}s ${phase}: agents ${c.connected}/${o.agents}, launches ${c.launches}, running acked ${c.runningAcked}/${total}, master RSS ${Math.round(rssMax)} MB`,
          );
        }, 10_000)
      : undefined;
    fleet = simFleet({
      url: wsUrl,
      token,
      agents: o.agents,
      processes: o.agentProcesses ?? 0,
      ...(o.connectConcurrency !== undefined ? { concurrency: o.connectConcurrency } : {}),
    });
    await fleet.connected;
    const connectAllMs = performance.now() - t0;
    // Settled: the registrations' batches committed and their route tables went out.
    await new Promise((res) => setTimeout(res, 2_000));
    const masterRssConnectedMb = rssMbOf(master.child.pid!);

    // GET /v2/apps meanwhile, one request at a time, as a UI or marathon-lb polls.
    const latencies: number[] = [];
    let getErrors = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const s = performance.now();
        const r = await http(`${api}/v2/apps`, { timeoutMs: 30_000 }).catch(() => undefined);
        if (r?.status === 200) latencies.push(performance.now() - s);
        else getErrors++;
        await new Promise((res) => setTimeout(res, 100));
      }
    })();

    const start = performance.now();
    phase = 'posting apps';
    const appIndex = new Map<string, number>();
    let leaderChanges = 0;
    // Every app is posted at once, as a cluster's apps are deployed together (a bulk PUT, or a
    // deploy script): one at a time, each POST waited behind the status updates of those before.
    const post = async (a: number): Promise<void> => {
      const id = `/scale/app-${a}`;
      // A 503 is a leadership change (this one master re-elected after its lease lapsed on a
      // busy machine): post again once it leads again.
      for (;;) {
        const res = await http(`${api}/v2/apps`, {
          method: 'POST',
          body: {
            id,
            cmd: 'sleep 3600',
            instances: o.instances,
            cpus: 0.01,
            mem: 8,
            constraints: constraintsFor(a),
          },
          timeoutMs: o.timeoutMs,
        });
        if (res.status === 201 || res.status === 409) return;
        if (res.status !== 503 || performance.now() - start > o.timeoutMs)
          throw new Error(`POST ${id}: ${res.status} ${res.text}`);
        leaderChanges++;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    for (let a = 0; a < o.apps; a++) appIndex.set(`/scale/app-${a}`, a);
    await Promise.all(Array.from({ length: o.apps }, (_, a) => post(a)));
    const deadline = Date.now() + o.timeoutMs;
    phase = 'waiting for RUNNING';
    while (fleet.totals().runningAcked < total && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const allRunningMs = performance.now() - start;
    if (o.heapSnapshotDir) await heapSnapshot(master.child.pid!, o.heapSnapshotDir, o.progress);
    const c = fleet.totals();
    const launched = await fleet.launchedIds();
    polling = false;
    clearInterval(progress);
    await poller;
    const tasks = await http(`${api}/v2/tasks`, { timeoutMs: 120_000 });
    // A master between terms (or too busy to answer in time) lists nothing: the counts below are
    // then 0 and `finalTasksStatus` says why, rather than the run ending without its numbers.
    const list =
      tasks.status === 200
        ? (tasks.json as { tasks: Array<{ id: string; appId: string; host: string; state: string }> }).tasks
        : [];
    const perApp = new Map<string, number>();
    for (const t of list) perApp.set(t.appId, (perApp.get(t.appId) ?? 0) + 1);
    const queue = await http(`${api}/v2/queue`, { timeoutMs: 60_000 });
    const unplaced = ((queue.json as { queue?: Array<{ count: number }> }).queue ?? []).reduce(
      (n, q) => n + q.count,
      0,
    );
    const r = (n: number) => Math.round(n);
    return {
      agents: o.agents,
      tasks: total,
      store: o.store,
      connectAllMs: r(connectAllMs),
      masterRssIdleMb: r(masterRssIdleMb),
      masterRssConnectedMb: r(masterRssConnectedMb),
      masterRssKbPerAgent: r(((masterRssConnectedMb - masterRssIdleMb) * 1024) / o.agents),
      allRunningMs: c.runningAcked >= total ? r(allRunningMs) : Number.NaN,
      launches: c.launches,
      duplicateLaunches: launched.length - new Set(launched).size,
      running: c.runningAcked,
      finalTasksStatus: tasks.status,
      runningInMaster: list.filter((t) => t.state === 'TASK_RUNNING').length,
      appsWithWrongCount: [...appIndex.keys()].filter((id) => perApp.get(id) !== o.instances).length,
      duplicateTaskIds: list.length - new Set(list.map((t) => t.id)).size,
      unplaced,
      masterRssMaxMb: r(rssMax),
      appsGet: {
        requests: latencies.length,
        p50Ms: r(pct(latencies, 0.5)),
        p99Ms: r(pct(latencies, 0.99)),
        maxMs: r(Math.max(...latencies)),
        errors: getErrors,
      },
      constraintViolations: violations(list, appIndex),
      constraintViolationsByKind: violationsByKind(list, appIndex),
      constraintViolationsActive: violations(
        list.filter((t) => ACTIVE.has(t.state)),
        appIndex,
      ),
      leaderChanges,
    };
  } finally {
    if (o.masterLogFile) writeFileSync(o.masterLogFile, master.output());
    clearInterval(progress);
    clearInterval(rssTimer);
    await fleet?.close();
    // A profiled master writes its profile on the way out: minutes for a large one on a busy machine.
    await master.stop('SIGTERM', 180_000);
    await master.cleanup();
    await dbs?.dropAll();
    rmSync(dir, { recursive: true, force: true });
  }
}
