/**
 * One master process among several sharing a store. It always answers (the API, agent
 * connections), but only the leader runs a Master: elected, it loads state from the store into a
 * fresh Master whose writes are fenced by its term (store/fenced-store.ts) and starts its loops;
 * deposed, it stops them at once, sends its agents to the new leader and becomes a standby. A
 * Master never outlives its term, so a master that leads again later starts from the store, never
 * from memory that may have missed another leader's changes.
 *
 * With `warmStandby` (masters sharing PostgreSQL), a master that does not lead keeps that state
 * loaded and follows the store's change feed (warm-standby.ts). It campaigns only once it is warm,
 * so the full load of a large cluster never runs under a lease it must keep renewing, and a
 * takeover loads only the changes since the standby's last poll. A term deposed while catching up
 * leaves the standby as it was: still valid, still following, never loaded again from scratch
 * (a standby elected before it could load keeps what it loaded under that term the same way).
 * The state a term owned is not followed afterwards; the next standby loads from the store.
 *
 * Agents dialling a standby are redirected to the leader (protocol `redirect`); while no leader is
 * known (between a leader's death and the next election) they are held open and redirected as
 * soon as one is, instead of being sent round the masters with growing backoff.
 *
 * One event bus serves every term, so `/v2/events` subscribers and metrics survive a failover.
 */
import type { MasterLink } from '../../domain/agent-protocol.js';
import { DroverError } from '../../domain/errors.js';
import type { CancelTimer } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { type Fence, fencedStore } from '../../store/fenced-store.js';
import type { LeaseRecord } from '../../store/lease-port.js';
import type { Store } from '../../store/port.js';
import type { MasterDeps } from '../context.js';
import { EventBus } from '../events/event-bus.js';
import { Master } from '../master.js';
import { ChangeLogPruner } from './change-log-pruner.js';
import type { Election } from './election.js';
import { WarmStandby } from './warm-standby.js';

export interface MasterNodeOptions {
  /** What each term's Master gets, except the store (fenced per term here) and the event bus. */
  deps: Omit<MasterDeps, 'store' | 'events'>;
  /** The shared store, unfenced. */
  store: Store;
  election: Election;
  /** The fence of a term; absent when nobody else writes to the store (SQLite). */
  fence?: (term: number) => Fence;
  /** This master's API base URL, as the election publishes it (`http://10.0.0.1:8080`). */
  selfUrl: string;
  /** How long an agent that dialled while no leader was known waits for one. Default 15 s. */
  holdAgentsMs?: number;
  /** The bus every term announces on (the API subscribes before the node exists); default a new one. */
  events?: EventBus;
  /**
   * A term that cannot load its state gives the lease up (default), so another master may lead.
   * With nobody else to lead (`drover up`), `'fail'` makes `settled()` reject with the error.
   */
  onLoadFailure?: 'abdicate' | 'fail';
  /** Keep state warm while not leading (needs the store's change feed); see the header. */
  warmStandby?: { pollMs?: number };
}

/** How long `stop` waits for the last term's loops to finish. */
const STOP_WAIT_MS = 10_000;

interface Term {
  term: number;
  master: Master;
  /** Agent links handed to this term's Master, to redirect when the term ends. */
  links: Set<MasterLink>;
}

export class MasterNode {
  readonly events: EventBus;
  private current: Term | undefined;
  /** The term being loaded: elected, not serving yet. */
  private loading: number | undefined;
  private leaderSeen: string | undefined;
  private readonly held = new Map<MasterLink, CancelTimer>();
  private readonly trustedLinks = new WeakSet<MasterLink>();
  private transitions: Promise<void> = Promise.resolve();
  private readonly retiring = new Set<Promise<void>>();
  private readonly log: Logger;
  private stopped = false;
  private readonly settledWaiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private loadFailure: { err: unknown } | undefined;
  private standby: WarmStandby | undefined;
  private pruner: ChangeLogPruner | undefined;

  constructor(private readonly opts: MasterNodeOptions) {
    this.events = opts.events ?? new EventBus(() => opts.deps.clock.now());
    this.log = opts.deps.logger.child({ component: 'master-node' });
  }

  start(): void {
    this.startStandby();
    this.opts.election.start({
      elected: (term) => this.elected(term),
      deposed: (term, why) => this.deposed(term, why),
      observed: (lease, self) => this.observed(lease, self),
      mayCampaign: () => this.mayCampaign(),
    });
  }

  /** The warm standby (tests), while there is one. */
  get warmStandby(): WarmStandby | undefined {
    return this.standby;
  }

  private startStandby(): void {
    const feed = this.opts.store.changes;
    if (!this.opts.warmStandby || !feed || this.stopped || this.standby) return;
    const { clock, logger } = this.opts.deps;
    const pollMs = this.opts.warmStandby.pollMs;
    this.standby = new WarmStandby({
      store: this.opts.store,
      feed,
      clock,
      logger,
      ...(pollMs !== undefined ? { pollMs } : {}),
    });
    this.standby.start();
  }

  /**
   * Only a warm standby campaigns. One that cannot load (a store it cannot read) may still, so
   * a cluster is never left without a leader by it: it then loads as the new leader, cold.
   */
  private mayCampaign(): boolean {
    if (!this.opts.warmStandby || !this.opts.store.changes) return true;
    return this.standby !== undefined && (this.standby.warm || this.standby.failing);
  }

  /** The Master of the current term, once it serves; undefined on a standby. */
  get master(): Master | undefined {
    return this.current?.master;
  }

  /** The term this master leads under, once it serves. */
  get term(): number | undefined {
    return this.current?.term;
  }

  /** Where the API is served: this master's URL when it leads, the leader's, or undefined. */
  leaderUrl(): string | undefined {
    if (this.current) return this.opts.selfUrl;
    if (this.loading !== undefined) return undefined;
    return this.leaderSeen;
  }

  /**
   * Resolves once the API can be served: this master leads with its state loaded, or it knows
   * the leader to proxy to. The composition root announces itself only then.
   */
  settled(): Promise<void> {
    if (this.loadFailure) return Promise.reject(this.loadFailure.err);
    if (this.leaderUrl() !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => this.settledWaiters.push({ resolve, reject }));
  }

  private notifySettled(): void {
    if (this.leaderUrl() === undefined) return;
    for (const w of this.settledWaiters.splice(0)) w.resolve();
  }

  /** `trusted`: an in-process link (`drover up`), kept across terms; see Master.connectAgent. */
  connectAgent(link: MasterLink, opts: { trusted?: boolean } = {}): void {
    if (opts.trusted) this.trustedLinks.add(link);
    const cur = this.current;
    if (cur) {
      cur.links.add(link);
      link.onClose(() => cur.links.delete(link));
      cur.master.connectAgent(link, { trusted: this.trustedLinks.has(link) });
      return;
    }
    const leader = this.leaderUrl();
    if (leader !== undefined) {
      redirect(link, leader);
      return;
    }
    const release = this.opts.deps.clock.setTimer(this.opts.holdAgentsMs ?? 15_000, () => {
      this.held.delete(link);
      link.close();
    });
    this.held.set(link, release);
    link.onClose(() => {
      this.held.get(link)?.();
      this.held.delete(link);
    });
  }

  /** DELETE /v2/leader. Throws NOT_LEADER on a standby (the API proxies it to the leader first). */
  async abdicate(): Promise<void> {
    if (!this.current) throw new DroverError('NOT_LEADER', 'This master is not the leader');
    await this.opts.election.abdicate();
  }

  /** Ends the term (releasing the lease, so a standby takes over at once) and waits for the loops. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.opts.election.stop();
    await this.transitions;
    this.pruner?.stop();
    await this.standby?.stop();
    this.standby = undefined;
    for (const [link, release] of this.held) {
      release();
      link.close();
    }
    this.held.clear();
    // A term's loops may hang on a store that is cut off; shutting down must not wait for ever.
    await new Promise<void>((resolve) => {
      const cancel = this.opts.deps.clock.setTimer(STOP_WAIT_MS, resolve);
      void Promise.all([...this.retiring]).then(() => {
        cancel();
        resolve();
      });
    });
  }

  private elected(term: number): void {
    this.loading = term;
    this.leaderSeen = undefined;
    this.transitions = this.transitions.then(() => this.takeOver(term));
  }

  private async takeOver(term: number): Promise<void> {
    if (this.loading !== term || this.stopped) return;
    const fence = this.opts.fence?.(term);
    // Reported with the 'leading' line: a failover's cost grows with what there is to load.
    const loadStartedAt = this.opts.deps.clock.now();
    const deps: MasterDeps = {
      ...this.opts.deps,
      store: fence ? fencedStore(this.opts.store, fence) : this.opts.store,
      events: this.events,
      // A rolled-back batch may be in this term's memory: end the term; the next one reloads.
      onStoreFailure: () => void this.endTermAfterStoreFailure(term),
    };
    let master: Master;
    let how: Record<string, unknown> = { warm: false };
    try {
      const standby = this.standby;
      if (standby) {
        // The lease is ours, so the old leader is fenced: after this catch-up nobody else writes.
        // A standby elected cold (it could not load before: mayCampaign) loads everything here,
        // under the lease; what it loaded is kept even if the term ends first.
        const caught = await standby.catchUp();
        // Deposed meanwhile: the standby is still valid and goes on following.
        if (this.loading !== term || this.stopped) return;
        this.standby = undefined;
        master = Master.fromLoaded(deps, standby.handOver());
        how = { warm: !caught.reloaded, ...caught };
      } else {
        master = await Master.create(deps);
      }
    } catch (err) {
      if (this.opts.onLoadFailure === 'fail') {
        this.loading = undefined;
        this.loadFailure = { err };
        for (const w of this.settledWaiters.splice(0)) w.reject(err);
        return;
      }
      this.log.error({ err, term }, 'cannot load state as the new leader: giving the lease up');
      if (this.loading === term) {
        this.loading = undefined;
        await this.opts.election.abdicate();
      }
      this.startStandby();
      return;
    }
    if (this.loading !== term || this.stopped) {
      // Deposed while loading cold: never started; the state it loaded is followed from here on.
      this.startStandby();
      return;
    }
    this.loading = undefined;
    this.current = { term, master, links: new Set() };
    master.start();
    const feed = this.opts.store.changes;
    if (feed) {
      this.pruner = new ChangeLogPruner(feed, this.opts.deps.clock, this.log);
      this.pruner.start();
    }
    this.log.info(
      { term, loadMs: this.opts.deps.clock.now() - loadStartedAt, ...how },
      'leading: state loaded, loops started',
    );
    // Agents waiting for a leader re-dial this master (their registration went nowhere so far).
    this.releaseHeld(this.opts.selfUrl);
    this.notifySettled();
  }

  private async endTermAfterStoreFailure(term: number): Promise<void> {
    if (this.current?.term !== term) return;
    this.log.warn({ term }, 'a store write failed: giving the lease up so state is reloaded');
    await this.opts.election.abdicate().catch((err) => this.log.error({ err, term }, 'abdicating failed'));
  }

  private deposed(term: number, why: string): void {
    if (this.loading === term) this.loading = undefined;
    const cur = this.current;
    if (!cur || cur.term !== term) return;
    this.current = undefined;
    this.pruner?.stop();
    this.pruner = undefined;
    this.log.warn({ term, why }, 'stepping down: loops stopped, agents sent to the leader');
    // Agents first: from now on nothing this term decided may reach them.
    for (const link of cur.links) {
      const leader = this.leaderSeen;
      if (leader !== undefined) redirect(link, leader);
      else link.close();
    }
    const retired = cur.master
      .stop()
      .catch((err) => this.log.error({ err, term }, 'stopping the deposed term failed'))
      .finally(() => this.retiring.delete(retired));
    this.retiring.add(retired);
    // The term's memory may hold what its store writes did not: a new standby loads from the store.
    this.startStandby();
  }

  private observed(lease: LeaseRecord | undefined, self: boolean): void {
    if (self) return;
    // The address of an earlier incarnation of this master is no leader to send anyone to.
    const address =
      lease && lease.holder !== '' && lease.address !== this.opts.selfUrl ? lease.address : undefined;
    this.leaderSeen = address;
    if (address !== undefined) this.releaseHeld(address);
    this.notifySettled();
  }

  private releaseHeld(leader: string): void {
    for (const [link, release] of this.held) {
      release();
      redirect(link, leader);
    }
    this.held.clear();
  }
}

/** The leader as agents dial it: `host:port`, on the scheme and path they used (ws-link.ts). */
export function agentRedirectTarget(apiUrl: string): string {
  const u = new URL(apiUrl);
  return u.host;
}

function redirect(link: MasterLink, leaderUrl: string): void {
  link.send({ type: 'redirect', leader: agentRedirectTarget(leaderUrl) });
  link.close();
}
