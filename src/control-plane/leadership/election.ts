/**
 * Leader election over a LeaderLease. A standby polls the lease and takes it when it expires; the
 * leader renews it well before it runs out. The leader also keeps a local deadline (start of its
 * last successful renewal + lease length - one renewal period): when a renewal cannot get through
 * in time (database slow or cut off), it steps down at that deadline, before the lease can expire
 * in the database and another master can take it. Writes are fenced anyway (store/fenced-store.ts);
 * the deadline is what stops a cut-off leader from talking to agents as if it still led.
 *
 *   standby ──acquire ok──► leader ──renew refused / deadline / abdicate──► standby
 */
import type { CancelTimer, Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type {
  AcquireResult,
  KeptLease,
  LeaderLease,
  LeaseKeeper,
  LeaseRecord,
} from '../../store/lease-port.js';

export interface ElectionHandlers {
  /** This master leads from now on, under `term`, until `deposed(term)`. */
  elected(term: number): void;
  /** The term is over: stop acting now. */
  deposed(term: number, why: string): void;
  /** Every lease read: who leads (a standby proxies and redirects to it). */
  observed?(lease: LeaseRecord | undefined, heldBySelf: boolean): void;
  /**
   * Whether this master may campaign now (default yes). A master whose state is not loaded yet
   * waits (leadership/warm-standby.ts): a load under a lease it must renew could outlast it.
   */
  mayCampaign?(): boolean;
}

export interface Election {
  start(handlers: ElectionHandlers): void;
  /** Gives up leadership now and lets another master take it (DELETE /v2/leader). */
  abdicate(): Promise<void>;
  /** Stops campaigning; a leader releases its lease so a standby takes over at once. */
  stop(): Promise<void>;
}

export interface LeaseElectionOptions {
  lease: LeaderLease;
  /** Unique per master process. */
  holder: string;
  /** This master's API base URL, published in the lease. */
  address: string;
  clock: Clock;
  logger: Logger;
  /** Lease length. Default 2000 ms. */
  leaseMs?: number;
  /** Renew (leader) and poll (standby) period. Default leaseMs / 8. */
  pollMs?: number;
  /** After abdicating, do not campaign for this long, so another master wins. Default leaseMs. */
  abdicateHoldMs?: number;
  /**
   * Renews a held term off this event loop (a worker thread on PostgreSQL), so a stalled loop does
   * not lose the lease; the deadline then counts from the keeper's last renewal, read when it
   * fires. Its times are the system clock's, so `clock` must be the system clock. Without it the
   * leader renews from its own loop (simulations, the memory lease).
   */
  keeper?: LeaseKeeper;
}

export const DEFAULT_LEASE_MS = 2_000;

export class LeaseElection implements Election {
  private handlers: ElectionHandlers | undefined;
  private term: number | undefined;
  private timer: CancelTimer | undefined;
  private deadlineTimer: CancelTimer | undefined;
  private deadlineAt = 0;
  /** The held term as the keeper renews it (with `opts.keeper`). */
  private kept: KeptLease | undefined;
  private keptRenewedAt = 0;
  private stopped = false;
  private holdUntil = 0;
  /** Results of attempts started before a later decision are ignored. */
  private attempt = 0;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly log: Logger;

  constructor(private readonly opts: LeaseElectionOptions) {
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.pollMs = opts.pollMs ?? Math.max(10, Math.floor(this.leaseMs / 8));
    if (this.pollMs * 2 >= this.leaseMs) throw new Error('the poll period must be under half the lease');
    this.log = opts.logger.child({ component: 'election', holder: opts.holder });
  }

  start(handlers: ElectionHandlers): void {
    this.handlers = handlers;
    this.schedule(0);
  }

  async abdicate(): Promise<void> {
    const term = this.term;
    if (term === undefined) return;
    this.holdUntil = this.opts.clock.now() + (this.opts.abdicateHoldMs ?? this.leaseMs);
    this.stepDown('abdicated');
    await this.opts.lease.release(this.opts.holder, term).catch((err) => {
      // The lease then simply runs out; others take it a little later.
      this.log.warn({ err: (err as Error).message }, 'cannot release the lease');
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.();
    const term = this.term;
    if (term !== undefined) {
      this.stepDown('stopping');
      await this.opts.lease.release(this.opts.holder, term).catch(() => undefined);
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer?.();
    this.timer = this.opts.clock.setTimer(ms, () => {
      this.timer = undefined;
      void this.tick();
    });
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const attempt = ++this.attempt;
    const startedAt = this.opts.clock.now();
    const held = this.term;
    if (held !== undefined && this.kept) {
      // The keeper renews; this loop only reads what it did (and steps down on its news).
      this.readKept();
      this.schedule(this.pollMs);
      return;
    }
    if (held === undefined && (startedAt < this.holdUntil || this.handlers?.mayCampaign?.() === false)) {
      await this.watch();
      if (this.stopped || attempt !== this.attempt) return;
      this.schedule(this.pollMs);
      return;
    }
    let result: AcquireResult | undefined;
    try {
      result = await this.opts.lease.acquire({
        holder: this.opts.holder,
        address: this.opts.address,
        ttlMs: this.leaseMs,
        ...(held !== undefined ? { heldTerm: held } : {}),
      });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'lease unreachable');
      if (held === undefined) this.handlers?.observed?.(undefined, false);
    }
    if (this.stopped || attempt !== this.attempt) return;
    if (result) this.decide(result, startedAt);
    this.schedule(this.pollMs);
  }

  /** Just looks, without campaigning (after abdicating): standbys still need to know who leads. */
  private async watch(): Promise<void> {
    try {
      const lease = await this.opts.lease.current();
      // Our own released lease names no leader.
      this.handlers?.observed?.(lease?.holder === this.opts.holder ? undefined : lease, false);
    } catch {
      this.handlers?.observed?.(undefined, false);
    }
  }

  private decide(result: AcquireResult, startedAt: number): void {
    const { lease } = result;
    const held = this.term;
    if (result.held && held !== undefined && lease.term !== held) {
      // Our lease ran out in the database and we took it again: a new term, so start over.
      this.stepDown(`term ${held} ran out before its renewal`);
    }
    if (!result.held) {
      // Seen first, so a stepping-down leader can send its agents straight to the new one.
      this.handlers?.observed?.(lease, false);
      if (held !== undefined) this.stepDown(`lease lost to ${lease.holder} (term ${lease.term})`);
      return;
    }
    this.armDeadline(startedAt + this.leaseMs - this.pollMs);
    this.handlers?.observed?.(lease, true);
    if (this.term === undefined) {
      this.term = lease.term;
      this.log.info({ term: lease.term }, 'elected leader');
      const keeper = this.opts.keeper;
      if (keeper) {
        const term = lease.term;
        this.keptRenewedAt = startedAt;
        const req = {
          holder: this.opts.holder,
          term,
          ttlMs: this.leaseMs,
          periodMs: this.pollMs,
          renewedAt: startedAt,
        };
        this.kept = keeper.keep(req, () => {
          if (this.term === term) this.readKept();
        });
      }
      this.handlers?.elected(lease.term);
    }
  }

  /** Takes in the keeper's renewals (moving the deadline) or its loss (stepping down). */
  private readKept(): void {
    const state = this.kept?.state();
    if (state === undefined || this.term === undefined) return;
    if (state.kind === 'lost') {
      if (state.lease && state.lease.holder !== this.opts.holder)
        this.handlers?.observed?.(state.lease, false);
      this.stepDown(state.why);
      return;
    }
    if (state.renewedAt <= this.keptRenewedAt) return;
    this.keptRenewedAt = state.renewedAt;
    this.armDeadline(state.renewedAt + this.leaseMs - this.pollMs);
    if (state.lease) this.handlers?.observed?.(state.lease, true);
  }

  private armDeadline(at: number): void {
    this.deadlineTimer?.();
    this.deadlineAt = at;
    this.deadlineTimer = this.opts.clock.setTimer(at - this.opts.clock.now(), () => {
      this.deadlineTimer = undefined;
      // The keeper may have renewed while this loop stalled; its messages are not delivered yet.
      if (this.kept) {
        this.readKept();
        if (this.term === undefined || this.deadlineAt > this.opts.clock.now()) return;
      }
      this.stepDown('could not renew the lease in time');
    });
  }

  private stepDown(why: string): void {
    const term = this.term;
    if (term === undefined) return;
    this.term = undefined;
    this.attempt += 1;
    this.kept?.stop();
    this.kept = undefined;
    this.deadlineTimer?.();
    this.deadlineTimer = undefined;
    this.log.warn({ term, why }, 'no longer leader');
    this.handlers?.deposed(term, why);
    this.schedule(this.pollMs);
  }
}

/**
 * A single master on a store nobody shares (SQLite): it leads from the start. Abdicating ends the
 * term and starts the next at once, which reloads state as a failover would.
 */
export class SoleLeader implements Election {
  private term = 0;
  private handlers: ElectionHandlers | undefined;
  private leading = false;

  constructor(private readonly address: string) {}

  start(handlers: ElectionHandlers): void {
    this.handlers = handlers;
    this.elect();
  }

  async abdicate(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.handlers?.deposed(this.term, 'abdicated');
    this.elect();
  }

  async stop(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.handlers?.deposed(this.term, 'stopping');
  }

  private elect(): void {
    this.term += 1;
    this.leading = true;
    this.handlers?.observed?.({ holder: 'self', term: this.term, address: this.address, expiresAt: 0 }, true);
    this.handlers?.elected(this.term);
  }
}
