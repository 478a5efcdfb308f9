/**
 * Issue 16's scale simulation: 10,000 simulated agents and 100,000 tasks with constraints against
 * a real `drover master` on PostgreSQL (test/sim/scale-run.ts says what is simulated and how).
 * Targets: all RUNNING within 60 s, master RSS <= 1 GB, GET /v2/apps p99 < 200 ms meanwhile,
 * 0 constraint violations.
 *
 * Registration is measured first (time until all agents are registered, master RSS per agent).
 * The simulated agents are spread over BENCH_AGENT_PROCESSES child processes of this one
 * (test/sim/sim-agent-fleet.ts; default one per 2,500 agents), so parsing 10,000 links' launches,
 * acks and pings on one thread does not make the simulator the bottleneck; each child reports its
 * counts over IPC every 100 ms. The master runs as its own process (DROVER_CHILD_NODE_ARGS
 * reaches it: '--cpu-prof --cpu-prof-dir=<dir>' profiles it).
 *
 *   npm run build && node --import tsx bench/scale-sim.bench.ts
 *   BENCH_AGENTS (10000), BENCH_APPS (100), BENCH_INSTANCES (1000), BENCH_STORE (postgres),
 *   BENCH_TIMEOUT_S (600), BENCH_AGENT_PROCESSES (agents / 2500, rounded up),
 *   BENCH_LEASE_MS (the master's default, 2000: on a loaded machine a longer lease separates
 *   leadership churn, each change re-registering every agent, from the cost of the run itself),
 *   BENCH_MASTER_LOG (a file for the master's last output: why a term ended),
 *   BENCH_HEAP_SNAPSHOT (a directory: the master writes a heap snapshot there once all are RUNNING
 *   or the time is up; summarise it with `node bench/support/heap-summary.mjs <file>`)
 */
import { runScale } from '../test/sim/scale-run.js';
import { machine } from './support/machine.js';
import { isMain, runAlone } from './support/main.js';

export async function benchScaleSim() {
  const before = machine();
  const agents = Number(process.env.BENCH_AGENTS ?? 10_000);
  const heapDir = process.env.BENCH_HEAP_SNAPSHOT;
  if (heapDir) {
    process.env.DROVER_CHILD_NODE_ARGS =
      `${process.env.DROVER_CHILD_NODE_ARGS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${heapDir}`.trim();
  }
  const r = await runScale({
    agents,
    agentProcesses: Number(process.env.BENCH_AGENT_PROCESSES ?? Math.ceil(agents / 2_500)),
    apps: Number(process.env.BENCH_APPS ?? 100),
    instances: Number(process.env.BENCH_INSTANCES ?? 1_000),
    ...(process.env.BENCH_LEASE_MS ? { leaseMs: Number(process.env.BENCH_LEASE_MS) } : {}),
    ...(process.env.BENCH_MASTER_LOG ? { masterLogFile: process.env.BENCH_MASTER_LOG } : {}),
    ...(heapDir ? { heapSnapshotDir: heapDir } : {}),
    store: process.env.BENCH_STORE === 'sqlite' ? 'sqlite' : 'postgres',
    timeoutMs: Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000,
    // Progress on stderr: a run that does not finish still says how far it got.
    progress: (line) => console.error(line),
  });
  return {
    ...r,
    targets: { allRunningMs: 60_000, masterRssMb: 1024, appsGetP99Ms: 200 },
    met:
      r.allRunningMs <= 60_000 &&
      r.masterRssMaxMb <= 1024 &&
      r.appsGet.p99Ms < 200 &&
      r.constraintViolations === 0 &&
      r.unplaced === 0,
    machine: before,
    loadavgAfter: machine().loadavg,
  };
}

if (isMain(import.meta.url)) await runAlone('scale-sim', benchScaleSim);
