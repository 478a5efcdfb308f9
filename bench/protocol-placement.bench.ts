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
  /** Launches the agents received / time from the first POST to the last one received. */
  placementsPerSec: number;
  lastLaunchMs: number;
  /**
   * The same as the master decided it: tasks it launched / time to its last "tasks launched" log
   * line (the launches are sent then; the agents, sharing the CPUs, may read them later).
   */
  masterPlacementsPerSec: number;
  masterLastLaunchMs: number;
  allRunningMs: number;
  runningPerSec: number;
  unplaced: number;
  storeMsPerStatusUpdate: number;
  statusUpdatesPerCommit: number;
  /**
   * CPU time (user + system) from the first POST to the last RUNNING ack, of the master and of
   * this process (the simulated agents): on a shared machine the rates move with the load, the
   * CPU spent per task much less, so changes are compared on it too.
   */
  masterCpuMs: number;
  /** Times the master lost its lease and stepped down during the run (0 in a clean run). */
  stepDowns: number;
  agentsCpuMs: number;
  loadavgBefore: number[];
  loadavgAfter: number[];
}

/** A process's CPU time so far (user + system, ms), from /proc (Linux). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
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
    // Info: the master's "tasks launched" line per pass says when it placed (masterPlacementsPerSec).
    process.env['BENCH_LOG_LEVEL'] ?? 'info',
  ]);
  let agents: SimAgent[] = [];
  // A new leadership term (a lease lost under load) closes every link: the agents dial again and
  // re-register, as real ones do, so such a run finishes (stepDowns says it happened).
  const redial = { on: true };
  try {
    const wsUrl = agentEndpointUrl(api)!;
    const total = APPS * INSTANCES;
    const c = simCounters(total);

    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    const t0 = performance.now();
    agents = await simAgents(AGENTS, { url: wsUrl, token: TOKEN, counters: c, redial });
    const connectAllMs = performance.now() - t0;

    const start = performance.now();
    const startEpoch = Date.now();
    const masterCpu0 = cpuMsOf(master.child.pid);
    const agentsCpu0 = process.cpuUsage();
    // Every app is posted at once, as a deploy of many apps does: posted one at a time, each POST's
    // answer waited behind the placement and status updates of the apps before it, and the bench
    // measured the POST round trips as much as placement.
    const posts = Array.from({ length: APPS }, async (_, a) => {
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
        timeoutMs: WAIT_MS,
      });
      if (res.status !== 201) throw new Error(`POST app-${a}: ${res.status} ${res.text}`);
    });
    await Promise.all(posts);
    await until(() => c.launches >= total, `${total} launches`, WAIT_MS);
    await until(() => c.runningAcked >= total, `${total} running`, WAIT_MS);
    const masterCpuMs = cpuMsOf(master.child.pid) - masterCpu0;
    const agentsCpu = process.cpuUsage(agentsCpu0);
    const store = storeTime(queryLog, startEpoch, Date.now());
    const placed = masterLaunches(master.output(), startEpoch);
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
      masterPlacementsPerSec: round(placed.launched / (placed.lastMs / 1000)),
      masterLastLaunchMs: round(placed.lastMs),
      allRunningMs: round(allRunningMs),
      runningPerSec: round(total / (allRunningMs / 1000)),
      unplaced,
      // Store time includes the placement writes; 2 status updates per task (STARTING, RUNNING).
      storeMsPerStatusUpdate: Math.round((store.ms / (2 * total)) * 1000) / 1000,
      statusUpdatesPerCommit: Math.round(((2 * total) / Math.max(1, store.commits)) * 10) / 10,
      masterCpuMs: round(masterCpuMs),
      stepDowns: master.output().split('stepping down').length - 1,
      agentsCpuMs: round((agentsCpu.user + agentsCpu.system) / 1000),
      loadavgBefore,
      loadavgAfter: loadavg().map((l) => Math.round(l * 100) / 100),
    };
  } catch (err) {
    console.error(`master output (last 3,000 characters):\n${master.output().slice(-3000)}`);
    throw err;
  } finally {
    delete process.env['DROVER_STORE_QUERY_LOG'];
    redial.on = false;
    for (const a of agents) a.close();
    await master.cleanup();
    await dbs?.dropAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The master's "tasks launched" lines after `from` (epoch ms): how many, and the last one's time. */
function masterLaunches(output: string, from: number): { launched: number; lastMs: number } {
  let launched = 0;
  let last = from;
  for (const line of output.split('\n')) {
    if (!line.includes('"tasks launched"')) continue;
    const l = JSON.parse(line) as { time: number; launched: number };
    if (l.time < from) continue;
    launched += l.launched;
    last = Math.max(last, l.time);
  }
  return { launched, lastMs: last - from };
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
