/**
 * Bench: scheduler placement with 1,000 simulated agents connected over the real protocol.
 * `drover master` runs as its own process (SQLite store by default; BENCH_STORE=postgres uses a
 * throwaway database on the provisioned server); this process opens 1,000 authenticated WebSocket
 * links with the agent's own dialler and plays 1,000 agents that answer every launch with
 * TASK_STARTING then TASK_RUNNING. Then 10 apps x 1,000 instances are posted (one app hostname
 * UNIQUE, one GROUP_BY rack, the rest unconstrained) and we measure, from the first POST:
 *   - placements/s: launches received by the agents / time to the last launch;
 *   - time until every task is TASK_RUNNING in the master (the ack of its RUNNING update).
 *
 *   node --import tsx bench/protocol-placement.bench.ts   # needs `npm run build` (runs dist/)
 * Tuning: BENCH_AGENTS (1000), BENCH_APPS (10), BENCH_INSTANCES (1000), BENCH_STORE (sqlite).
 * Also printed, from the master's store query log (DROVER_STORE_QUERY_LOG, set by the bench):
 * store time per status update (every statement the store ran from the first POST to the last
 * RUNNING ack, summed, over the 2 status updates per task) and status updates per commit (group
 * commit). DROVER_CHILD_NODE_ARGS='--cpu-prof --cpu-prof-dir=<dir>' profiles the master.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { agentEndpointUrl } from '../src/domain/agent-endpoint.js';
import { tempDatabases } from '../src/store/postgres/temp-database.js';
import { ClusterProcess } from '../test/e2e/support/cluster-process.js';
import { http } from '../test/e2e/support/http-json.js';
import { type SimAgent, simAgents, simCounters, until } from '../test/sim/sim-agent.js';

const AGENTS = Number(process.env['BENCH_AGENTS'] ?? 1_000);
const APPS = Number(process.env['BENCH_APPS'] ?? 10);
const INSTANCES = Number(process.env['BENCH_INSTANCES'] ?? 1_000);
const STORE = process.env['BENCH_STORE'] ?? 'sqlite';
// How long to wait for the launches, then for the RUNNING acks (BENCH_WAIT_S, default 600).
const WAIT_MS = Number(process.env['BENCH_WAIT_S'] ?? 600) * 1000;
const TOKEN = `bench-${randomUUID()}`;

export interface ProtocolPlacementResult {
  agents: number;
  tasks: number;
  store: string;
  connectAllMs: number;
  placementsPerSec: number;
  lastLaunchMs: number;
  allRunningMs: number;
  runningPerSec: number;
  unplaced: number;
  storeMsPerStatusUpdate: number;
  statusUpdatesPerCommit: number;
  loadavgBefore: number[];
  loadavgAfter: number[];
}

export async function benchProtocolPlacement(): Promise<ProtocolPlacementResult> {
  const loadavgBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  const dir = mkdtempSync(join(tmpdir(), 'drover-bench-proto-'));
  const dbs = STORE === 'postgres' ? await tempDatabases() : undefined;
  const storeSpec = dbs ? await dbs.create() : join(dir, 'state.db');
  const queryLog = join(dir, 'queries.jsonl');
  // The master inherits the environment: its store logs every statement with its duration.
  process.env['DROVER_STORE_QUERY_LOG'] = queryLog;
  const { proc: master, url: api } = await ClusterProcess.master([
    '--store',
    storeSpec,
    '--port',
    '0',
    '--agent-token',
    TOKEN,
    '--log-level',
    'warn',
  ]);
  let agents: SimAgent[] = [];
  try {
    const wsUrl = agentEndpointUrl(api)!;
    const total = APPS * INSTANCES;
    const c = simCounters(total);

    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    const t0 = performance.now();
    agents = await simAgents(AGENTS, { url: wsUrl, token: TOKEN, counters: c });
    const connectAllMs = performance.now() - t0;

    const start = performance.now();
    const startEpoch = Date.now();
    for (let a = 0; a < APPS; a++) {
      const constraints = a === 0 ? [['hostname', 'UNIQUE']] : a === 1 ? [['rack', 'GROUP_BY', '20']] : [];
      const res = await http(`${api}/v2/apps`, {
        method: 'POST',
        body: {
          id: `/bench/app-${a}`,
          cmd: 'sleep 3600',
          instances: INSTANCES,
          cpus: 0.01,
          mem: 8,
          constraints,
        },
        // The answer waits behind the placement and status updates of the apps posted before.
        timeoutMs: WAIT_MS,
      });
      if (res.status !== 201) throw new Error(`POST app-${a}: ${res.status} ${res.text}`);
    }
    await until(() => c.launches >= total, `${total} launches`, WAIT_MS);
    await until(() => c.runningAcked >= total, `${total} running`, WAIT_MS);
    const store = storeTime(queryLog, startEpoch, Date.now());
    const queue = await http(`${api}/v2/queue`, { timeoutMs: 60_000 });
    const queued = (queue.json as { queue?: Array<{ count: number; app: { id: string } }> }).queue ?? [];
    const unplaced = queued.reduce((n, q) => n + q.count, 0);
    // BENCH_DEBUG=1: what the master holds at the end, what this process's agents hold, how long
    // this process's event loop stalled (1,000 agents parse every frame) and how many agents the
    // master dropped for a late pong (their tasks are replaced, so launches exceed the instances).
    if (process.env['BENCH_DEBUG']) {
      const appsNow = await http(`${api}/v2/apps`, { timeoutMs: 60_000 });
      const list = (
        appsNow.json as {
          apps: Array<{ id: string; instances: number; tasksRunning: number; tasksStaged: number }>;
        }
      ).apps;
      console.error(
        JSON.stringify({
          apps: list.map((a) => [a.id, a.instances, a.tasksRunning, a.tasksStaged]),
          launches: c.launches,
          held: agents.reduce((n, a) => n + a.tasks.size, 0),
          queued: queued.map((q) => [q.app.id, q.count]),
          benchLoopDelayMaxMs: Math.round(eld.max / 1e6),
          droppedForPing: master.output().split('did not answer a ping').length - 1,
        }),
      );
    }
    eld.disable();
    const round = (n: number) => Math.round(n);
    const lastLaunchMs = c.lastLaunchAt - start;
    const allRunningMs = c.allRunningAt - start;
    return {
      agents: AGENTS,
      tasks: total,
      store: STORE,
      connectAllMs: round(connectAllMs),
      placementsPerSec: round(c.launches / (lastLaunchMs / 1000)),
      lastLaunchMs: round(lastLaunchMs),
      allRunningMs: round(allRunningMs),
      runningPerSec: round(total / (allRunningMs / 1000)),
      unplaced,
      // Store time includes the placement writes; 2 status updates per task (STARTING, RUNNING).
      storeMsPerStatusUpdate: Math.round((store.ms / (2 * total)) * 1000) / 1000,
      statusUpdatesPerCommit: Math.round(((2 * total) / Math.max(1, store.commits)) * 10) / 10,
      loadavgBefore,
      loadavgAfter: loadavg().map((l) => Math.round(l * 100) / 100),
    };
  } finally {
    delete process.env['DROVER_STORE_QUERY_LOG'];
    for (const a of agents) a.close();
    await master.cleanup();
    await dbs?.dropAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Store statements the master logged between two instants: their summed duration and commits. */
function storeTime(path: string, from: number, to: number): { ms: number; commits: number } {
  let ms = 0;
  let commits = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const q = JSON.parse(line) as { at: number; sql: string; ms: number };
    if (q.at < from || q.at > to) continue;
    ms += q.ms;
    if (q.sql.toLowerCase() === 'commit') commits += 1;
  }
  return { ms, commits };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify({ bench: 'protocol-placement', ...(await benchProtocolPlacement()) }));
}
