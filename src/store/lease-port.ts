/**
 * The leader lease (one row, `leader_lease`): who leads the masters sharing a store, under which
 * term, until when. Two sides:
 *
 * - `LeaseStoreOps.readLease` is part of StoreOps so a fenced store (fenced-store.ts) can read the
 *   term inside the same transaction as the writes it guards: a write commits only while the
 *   term it was made under still holds.
 * - `LeaderLease` is the campaign side (acquire, renew, release), outside the Store port because
 *   only a shared database needs it (postgres/postgres-lease.ts; memory-lease.ts for simulations).
 */

export interface LeaseRecord {
  /** The holding master's id (unique per process start); '' when nobody ever held it. */
  holder: string;
  /** Grows by one at every change of holder (and when a holder takes its own expired lease back). */
  term: number;
  /** The holder's API base URL (`https://10.0.0.1:8080`), where standbys proxy to. */
  address: string;
  /** Epoch ms on the lease's own clock (the database's), not the reader's. */
  expiresAt: number;
}

export interface LeaseStoreOps {
  /**
   * The lease as committed. Inside a transaction it is read after every earlier writer committed
   * (PostgreSQL takes the write lock first, and so does every lease change), which is what makes
   * it a fencing token.
   */
  readLease(): Promise<LeaseRecord | undefined>;
}

export const LEASE_OP_KINDS: Readonly<Record<keyof LeaseStoreOps, 'read' | 'write'>> = {
  readLease: 'read',
};

export interface AcquireRequest {
  holder: string;
  address: string;
  ttlMs: number;
  /**
   * The term `holder` leads under now, to renew it. Absent when campaigning: then even a lease
   * this holder still holds is not taken back before it expires, and a take always opens a new
   * term, so nothing written under an abandoned term can pass the fence again.
   */
  heldTerm?: number;
}

export interface AcquireResult {
  /** Whether `holder` holds the lease now (renewed or newly taken). */
  held: boolean;
  /** The lease after the attempt: ours, or whoever holds it. */
  lease: LeaseRecord;
}

/** Calls take effect one at a time in the order they were made (a release after a renewal started ends it). */
export interface LeaderLease {
  /** Take the lease when it is free or expired, or extend it when `heldTerm` still holds. */
  acquire(req: AcquireRequest): Promise<AcquireResult>;
  /** Ends `holder`'s term at once (abdication, shutdown); nothing when it no longer holds `term`. */
  release(holder: string, term: number): Promise<void>;
  /** The lease now, without changing it. */
  current(): Promise<LeaseRecord | undefined>;
  close(): Promise<void>;
}

/**
 * A term renewed away from the caller's event loop (postgres/postgres-lease-keeper.ts: a worker
 * thread with its own connection). A leader's loop can stall (garbage collection of a large heap,
 * a long synchronous pass) for longer than its lease; renewed on that loop, the lease ran out and
 * the leader stepped down although nothing was wrong with it or its database (10,000 agents x
 * 100,000 tasks, BENCHMARKS.md). The keeper renews the same holder and term only, so fencing is
 * unchanged: every fenced write still checks the term in its own transaction.
 */
export interface KeepRequest {
  holder: string;
  term: number;
  ttlMs: number;
  /** Renewal period. */
  periodMs: number;
  /** When the renewal (or the acquire) the caller made last started: the keeper's first deadline counts from it. */
  renewedAt: number;
}

/** What the keeper knows of a kept term now. Times are epoch ms of the system clock. */
export type KeptState =
  | { kind: 'held'; renewedAt: number; lease?: LeaseRecord }
  | { kind: 'lost'; why: string; lease?: LeaseRecord };

export interface KeptLease {
  /**
   * Read now, renewals reported but not yet delivered included: after a stalled turn, a timer can
   * fire before the event loop has read the keeper's messages, and must not count those renewals
   * as missed.
   */
  state(): KeptState;
  /** Stops renewing this term (stepping down, abdicating). */
  stop(): void;
}

export interface LeaseKeeper {
  /** Renews `req.term` every period until stopped or lost; `onLost` runs on the caller's loop. */
  keep(req: KeepRequest, onLost: (state: KeptState & { kind: 'lost' }) => void): KeptLease;
  close(): Promise<void>;
}
