/**
 * The leader lease on PostgreSQL. One dedicated connection (not the store's pool): a renewal must
 * never queue behind the store's queries, and a connection that failed or timed out is thrown
 * away whole, so a half-dead socket left by a network partition is never reused.
 *
 * Every change happens in one UPDATE that compares and sets (expired, or still ours under the
 * term we name) using the database's clock, so masters with skewed clocks agree on expiry. The
 * UPDATE runs under the store's write lock, which orders it against every fenced write
 * (fenced-store.ts): a write made under the old term commits before the new term exists, or sees
 * the new term and aborts.
 */
import pg from 'pg';
import type { AcquireRequest, AcquireResult, LeaderLease, LeaseRecord } from '../lease-port.js';
import { leaseFromRow } from '../sql/lease-store-ops.js';
import { STORE_WRITE_LOCK_KEY } from './write-lock.js';

export interface PostgresLeaseOptions {
  /** The store's database (its migrations made the table). */
  url: string;
  /** A statement (or a connect) taking longer fails, and the connection is dropped. Default 3000. */
  timeoutMs?: number;
  /** Shown in `pg_stat_activity` (the lease keeper's connection names itself). */
  applicationName?: string;
}

/** The lease on PostgreSQL, plus the renewal alone (what the lease keeper's worker runs). */
export interface PostgresLease extends LeaderLease {
  /**
   * Extends `holder`'s running `term` and nothing else: never takes an expired lease back, never
   * opens a term (a worker renewing for the main thread must not start a term it does not know of).
   * Returns whether it held and the lease as it is now.
   */
  renew(holder: string, term: number, ttlMs: number): Promise<AcquireResult>;
}

const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

const ACQUIRE = `
  update leader_lease set
    term = case when holder = $1 and term = $2 and expires_at_ms >= ${NOW_MS} then term else term + 1 end,
    holder = $1,
    address = $3,
    expires_at_ms = ${NOW_MS} + $4
  where id = 1 and (expires_at_ms < ${NOW_MS} or (holder = $1 and term = $2))
  returning holder, term, address, expires_at_ms`;

/**
 * A leader's renewal of a lease still running: it keeps holder and term, so no fenced write can
 * change meaning across it and it needs no write lock. Under the lock it waited behind every store
 * transaction, and a busy leader (10,000 agents' status updates, a reconcile pass's launches)
 * missed its deadline and stepped down, again each term (BENCHMARKS.md, scale simulation). Only
 * an expired lease, or a term to open, goes the locked way (ACQUIRE).
 */
const RENEW = `
  update leader_lease set expires_at_ms = ${NOW_MS} + $3
  where id = 1 and holder = $1 and term = $2 and expires_at_ms >= ${NOW_MS}
  returning holder, term, address, expires_at_ms`;

const READ = 'select holder, term, address, expires_at_ms from leader_lease where id = 1';

/** Whether a campaign could succeed now; standbys ask this first and take no lock while it is no. */
const TAKEABLE = `select holder, term, address, expires_at_ms, expires_at_ms < ${NOW_MS} as expired
  from leader_lease where id = 1`;

// Expiring (rather than clearing) keeps the holder and term: the next acquire still opens a new term.
const RELEASE = 'update leader_lease set expires_at_ms = 0 where id = 1 and holder = $1 and term = $2';

export function createPostgresLease(opts: PostgresLeaseOptions): PostgresLease {
  const timeoutMs = Math.max(1, Math.floor(opts.timeoutMs ?? 3_000));
  let client: Promise<pg.Client> | undefined;
  let closed = false;

  const connect = (): Promise<pg.Client> => {
    client ??= (async () => {
      const c = new pg.Client({
        connectionString: opts.url,
        connectionTimeoutMillis: timeoutMs,
        // Server-side timeouts are set per transaction (BEGIN below), not in the startup packet,
        // which pgbouncer refuses; outside a transaction the client-side timeout drops the socket.
        query_timeout: timeoutMs + 500,
        keepAlive: true,
        ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
      });
      // An idle connection that breaks must not crash the process; the next call reconnects.
      c.on('error', () => drop(c));
      await c.connect();
      return c;
    })();
    client.catch(() => {
      client = undefined;
    });
    return client;
  };

  const drop = (c: pg.Client) => {
    void client?.then((current) => {
      if (current === c) client = undefined;
    });
    void c.end().catch(() => undefined);
  };

  // One call at a time, in call order. pg queues each statement on the connection as it is sent,
  // so a release sent while a renewal's transaction waits on the write lock would run inside that
  // transaction, and the renewal's UPDATE after it would undo it: the abdicating leader kept the
  // lease and standbys could not take over until it ran out (HA e2e, DELETE /v2/leader).
  let last: Promise<unknown> = Promise.resolve();
  const withClient = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const run = async (): Promise<T> => {
      if (closed) throw new Error('lease is closed');
      const c = await connect();
      try {
        return await fn(c);
      } catch (err) {
        drop(c);
        throw err;
      }
    };
    const next = last.then(run);
    last = next.catch(() => undefined);
    return next;
  };

  return {
    acquire: (req: AcquireRequest): Promise<AcquireResult> =>
      withClient(async (c) => {
        if (req.heldTerm === undefined) {
          // Standbys poll often: only an expired lease is worth the write lock.
          const seen = (await c.query(TAKEABLE)).rows[0];
          if (seen && !seen.expired) return { held: false, lease: leaseFromRow(seen) };
        } else {
          // One statement, no lock: another master's acquire waits on the row, and the row's
          // expiry decides which of the two wins (PostgreSQL re-checks the WHERE after the wait).
          const renewed = await c.query(RENEW, [req.holder, req.heldTerm, req.ttlMs]);
          if (renewed.rows[0]) return { held: true, lease: leaseFromRow(renewed.rows[0]) };
        }
        // The acquire holds the store's write lock inside its transaction: a master cut off between
        // statements must not keep every other master from writing (or taking over) until TCP
        // gives up, so the server ends such a session; nor may it wait for the lock unbounded.
        await c.query(
          `begin; set local statement_timeout = ${timeoutMs}; set local idle_in_transaction_session_timeout = ${timeoutMs}`,
        );
        try {
          await c.query('select pg_advisory_xact_lock($1::bigint)', [STORE_WRITE_LOCK_KEY.toString()]);
          const taken = await c.query(ACQUIRE, [req.holder, req.heldTerm ?? -1, req.address, req.ttlMs]);
          const row = taken.rows[0] ?? (await c.query(READ)).rows[0];
          await c.query('commit');
          return { held: taken.rows.length > 0, lease: leaseFromRow(row) };
        } catch (err) {
          await c.query('rollback').catch(() => undefined);
          throw err;
        }
      }),

    renew: (holder, term, ttlMs) =>
      withClient(async (c): Promise<AcquireResult> => {
        const renewed = (await c.query(RENEW, [holder, term, ttlMs])).rows[0];
        if (renewed) return { held: true, lease: leaseFromRow(renewed) };
        return { held: false, lease: leaseFromRow((await c.query(READ)).rows[0]) };
      }),

    release: (holder, term) =>
      withClient(async (c) => {
        await c.query(RELEASE, [holder, term]);
      }),

    current: () =>
      withClient(async (c): Promise<LeaseRecord | undefined> => {
        const row = (await c.query(READ)).rows[0];
        return row === undefined ? undefined : leaseFromRow(row);
      }),

    async close() {
      closed = true;
      const c = await client?.catch(() => undefined);
      await c?.end().catch(() => undefined);
    },
  };
}
