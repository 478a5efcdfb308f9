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
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { dialMaster } from '../src/agent/ws-link.js';
import { agentEndpointUrl } from '../src/domain/agent-endpoint.js';
import type { AgentLink, MasterToAgent } from '../src/domain/agent-protocol.js';
import { PROTOCOL_VERSION } from '../src/domain/agent-protocol.js';
import { silentLogger } from '../src/platform/logger.js';
import { tempDatabases } from '../src/store/postgres/temp-database.js';
import { ClusterProcess } from '../test/e2e/support/cluster-process.js';
import { http } from '../test/e2e/support/http-json.js';

const AGENTS = Number(process.env['BENCH_AGENTS'] ?? 1_000);
const APPS = Number(process.env['BENCH_APPS'] ?? 10);
const INSTANCES = Number(process.env['BENCH_INSTANCES'] ?? 1_000);
const STORE = process.env['BENCH_STORE'] ?? 'sqlite';
const TOKEN = `bench-${randomUUID()}`;
const CONNECT_CONCURRENCY = 50;

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
  loadavgBefore: number[];
  loadavgAfter: number[];
}

interface Counters {
  launches: number;
  runningAcked: number;
  firstLaunchAt: number;
  lastLaunchAt: number;
  allRunningAt: number;
}

/** One simulated agent: registers, heartbeats, answers launches with STARTING + RUNNING. */
async function simAgent(url: string, i: number, c: Counters, total: number): Promise<AgentLink> {
  const link = await dialMaster({ url, token: TOKEN, logger: silentLogger(), pingIntervalMs: 0 });
  let agentId = '';
  const runningUpdates = new Set<string>();
  let heartbeat: NodeJS.Timeout | undefined;
  const registered = new Promise<void>((resolve, reject) => {
    link.onMessage((msg: MasterToAgent) => {
      switch (msg.type) {
        case 'registered':
          agentId = msg.agentId;
          heartbeat = setInterval(() => link.send({ type: 'heartbeat', agentId }), 5_000);
          heartbeat.unref();
          resolve();
          return;
        case 'refused':
          reject(new Error(msg.reason));
          return;
        case 'launch': {
          const now = performance.now();
          c.launches += 1;
          if (c.firstLaunchAt === 0) c.firstLaunchAt = now;
          c.lastLaunchAt = now;
          const { taskId, appId } = msg.task;
          for (const state of ['TASK_STARTING', 'TASK_RUNNING'] as const) {
            const updateId = randomUUID();
            if (state === 'TASK_RUNNING') runningUpdates.add(updateId);
            link.send({
              type: 'statusUpdate',
              updateId,
              agentId,
              taskId,
              appId,
              state,
              timestamp: Date.now(),
            });
          }
          return;
        }
        case 'ack':
          if (runningUpdates.delete(msg.updateId)) {
            c.runningAcked += 1;
            if (c.runningAcked === total) c.allRunningAt = performance.now();
          }
          return;
        case 'kill':
          link.send({
            type: 'statusUpdate',
            updateId: randomUUID(),
            agentId,
            taskId: msg.taskId,
            appId: '',
            state: 'TASK_KILLED',
            timestamp: Date.now(),
          });
          return;
        default:
          return;
      }
    });
  });
  link.onClose(() => clearInterval(heartbeat));
  link.send({
    type: 'register',
    protocolVersion: PROTOCOL_VERSION,
    hostname: `sim-${i}.bench`,
    address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    resources: { cpus: 16, mem: 65_536, disk: 100_000, ports: [[31_000, 32_000]] },
    attributes: { rack: `rack-${i % 20}` },
    capabilities: { docker: false },
    runningTasks: [],
  });
  await registered;
  return link;
}

async function until(cond: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function benchProtocolPlacement(): Promise<ProtocolPlacementResult> {
  const loadavgBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  const dir = mkdtempSync(join(tmpdir(), 'drover-bench-proto-'));
  const dbs = STORE === 'postgres' ? await tempDatabases() : undefined;
  const storeSpec = dbs ? await dbs.create() : join(dir, 'state.db');
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
  const links: AgentLink[] = [];
  try {
    const wsUrl = agentEndpointUrl(api)!;
    const total = APPS * INSTANCES;
    const c: Counters = { launches: 0, runningAcked: 0, firstLaunchAt: 0, lastLaunchAt: 0, allRunningAt: 0 };

    const t0 = performance.now();
    for (let i = 0; i < AGENTS; i += CONNECT_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, AGENTS - i) }, (_, k) =>
        simAgent(wsUrl, i + k, c, total),
      );
      links.push(...(await Promise.all(batch)));
    }
    const connectAllMs = performance.now() - t0;

    const start = performance.now();
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
        timeoutMs: 600_000,
      });
      if (res.status !== 201) throw new Error(`POST app-${a}: ${res.status} ${res.text}`);
    }
    await until(() => c.launches >= total, `${total} launches`, 600_000);
    await until(() => c.runningAcked >= total, `${total} running`, 600_000);
    const queue = await http(`${api}/v2/queue`, { timeoutMs: 60_000 });
    const unplaced = ((queue.json as { queue?: Array<{ count: number }> }).queue ?? []).reduce(
      (n, q) => n + q.count,
      0,
    );
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
      loadavgBefore,
      loadavgAfter: loadavg().map((l) => Math.round(l * 100) / 100),
    };
  } finally {
    for (const l of links) l.close();
    await master.cleanup();
    await dbs?.dropAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify({ bench: 'protocol-placement', ...(await benchProtocolPlacement()) }));
}
