/**
 * A simulation of a multi-master cluster (issue 6): N MasterNodes campaigning on one
 * MemoryLeaderLease over one memory store, real Agents with fake executors dialling the masters
 * through their real MasterConnector, all on one fake clock. Masters can be killed (every I/O of
 * theirs fails from then on and their agent links drop, as for kill -9) or cut off from the store;
 * agents can be partitioned (their link goes silent, then drops when the pings would notice).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { Agent } from '../../src/agent/agent.js';
import { FakeExecutor } from '../../src/agent/executors/fake-executor.js';
import { MasterConnector } from '../../src/agent/master-connector.js';
import type { DialOptions } from '../../src/agent/ws-link.js';
import { LeaseElection } from '../../src/control-plane/leadership/election.js';
import { MasterNode } from '../../src/control-plane/leadership/master-node.js';
import type { Master } from '../../src/control-plane/master.js';
import type { AgentLink, Link, MasterLink } from '../../src/domain/agent-protocol.js';
import { parseAppDefinition } from '../../src/domain/app-validate.js';
import { DroverError } from '../../src/domain/errors.js';
import type { TaskRecord } from '../../src/domain/task.js';
import { seededRandom, sequentialIds } from '../../src/platform/ids.js';
import { silentLogger } from '../../src/platform/logger.js';
import { createMemoryLinkPair } from '../../src/platform/memory-link.js';
import { FakeClock } from '../../src/platform/testing/fake-clock.js';
import { leaseFence } from '../../src/store/fenced-store.js';
import type { LeaderLease } from '../../src/store/lease-port.js';
import { MemoryLeaderLease } from '../../src/store/memory-lease.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store, StoreOps } from '../../src/store/port.js';
import { routeOps } from '../../src/store/postgres/op-kinds.js';

export const LEASE_MS = 2_000;
export const AGENT_TIMEOUT_MS = 3_000;
/** How long a silent link stays open before the pings close it. */
export const PING_MS = 1_000;

export interface SimMaster {
  name: string;
  url: string;
  node: MasterNode;
  /** Killed or cut off from the store: every lease and store call fails. */
  down: boolean;
  links: Set<Link<unknown, unknown>>;
  /** The node's metrics registry, handed to every term's job runtime (as bin/master.ts does). */
  registry: Registry;
}

export interface SimAgent {
  hostname: string;
  agent: Agent;
  executor: FakeExecutor;
  connector: MasterConnector;
  /** While set, the agent's network is cut: its link goes silent, dials fail. */
  cut: boolean;
  links: Set<Link<unknown, unknown>>;
}

export interface HaSimOptions {
  masters?: number;
  agents?: string[];
  agentTimeoutMs?: number;
}

export class HaSim {
  readonly clock = new FakeClock();
  readonly lease = new MemoryLeaderLease(() => this.clock.now());
  readonly store: Store = createMemoryStore({ lease: () => this.lease.peek() });
  readonly masters: SimMaster[] = [];
  readonly agents: SimAgent[] = [];
  private readonly ids = sequentialIds();
  private readonly logger = silentLogger();
  private readonly workRoot = mkdtempSync(join(tmpdir(), 'drover-hasim-'));

  constructor(private readonly opts: HaSimOptions = {}) {}

  static async create(opts: HaSimOptions = {}): Promise<HaSim> {
    const sim = new HaSim(opts);
    for (let i = 0; i < (opts.masters ?? 3); i++) sim.addMaster(i);
    for (const h of opts.agents ?? ['a1', 'a2', 'a3']) sim.addAgent(h);
    await sim.until(() => sim.leader() !== undefined && sim.agents.every((a) => sim.registered(a)), {
      what: 'a leader with every agent registered',
    });
    return sim;
  }

  private addMaster(i: number): void {
    const name = `m${i}`;
    const url = `http://${name}:8080`;
    const registry = new Registry();
    const sm = { name, url, down: false, links: new Set(), registry } as unknown as SimMaster;
    const holder = `${name}/${i}`;
    const lease = guardedLease(this.lease, () => sm.down);
    sm.node = new MasterNode({
      deps: {
        clock: this.clock,
        ids: this.ids,
        random: seededRandom(11 + i),
        logger: this.logger,
        http: { host: name, port: 8080 },
        agentTimeoutMs: this.opts.agentTimeoutMs ?? AGENT_TIMEOUT_MS,
        jobs: { metricsRegistry: registry },
      },
      store: guardedStore(this.store, () => sm.down),
      election: new LeaseElection({
        lease,
        holder,
        address: url,
        clock: this.clock,
        logger: this.logger,
        leaseMs: LEASE_MS,
      }),
      fence: (term) => leaseFence(holder, term),
      selfUrl: url,
    });
    sm.node.start();
    this.masters.push(sm);
  }

  private addAgent(hostname: string): void {
    const i = this.agents.length;
    const executor = new FakeExecutor(this.clock);
    const agent = new Agent({
      hostname,
      address: hostname,
      resources: { cpus: 4, mem: 4096, disk: 10_000, ports: [[31000 + i * 1000, 31999 + i * 1000]] },
      attributes: {},
      workDir: join(this.workRoot, hostname),
      executors: { process: executor },
      clock: this.clock,
      ids: this.ids,
      logger: this.logger,
      heartbeatIntervalMs: 500,
      agentId: `agent-${hostname}`,
    });
    const sa = { hostname, agent, executor, cut: false, links: new Set() } as unknown as SimAgent;
    sa.connector = new MasterConnector({
      masters: this.masters.map((m) => `ws://${m.name}:8080/agent/v1`),
      token: undefined,
      agent,
      clock: this.clock,
      random: seededRandom(100 + i),
      logger: this.logger,
      minBackoffMs: 200,
      maxBackoffMs: 2_000,
      dial: (o) => this.dial(sa, o),
    });
    sa.connector.start();
    this.agents.push(sa);
  }

  /** A fake network: memory links, a redirect handled as ws-link.ts does, cuts and dead masters. */
  private async dial(sa: SimAgent, o: DialOptions): Promise<AgentLink> {
    const host = new URL(o.url).hostname;
    const m = this.masters.find((x) => x.name === host);
    if (!m || m.down || sa.cut) throw new Error(`cannot reach ${o.url}`);
    const { agentEnd, masterEnd } = createMemoryLinkPair();
    const agentSide = silenceable(
      agentEnd,
      () => sa.cut,
      (msg) => {
        if ((msg as { type?: string }).type !== 'redirect') return false;
        o.onRedirect?.((msg as { leader: string }).leader);
        agentEnd.close();
        return true;
      },
    );
    const masterSide = silenceable(masterEnd, () => sa.cut);
    for (const set of [sa.links, m.links]) {
      set.add(agentEnd as Link<unknown, unknown>);
      agentEnd.onClose(() => set.delete(agentEnd as Link<unknown, unknown>));
    }
    m.node.connectAgent(masterSide as MasterLink);
    return agentSide as AgentLink;
  }

  leader(): SimMaster | undefined {
    const leading = this.masters.filter((m) => !m.down && m.node.master !== undefined);
    if (leading.length > 1) throw new Error(`two masters lead: ${leading.map((m) => m.name)}`);
    return leading[0];
  }

  /** The leader's Master; throws when none leads. */
  master(): Master {
    const m = this.leader()?.node.master;
    if (!m) throw new Error('no leader');
    return m;
  }

  registered(a: SimAgent): boolean {
    const m = this.leader()?.node.master;
    return a.agent.isRegistered && m?.agents().some((x) => x.id === a.agent.id && x.connected) === true;
  }

  async deploy(json: unknown): Promise<void> {
    await this.master().createApp(parseAppDefinition(json));
  }

  tasks(appId?: string): TaskRecord[] {
    return this.master().listTasks(appId);
  }

  /** As kill -9: the process stops doing anything, its connections drop. */
  kill(m: SimMaster): void {
    m.down = true;
    for (const l of [...m.links]) l.close();
  }

  /**
   * A killed master comes back (a restarted process on the same address): its store and lease
   * calls work again and agents may dial it; it campaigns like any standby.
   */
  revive(m: SimMaster): void {
    m.down = false;
  }

  /** Cut an agent's network: silent at once; the link drops when pings would notice. */
  cutAgent(a: SimAgent): void {
    a.cut = true;
    this.clock.setTimer(PING_MS, () => {
      for (const l of [...a.links]) l.close();
    });
  }

  healAgent(a: SimAgent): void {
    a.cut = false;
  }

  async until(
    pred: () => boolean,
    o: { stepMs?: number; maxMs?: number; what?: string } = {},
  ): Promise<void> {
    const step = o.stepMs ?? 100;
    const max = o.maxMs ?? 60_000;
    for (let waited = 0; ; waited += step) {
      await new Promise((r) => setTimeout(r, 0));
      let ok = false;
      try {
        ok = pred();
      } catch {
        ok = false;
      }
      if (ok) return;
      if (waited >= max)
        throw new Error(`hasim: ${o.what ?? 'condition'} not reached within ${max} ms of fake time`);
      await this.clock.advance(step);
    }
  }

  async stop(): Promise<void> {
    for (const a of this.agents) a.connector.stop();
    for (const m of this.masters) m.down = true;
    await Promise.all(this.masters.map((m) => m.node.stop().catch(() => undefined)));
    await Promise.all(this.agents.map((a) => a.agent.stop({ killTasks: false })));
    // A launch that was under way when its agent stopped may still be writing its sandbox: an
    // ENOTEMPTY here is retried (Node's rimraf backs off) rather than failing the test.
    rmSync(this.workRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  }
}

/**
 * A link end whose traffic vanishes while `silent()`; `intercept` may swallow incoming messages.
 * As on a socket, what arrives before anyone listens waits for the first listener (a memory link
 * would drop it), and a close that happened already is reported to late listeners.
 */
function silenceable<Out, In>(
  link: Link<Out, In>,
  silent: () => boolean,
  intercept?: (msg: In) => boolean,
): Link<Out, In> {
  const handlers: Array<(msg: In) => void> = [];
  const closeHandlers: Array<() => void> = [];
  const early: In[] = [];
  let closed = false;
  link.onMessage((msg) => {
    if (silent() || intercept?.(msg)) return;
    if (handlers.length === 0) early.push(msg);
    else for (const h of handlers) h(msg);
  });
  link.onClose(() => {
    closed = true;
    for (const h of closeHandlers) h();
  });
  return {
    send(msg) {
      if (!silent()) link.send(msg);
    },
    onMessage(h) {
      handlers.push(h);
      if (handlers.length === 1 && early.length > 0) {
        const queued = early.splice(0);
        queueMicrotask(() => {
          for (const m of queued) for (const x of handlers) x(m);
        });
      }
    },
    onClose(h) {
      closeHandlers.push(h);
      if (closed) queueMicrotask(h);
    },
    close: () => link.close(),
  };
}

function unreachable(): never {
  throw new DroverError('UNAVAILABLE', 'store unreachable (simulated)');
}

function guardedLease(lease: LeaderLease, down: () => boolean): LeaderLease {
  return {
    acquire: async (r) => (down() ? unreachable() : lease.acquire(r)),
    release: async (h, t) => (down() ? unreachable() : lease.release(h, t)),
    current: async () => (down() ? unreachable() : lease.current()),
    close: () => lease.close(),
  };
}

function guardedStore(store: Store, down: () => boolean): Store {
  const guard = <T>(fn: (tx: StoreOps) => Promise<T>) =>
    down()
      ? Promise.reject(new DroverError('UNAVAILABLE', 'store unreachable (simulated)'))
      : store.transaction(fn);
  return {
    ...routeOps(
      new Proxy(store, {
        get: (t, p) => {
          const v = (t as unknown as Record<PropertyKey, unknown>)[p];
          return typeof v === 'function'
            ? async (...args: unknown[]) => (down() ? unreachable() : v.apply(t, args))
            : v;
        },
      }),
      guard,
    ),
    transaction: guard,
    close: async () => undefined,
  };
}
