/**
 * Keeps every router on the current routing table (routing/routing-table.ts), updated from the
 * apps and tasks that changed (routing/route-book.ts). The master calls `refresh` once its serial
 * queue has run what was waiting (serial.ts) and right before it sends a kill; only a table that
 * differs from the last one is sent. A newly registered
 * agent gets the whole table at once; after that, agents that apply patches get only what
 * changed (routing/route-patch.ts), one frame encoded once for all of them. Pushing the whole
 * table to every agent after every change cost O(tasks x agents) per status update (1,000 agents
 * x 10,000 tasks: ~700 MB per update), the cost that grew with the cluster (BENCHMARKS.md).
 *
 * Each table has a version, and routers say which version they took: agents with a
 * `routesApplied` message, `drover router --haproxy` by asking `GET /v2/routes?after=V` (it asks
 * for what comes after the version it has applied). Before a kill proceeds the master waits, at
 * most `ackTimeoutMs`, for every router it knows to have taken the table without the task
 * (`afterApplied`), so no router sends a request to a task that is about to stop. Routers that
 * never acknowledged anything (an older agent) are not waited for; one that does not answer in
 * time is logged and the kill goes on.
 *
 * Versions start at the master's clock (ms) when it starts leading and count up, so a router that
 * followed the previous leader never holds a version the new one has not passed.
 *
 * It also keeps what each agent's router reports it cannot bind (routeStatus), for the app views
 * and `GET /v2/routes`, and announces changes as events (which the event log writes to the log);
 * an agent that disconnects takes its reports along.
 */
import type { RouteBindFailure, RouteTable } from '../../domain/agent-protocol.js';
import { DEFAULT_ROUTE_ACK_TIMEOUT_MS } from '../../domain/kill-timing.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { RouteBook, type RouteSource } from '../../routing/route-book.js';
import type { EventBus } from '../events/event-bus.js';
import type { MasterState } from '../master-state.js';
import type { AgentHub } from './agent-hub.js';
import { PushPacing } from './push-pacing.js';

export interface AgentBindFailure extends RouteBindFailure {
  agentId: string;
}

/** An external router that has not asked for this long is gone (its long poll lasts at most 60 s). */
const EXTERNAL_ROUTER_TTL_MS = 75_000;

interface Waiter {
  version: number;
  resolve(): void;
}

export class RoutePush {
  /** The table, kept up to date from the state's changes. */
  private readonly book = new RouteBook();
  private readonly source: RouteSource;
  private readonly failures = new Map<string, RouteBindFailure[]>();
  private currentVersion: number;
  /** Agents whose router acknowledged a table on their current link: version taken. */
  private readonly agentApplied = new Map<string, number>();
  /** `drover router` processes by name: version taken and when they last asked. */
  private readonly externalApplied = new Map<string, { version: number; seenAt: number }>();
  /** Waits for the routers to take a version (before kills). */
  private readonly ackWaiters = new Set<Waiter>();
  /** Long polls waiting for a version after theirs. */
  private readonly changeWaiters = new Set<Waiter>();
  /** When a burst's changes go out (push-pacing.ts). */
  private readonly pacing: PushPacing;

  constructor(
    private readonly hub: AgentHub,
    private readonly state: MasterState,
    private readonly events: EventBus,
    private readonly deps: { clock: Clock; logger: Logger; ackTimeoutMs?: number },
  ) {
    this.currentVersion = deps.clock.now();
    this.pacing = new PushPacing(deps.clock);
    this.source = {
      app: (id) => state.apps.get(id),
      task: (id) => state.tasks.get(id),
      tasksOf: (appId) => state.tasks.ofApp(appId),
      apps: () => state.apps.values(),
    };
  }

  /** Takes in what changed and pushes it to every connected agent when routes changed; returns the version. */
  refresh(): number {
    // Only the routes of apps and tasks that changed since are looked at (route-book.ts); many
    // steps of the master's queue (a pass with nothing to do, a job tick) change none.
    if (this.state.routeChanges.empty) return this.currentVersion;
    const patch = this.book.update(
      this.source,
      this.state.routeChanges.take(() => this.state.apps.keys()),
    );
    if (!patch) return this.currentVersion;
    const from = this.currentVersion;
    const version = ++this.currentVersion;
    this.hub.broadcastRoutes({ type: 'routesPatch', patch, from, version }, () => ({
      type: 'routes',
      table: this.book.table(),
      version,
    }));
    for (const w of this.changeWaiters) w.resolve();
    this.changeWaiters.clear();
    return this.currentVersion;
  }

  /**
   * Pushes what the master's queue changed (serial.ts calls this after a burst of steps, at the
   * time `schedule` picks), remembering what the push cost so the next one is paced. A failure is
   * logged: the next burst pushes again from the same changes.
   */
  pushChanges(): void {
    try {
      this.pacing.measure(() => {
        const before = this.currentVersion;
        return this.refresh() !== before;
      });
    } catch (err) {
      this.deps.logger.error({ err }, 'routing table push failed');
    }
  }

  /** Runs `push` when pushing has taken at most its share of the master's time (push-pacing.ts). */
  schedule(push: () => void): void {
    this.pacing.schedule(push);
  }

  /** An agent (re-)registered: it gets the whole table. */
  sendTo(agentId: string): void {
    this.refresh();
    this.hub.send(agentId, { type: 'routes', table: this.book.table(), version: this.currentVersion });
  }

  // Reads push what is pending first: a reader (GET /v2/routes, a long poll) sees what the
  // routers get, not a table a paced push has not sent yet.

  table(): RouteTable {
    this.pushChanges();
    return this.book.table();
  }

  version(): number {
    this.pushChanges();
    return this.currentVersion;
  }

  /** An agent's router took `version`. */
  applied(agentId: string, version: number): void {
    if (version > (this.agentApplied.get(agentId) ?? 0)) this.agentApplied.set(agentId, version);
    this.settleAcks();
  }

  /** A `drover router` named `name` asked for what follows `version`: it has applied that one. */
  externalRouterApplied(name: string, version: number): void {
    const before = this.externalApplied.get(name)?.version ?? 0;
    this.externalApplied.set(name, { version: Math.max(before, version), seenAt: this.deps.clock.now() });
    this.settleAcks();
  }

  /** Resolves once the table is past `after`, or after `waitMs` (long polls of `GET /v2/routes`). */
  changedAfter(after: number, waitMs: number, signal?: AbortSignal): Promise<void> {
    this.pushChanges();
    if (after !== this.currentVersion || waitMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const w: Waiter = {
        version: after,
        resolve: () => {
          cancel();
          signal?.removeEventListener('abort', w.resolve);
          this.changeWaiters.delete(w);
          resolve();
        },
      };
      const cancel = this.deps.clock.setTimer(waitMs, w.resolve);
      signal?.addEventListener('abort', w.resolve, { once: true });
      this.changeWaiters.add(w);
    });
  }

  /**
   * Undefined when every router known to acknowledge has taken `version` already; else a promise
   * that resolves when they have, or after the ack timeout (logged with who is late).
   */
  afterApplied(version: number): Promise<void> | undefined {
    if (this.late(version).length === 0) return undefined;
    return new Promise((resolve) => {
      const w: Waiter = {
        version,
        resolve: () => {
          cancel();
          this.ackWaiters.delete(w);
          resolve();
        },
      };
      const cancel = this.deps.clock.setTimer(this.deps.ackTimeoutMs ?? DEFAULT_ROUTE_ACK_TIMEOUT_MS, () => {
        this.deps.logger.warn(
          { version, late: this.late(version) },
          'routers did not acknowledge the routing table in time; the kill goes on',
        );
        w.resolve();
      });
      this.ackWaiters.add(w);
    });
  }

  /** Routers (agent ids, `router:<name>`) that have not taken `version`. */
  private late(version: number): string[] {
    const now = this.deps.clock.now();
    const late: string[] = [];
    for (const [agentId, v] of this.agentApplied) if (v < version) late.push(agentId);
    for (const [name, e] of this.externalApplied) {
      if (now - e.seenAt > EXTERNAL_ROUTER_TTL_MS) this.externalApplied.delete(name);
      else if (e.version < version) late.push(`router:${name}`);
    }
    return late;
  }

  private settleAcks(): void {
    for (const w of [...this.ackWaiters]) if (this.late(w.version).length === 0) w.resolve();
  }

  bindFailures(): AgentBindFailure[] {
    return [...this.failures].flatMap(([agentId, list]) => list.map((f) => ({ agentId, ...f })));
  }

  /** An agent's router reported the service ports it cannot bind (all of them, every time). */
  reported(agentId: string, failures: RouteBindFailure[]): void {
    const before = new Set((this.failures.get(agentId) ?? []).map((f) => f.servicePort));
    const now = new Set(failures.map((f) => f.servicePort));
    const host = this.state.agents.get(agentId)?.hostname ?? agentId;
    for (const f of failures) {
      if (before.has(f.servicePort)) continue;
      this.events.emit('router_bind_failed_event', {
        agentId,
        host,
        appId: f.appId,
        servicePort: f.servicePort,
        address: f.address,
        error: f.error,
      });
    }
    for (const f of this.failures.get(agentId) ?? []) {
      if (now.has(f.servicePort)) continue;
      this.events.emit('router_bind_recovered_event', {
        agentId,
        host,
        appId: f.appId,
        servicePort: f.servicePort,
      });
    }
    if (failures.length > 0) this.failures.set(agentId, failures);
    else this.failures.delete(agentId);
  }

  disconnected(agentId: string): void {
    this.failures.delete(agentId);
    this.agentApplied.delete(agentId);
    this.settleAcks();
  }
}
