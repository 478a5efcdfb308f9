/**
 * Bench: event delivery latency, from a task status update applied at the master to an SSE client
 * of `GET /v2/events` having read it. A real Master (memory store, system clock) with two agents
 * running fake executors over in-memory links, the real API server on a loopback port, and N
 * clients in a worker thread (their own event loop, as separate consumers would have). Status
 * updates come from the real agent path: tasks are killed in rounds and replaced, each cycle giving
 * TASK_KILLED, TASK_STARTING and TASK_RUNNING. Both sides stamp with process.hrtime (one monotonic
 * clock for all threads). One more client never reads, to show a stalled consumer costs the
 * others nothing. Target: p99 <= 50 ms.
 *
 *   node --import tsx bench/event-latency.bench.ts     # prints one JSON line
 *   BENCH_EVENTS=2000 BENCH_CLIENTS=4 BENCH_STALLED=1 BENCH_INSTANCES=40 BENCH_KILL_BATCH=5 (defaults)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Agent } from '../src/agent/agent.js';
import { FakeExecutor } from '../src/agent/executors/fake-executor.js';
import { buildApiServer } from '../src/api/server.js';
import { Master } from '../src/control-plane/master.js';
import { parseAppDefinition } from '../src/domain/app-validate.js';
import { systemClock } from '../src/platform/clock.js';
import { systemIds, systemRandom } from '../src/platform/ids.js';
import { silentLogger } from '../src/platform/logger.js';
import { createMemoryLinkPair } from '../src/platform/memory-link.js';
import { createMemoryStore } from '../src/store/memory-store.js';
import { machine } from './support/machine.js';

const TARGET_P99_MS = 50;

/**
 * The clients, as plain JS evaluated in a worker: each opens the stream, records the hrtime at
 * which every `id:` line of a status_update_event arrives, and reports when told to stop.
 */
const CLIENTS_JS = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const { url, clients, stalled } = workerData;
const seen = Array.from({ length: clients }, () => []);
const reqs = [];
let open = 0;
for (let i = 0; i < clients; i++) {
  const req = http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    if (++open === clients) parentPort.postMessage({ type: 'open' });
    let buf = '';
    let id = '';
    res.on('data', (chunk) => {
      const at = process.hrtime.bigint();
      buf += chunk;
      for (let nl = buf.indexOf('\\n'); nl >= 0; nl = buf.indexOf('\\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('id: ')) id = line.slice(4);
        else if (line === '' && id !== '') { seen[i].push([Number(id), at]); id = ''; }
      }
    });
  });
  reqs.push(req);
}
// Clients that never read: they must cost the others nothing.
for (let i = 0; i < stalled; i++) {
  reqs.push(http.get(url.split('?')[0], { headers: { accept: 'text/event-stream' } }, (res) => res.pause()));
}
parentPort.on('message', (m) => {
  if (m.type === 'count') parentPort.postMessage({ type: 'count', counts: seen.map((s) => s.length) });
  if (m.type === 'stop') {
    for (const r of reqs) r.destroy();
    parentPort.postMessage({ type: 'done', seen });
  }
});
`;

interface LatencyResult {
  events: number;
  clients: number;
  stalledClients: number;
  deliveries: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  wallMs: number;
  eventsPerSec: number;
  targetP99Ms: number;
  pass: boolean;
  machine: ReturnType<typeof machine>;
}

export async function benchEventLatency(
  opts: { events?: number; clients?: number; stalled?: number; instances?: number; killBatch?: number } = {},
): Promise<LatencyResult> {
  const wanted = opts.events ?? Number(process.env.BENCH_EVENTS ?? 2_000);
  const clients = opts.clients ?? Number(process.env.BENCH_CLIENTS ?? 4);
  const stalled = opts.stalled ?? Number(process.env.BENCH_STALLED ?? 1);
  const instances = opts.instances ?? Number(process.env.BENCH_INSTANCES ?? 40);
  const killBatch = opts.killBatch ?? Number(process.env.BENCH_KILL_BATCH ?? 5);
  const before = machine();

  const workRoot = mkdtempSync(join(tmpdir(), 'drover-bench-events-'));
  const logger = silentLogger();
  const master = await Master.create({
    store: createMemoryStore(),
    clock: systemClock,
    ids: systemIds,
    random: systemRandom,
    logger,
    http: { host: '127.0.0.1', port: 0 },
    reconcileIntervalMs: 1_000,
  });
  const agents = ['bench-a', 'bench-b'].map((hostname, i) => {
    const agent = new Agent({
      hostname,
      address: `127.0.0.${i + 1}`,
      resources: { cpus: 64, mem: 65_536, disk: 100_000, ports: [[31_000 + i * 1000, 31_999 + i * 1000]] },
      attributes: {},
      workDir: join(workRoot, hostname),
      executors: { process: new FakeExecutor(systemClock) },
      clock: systemClock,
      ids: systemIds,
      logger,
      heartbeatIntervalMs: 5_000,
      agentId: `agent-${hostname}`,
    });
    const { agentEnd, masterEnd } = createMemoryLinkPair();
    master.connectAgent(masterEnd);
    agent.connect(agentEnd);
    return agent;
  });
  master.start();
  const api = buildApiServer({ master, logger });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const port = (api.server.address() as AddressInfo).port;

  // Stamped by the first subscriber, as the master emits: before any SSE write for that event.
  const emittedAt = new Map<number, bigint>();
  const off = master.events.subscribe((e) => {
    if (e.eventType === 'status_update_event') emittedAt.set(e.id, process.hrtime.bigint());
  });

  const worker = new Worker(CLIENTS_JS, {
    eval: true,
    workerData: {
      url: `http://127.0.0.1:${port}/v2/events?event_type=status_update_event`,
      clients,
      stalled,
    },
  });
  worker.on('error', (err) => {
    console.error(err);
    process.exit(2);
  });
  const fromWorker = (type: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (m.type !== type) return;
        worker.off('message', on);
        resolve(m);
      };
      worker.on('message', on);
    });
  await fromWorker('open');

  const running = () => master.listTasks('/bench').filter((t) => t.state === 'TASK_RUNNING');
  const until = async (pred: () => boolean, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 1));
    }
  };

  const start = process.hrtime.bigint();
  await master.createApp(
    parseAppDefinition({
      id: '/bench',
      cmd: 'serve',
      instances,
      cpus: 0.01,
      mem: 8,
      portDefinitions: [],
      taskKillGracePeriodSeconds: 0,
    }),
  );
  await until(() => running().length === instances, `${instances} running`);
  // Kill in rounds and wait for the replacements: a steady stream of real status updates.
  while (emittedAt.size < wanted) {
    const victims = running()
      .slice(0, killBatch)
      .map((t) => t.id);
    await master.killTasks(victims, { scale: false, force: false });
    await until(
      () => running().length === instances && victims.every((id) => !master.getTask(id)),
      'replacements running',
    );
  }
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;

  // Wait until every client has read every status event, then collect.
  const total = emittedAt.size;
  for (;;) {
    worker.postMessage({ type: 'count' });
    const { counts } = (await fromWorker('count')) as { counts: number[] };
    if (counts.every((c) => c >= total)) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  worker.postMessage({ type: 'stop' });
  const { seen } = (await fromWorker('done')) as { seen: Array<Array<[number, bigint]>> };
  await worker.terminate();

  const latencies: number[] = [];
  for (const client of seen) {
    for (const [id, at] of client) {
      const sent = emittedAt.get(id);
      if (sent !== undefined) latencies.push(Number(at - sent) / 1e6);
    }
  }
  latencies.sort((a, b) => a - b);
  const pct = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  const r3 = (n: number) => Math.round(n * 1000) / 1000;

  off();
  await api.close();
  await master.stop();
  await Promise.all(agents.map((a) => a.stop({ killTasks: false })));
  rmSync(workRoot, { recursive: true, force: true });

  const p99 = pct(0.99);
  return {
    events: total,
    clients,
    stalledClients: stalled,
    deliveries: latencies.length,
    p50Ms: r3(pct(0.5)),
    p90Ms: r3(pct(0.9)),
    p99Ms: r3(p99),
    maxMs: r3(latencies[latencies.length - 1] ?? NaN),
    meanMs: r3(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    wallMs: Math.round(wallMs),
    eventsPerSec: Math.round(total / (wallMs / 1000)),
    targetP99Ms: TARGET_P99_MS,
    pass: p99 <= TARGET_P99_MS && latencies.length === total * clients,
    machine: before,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchEventLatency();
  console.log(JSON.stringify({ bench: 'event-latency', ...result }));
  process.exit(result.pass ? 0 : 1);
}
