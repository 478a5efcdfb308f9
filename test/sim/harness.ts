/**
 * The simulation harness (DESIGN.md §5.6): a real Master and real Agents over in-memory links,
 * with a memory store, a fake clock, sequential ids, a seeded RNG and fake executors. Tests drive
 * time and task exits and assert on state; nothing sleeps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../src/agent/agent.js';
import { FakeExecutor, type FakeExecutorOptions } from '../../src/agent/executors/fake-executor.js';
import { FakeProber } from '../../src/agent/health/fake-prober.js';
import { Master } from '../../src/control-plane/master.js';
import type { Resources } from '../../src/domain/agent.js';
import type { RouteTable } from '../../src/domain/agent-protocol.js';
import { parseAppDefinition } from '../../src/domain/app-validate.js';
import type { TaskRecord } from '../../src/domain/task.js';
import { seededRandom, sequentialIds } from '../../src/platform/ids.js';
import { silentLogger } from '../../src/platform/logger.js';
import { createMemoryLinkPair } from '../../src/platform/memory-link.js';
import { FakeClock } from '../../src/platform/testing/fake-clock.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/port.js';

export interface SimAgentSpec {
  hostname: string;
  resources?: Partial<Resources>;
  attributes?: Record<string, string>;
}

export interface SimOptions {
  agents?: SimAgentSpec[];
  store?: Store;
  clock?: FakeClock;
  seed?: number;
  /** The master's kill drain (TASK_KILLING before SIGTERM; domain/kill-timing.ts). Default 0. */
  killDrainMs?: number;
  /** What every launched task does (output, exit code...); default: nothing, runs until killed. */
  program?: FakeExecutorOptions['program'];
  /**
   * Give every agent a router that keeps the tables it is sent (`routerTables`). Off by default:
   * routers acknowledge tables, and kills wait for that.
   */
  routers?: boolean;
}

export interface Sim {
  clock: FakeClock;
  store: Store;
  master: Master;
  agents: Agent[];
  executors: FakeExecutor[];
  /**
   * What every task's health and readiness endpoints answer (healthy unless a test says
   * otherwise): `sim.probes.set(taskId, 'unhealthy')` makes one start failing.
   */
  probes: FakeProber;
  /** With `routers`: hostname -> the routing table that agent's router has now. */
  routerTables: Map<string, RouteTable>;
  /** POST an app (Marathon JSON) through domain validation, as the API would. */
  deploy(json: unknown): Promise<void>;
  /** Advance fake time in steps until `pred` holds; throws after `maxMs` of fake time. */
  until(pred: () => boolean, opts?: { stepMs?: number; maxMs?: number; what?: string }): Promise<void>;
  tasks(appId?: string): TaskRecord[];
  running(appId?: string): TaskRecord[];
  /** No deployment is running: every change so far is fully deployed (a next one is not refused). */
  settled(): boolean;
  /** Stops the master and starts a new one on the same store and clock; the agents re-register. */
  restartMaster(): Promise<Master>;
  /** Stop the master and agents (tasks are left to the fake executors). */
  stop(): Promise<void>;
}

function connect(master: Master, agent: Agent): void {
  const { agentEnd, masterEnd } = createMemoryLinkPair();
  master.connectAgent(masterEnd);
  agent.connect(agentEnd);
}

export async function createSim(opts: SimOptions = {}): Promise<Sim> {
  const clock = opts.clock ?? new FakeClock();
  const store = opts.store ?? createMemoryStore();
  const ids = sequentialIds();
  const logger = silentLogger();
  const workRoot = mkdtempSync(join(tmpdir(), 'drover-sim-'));
  const master = await Master.create({
    store,
    clock,
    ids,
    random: seededRandom(opts.seed ?? 1),
    logger,
    http: { host: '127.0.0.1', port: 8080 },
    killDrainMs: opts.killDrainMs ?? 0,
  });
  const specs = opts.agents ?? [{ hostname: 'agent-a' }, { hostname: 'agent-b' }];
  const executors: FakeExecutor[] = [];
  const probes = new FakeProber();
  const routerTables = new Map<string, RouteTable>();
  const agents = specs.map((s, i) => {
    const exec = new FakeExecutor(clock, opts.program ? { program: opts.program } : {});
    executors.push(exec);
    const agent = new Agent({
      hostname: s.hostname,
      address: s.hostname,
      resources: {
        cpus: 4,
        mem: 4096,
        disk: 10_000,
        ports: [[31000 + i * 1000, 31999 + i * 1000]],
        ...s.resources,
      },
      attributes: s.attributes ?? {},
      workDir: join(workRoot, s.hostname),
      executors: { process: exec },
      clock,
      ids,
      logger,
      heartbeatIntervalMs: 5_000,
      agentId: `agent-${s.hostname}`,
      prober: probes,
      ...(opts.routers
        ? { router: { apply: (table: RouteTable) => routerTables.set(s.hostname, table) } }
        : {}),
    });
    connect(master, agent);
    return agent;
  });
  master.start();

  const sim: Sim = {
    clock,
    store,
    master,
    agents,
    executors,
    probes,
    routerTables,
    async deploy(json) {
      await sim.master.createApp(parseAppDefinition(json));
    },
    async until(pred, o = {}) {
      const step = o.stepMs ?? 100;
      const max = o.maxMs ?? 120_000;
      for (let waited = 0; ; waited += step) {
        // Agents touch the real file system (sandboxes): give real I/O a turn too.
        await new Promise((r) => setTimeout(r, 0));
        if (pred()) return;
        if (waited >= max)
          throw new Error(`sim: ${o.what ?? 'condition'} not reached within ${max} ms of fake time`);
        await clock.advance(step);
      }
    },
    tasks: (appId) => sim.master.listTasks(appId),
    running: (appId) => sim.master.listTasks(appId).filter((t) => t.state === 'TASK_RUNNING'),
    settled: () => sim.master.deployments().length === 0,
    async restartMaster() {
      await sim.master.stop();
      const next = await Master.create({
        store,
        clock,
        ids,
        random: seededRandom((opts.seed ?? 1) + 1),
        logger,
        http: { host: '127.0.0.1', port: 8080 },
      });
      next.start();
      sim.master = next;
      for (const agent of agents) connect(next, agent);
      return next;
    },
    async stop() {
      await sim.master.stop();
      await Promise.all(agents.map((a) => a.stop({ killTasks: false })));
      rmSync(workRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
    },
  };
  return sim;
}
