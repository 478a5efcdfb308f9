/**
 * A warm standby: a master that does not lead keeps the leader's state loaded (loaded-state.ts)
 * and follows the store's change feed (store/change-feed-port.ts) every `pollMs`, so that taking
 * over costs the changes since its last poll, not a full load of 100,000 tasks.
 *
 *   cold ──full load──► warm ──poll: changes since seq──► warm ─┬─ handOver() ──► the Master's
 *                         ▲                                     │  (consumed: a term's memory
 *                         └──── feed says 'reload' (pruned) ◄───┘   is never followed again)
 *
 * Each poll reads (changes, then the changed rows or whole small tables) and only then applies
 * them, synchronously, so a standby handed over or stopped between two awaits is never changed
 * again. Its state equals a fresh full load of the store once it caught up with no writer left
 * (the new leader holds the lease, so the old one is fenced): for every changed row, the last poll
 * that saw its last change read the row after that change. `warm-standby.test.ts` checks it
 * against a full load after random writes.
 */
import type { AgentInfo } from '../../domain/agent.js';
import type { AppDefinition } from '../../domain/app.js';
import type { TaskFailure, TaskRecord } from '../../domain/task.js';
import type { CancelTimer, Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { ChangeFeed, StoreChange } from '../../store/change-feed-port.js';
import type { Store } from '../../store/port.js';
import { DeploymentsState } from '../deployments/deployments-state.js';
import { JobsState } from '../jobs/jobs-state.js';
import { type LoadedState, loadState } from '../loaded-state.js';

export interface WarmStandbyOptions {
  store: Store;
  feed: ChangeFeed;
  clock: Clock;
  logger: Logger;
  /** How often the feed is read. Default 300 ms. */
  pollMs?: number;
  /** More changes than this since the last poll: a full load is cheaper. Default 50,000. */
  maxChanges?: number;
}

/** What one catch-up found: how many changes, and whether it had to load everything again. */
export interface CatchUp {
  changes: number;
  reloaded: boolean;
}

/** What a poll read, before it is applied. */
interface Fetched {
  seq: number;
  tasks: { ids: Set<string>; rows: TaskRecord[] };
  agents: { ids: Set<string>; rows: AgentInfo[] };
  apps?: { apps: AppDefinition[]; failures: TaskFailure[] };
  deployments?: DeploymentsState;
  jobs?: JobsState;
}

const RETRY_MAX_MS = 5_000;

export class WarmStandby {
  private loaded: LoadedState | undefined;
  private seq = 0;
  private timer: CancelTimer | undefined;
  /** Polls run one at a time, in order (the timer's and catchUp's). */
  private chain: Promise<unknown> = Promise.resolve();
  /** Stopped or handed over: nothing may change the state any more. */
  private closed = false;
  private failures = 0;
  private readonly pollMs: number;
  private readonly maxChanges: number;
  private readonly log: Logger;

  constructor(private readonly opts: WarmStandbyOptions) {
    this.pollMs = opts.pollMs ?? 300;
    this.maxChanges = opts.maxChanges ?? 50_000;
    this.log = opts.logger.child({ component: 'warm-standby' });
  }

  start(): void {
    this.schedule(0);
  }

  /** Loaded and following: a takeover costs only a catch-up. */
  get warm(): boolean {
    return this.loaded !== undefined && !this.closed;
  }

  /** The last attempt to load or follow failed (the store may be down or the data unreadable). */
  get failing(): boolean {
    return this.failures > 0;
  }

  /** The feed position the state is at (tests). */
  get position(): number {
    return this.seq;
  }

  /** Reads and applies every change since the last poll now (loads everything when cold). */
  catchUp(): Promise<CatchUp> {
    const run = this.chain.then(() => this.poll());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stops following and gives the state away; the caller owns it from now on. */
  handOver(): LoadedState {
    const loaded = this.loaded;
    if (loaded === undefined || this.closed) throw new Error('the standby is not warm');
    this.close();
    return loaded;
  }

  async stop(): Promise<void> {
    this.close();
    await this.chain;
  }

  private close(): void {
    this.closed = true;
    this.timer?.();
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = this.opts.clock.setTimer(ms, () => {
      this.timer = undefined;
      void this.catchUp().then(
        () => {
          this.failures = 0;
          this.schedule(this.pollMs);
        },
        (err) => {
          this.failures += 1;
          this.log.warn({ err: (err as Error).message, failures: this.failures }, 'cannot follow the store');
          this.schedule(Math.min(RETRY_MAX_MS, this.pollMs * 2 ** this.failures));
        },
      );
    });
  }

  private async poll(): Promise<CatchUp> {
    if (this.closed) return { changes: 0, reloaded: false };
    if (this.loaded === undefined) return this.loadAll();
    const since = await this.opts.feed.since(this.seq, this.maxChanges);
    if (since.kind === 'reload') return this.loadAll();
    if (since.changes.length === 0) return { changes: 0, reloaded: false };
    const fetched = await this.fetch(since.seq, since.changes, this.loaded);
    if (!this.closed) this.apply(fetched, this.loaded);
    return { changes: since.changes.length, reloaded: false };
  }

  private async loadAll(): Promise<CatchUp> {
    const startedAt = this.opts.clock.now();
    // The position first: whatever commits after it is replayed by the next poll (idempotent).
    const seq = await this.opts.feed.position();
    const loaded = await loadState(this.opts.store);
    if (this.closed) return { changes: 0, reloaded: true };
    this.loaded = loaded;
    this.seq = seq;
    this.log.info(
      { seq, tasks: loaded.state.tasks.size, loadMs: this.opts.clock.now() - startedAt },
      'standby state loaded: following the store',
    );
    return { changes: 0, reloaded: true };
  }

  private async fetch(seq: number, changes: StoreChange[], loaded: LoadedState): Promise<Fetched> {
    const { store, feed } = this.opts;
    const taskIds = new Set<string>();
    const agentIds = new Set<string>();
    const tables = new Set<string>();
    for (const c of changes) {
      if (c.table === 'tasks') taskIds.add(c.key);
      else if (c.table === 'agents') agentIds.add(c.key);
      else tables.add(c.table);
    }
    const out: Fetched = {
      seq,
      tasks: { ids: taskIds, rows: taskIds.size > 0 ? await feed.tasksById([...taskIds]) : [] },
      agents: { ids: agentIds, rows: agentIds.size > 0 ? await feed.agentsById([...agentIds]) : [] },
    };
    if (tables.has('apps') || tables.has('task_failures')) {
      const [apps, failures] = await Promise.all([store.listApps(), store.listTaskFailures()]);
      out.apps = { apps, failures };
    }
    // Groups are derived from the apps too (apps stored before groups were imply theirs).
    if (out.apps || tables.has('deployments') || tables.has('root_group_versions')) {
      out.deployments = await DeploymentsState.load(store, out.apps?.apps ?? loaded.state.apps.values());
    }
    if (tables.has('jobs') || tables.has('job_runs') || tables.has('job_progress')) {
      out.jobs = await JobsState.load(store);
    }
    return out;
  }

  /** Synchronous: a poll's changes land whole, between two of the event loop's turns. */
  private apply(f: Fetched, loaded: LoadedState): void {
    const { state } = loaded;
    const tasks = new Map(f.tasks.rows.map((t) => [t.id, t] as const));
    for (const id of f.tasks.ids) {
      const t = tasks.get(id);
      if (t) state.tasks.set(id, t);
      else state.tasks.delete(id);
    }
    const agents = new Map(f.agents.rows.map((a) => [a.id, a] as const));
    for (const id of f.agents.ids) {
      const a = agents.get(id);
      // As MasterState.load: no agent is connected to a master that just took over.
      if (a) state.agents.set(id, { ...a, connected: false });
      else state.agents.delete(id);
    }
    if (f.apps) {
      state.apps.clear();
      for (const app of f.apps.apps) state.apps.set(app.id, app);
      state.failures.clear();
      for (const x of f.apps.failures) if (state.apps.has(x.appId)) state.failures.set(x.appId, x);
    }
    if (f.deployments) loaded.deployments = f.deployments;
    if (f.jobs) loaded.jobs = f.jobs;
    this.seq = f.seq;
  }
}
