/**
 * The leader's lease renewed off the main thread (store/postgres/postgres-lease-keeper.ts), on a
 * real PostgreSQL: a main thread that stalls longer than the lease keeps it; a keeper that cannot
 * renew, or a main thread that stalls past `maxStallMs`, makes the leader step down. A missing
 * server fails these tests (CI provisions it), never skips them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { waitFor } from '../../agent/testing/wait-for.js';
import { systemClock } from '../../platform/clock.js';
import { silentLogger } from '../../platform/logger.js';
import type { LeaderLease } from '../../store/lease-port.js';
import { createPostgresLease } from '../../store/postgres/postgres-lease.js';
import {
  createPostgresLeaseKeeper,
  type PostgresLeaseKeeper,
} from '../../store/postgres/postgres-lease-keeper.js';
import { createPostgresStore } from '../../store/postgres/postgres-store.js';
import { TEST_ADMIN_URL, type TempDatabases, tempDatabases } from '../../store/postgres/temp-database.js';
import { LeaseElection } from './election.js';

let servers: TempDatabases | Error | undefined;
before(async () => {
  servers = await tempDatabases().catch((err: Error) => err);
});
after(async () => {
  if (servers && !(servers instanceof Error)) await servers.dropAll();
});

const LEASE_MS = 2_000;

/**
 * Blocks this thread, as a long garbage collection or a synchronous pass over 100,000 tasks does.
 * It stalls in a callback of its own (the check phase), as a stall in the master would; `then`
 * runs in the same turn, right after it.
 */
function stallMainThread<T>(ms: number, then: () => T = () => undefined as T): Promise<T> {
  return new Promise((resolve) =>
    setImmediate(() => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        // busy
      }
      resolve(then());
    }),
  );
}

interface Leader {
  election: LeaseElection;
  elected: number[];
  deposed: { term: number; why: string }[];
}

interface Env {
  url: string;
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  leases: LeaderLease[];
  keepers: PostgresLeaseKeeper[];
  elections: LeaseElection[];
  done(): Promise<void>;
}

async function fresh(): Promise<Env> {
  if (servers === undefined || servers instanceof Error) throw servers ?? new Error('no PostgreSQL');
  const url = await servers.create();
  // The store's migrations make the lease row.
  await (await createPostgresStore({ url })).close();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const env: Env = {
    url,
    query: (sql, params) => admin.query(sql, params),
    leases: [],
    keepers: [],
    elections: [],
    async done() {
      for (const e of env.elections) await e.stop();
      for (const k of env.keepers) await k.close();
      for (const l of env.leases) await l.close();
      await admin.end();
    },
  };
  return env;
}

function leader(env: Env, holder: string, keeper?: PostgresLeaseKeeper): Leader {
  const lease = createPostgresLease({ url: env.url });
  env.leases.push(lease);
  const election = new LeaseElection({
    lease,
    holder,
    address: `http://${holder}`,
    clock: systemClock,
    logger: silentLogger(),
    leaseMs: LEASE_MS,
    ...(keeper ? { keeper } : {}),
  });
  env.elections.push(election);
  const l: Leader = { election, elected: [], deposed: [] };
  election.start({
    elected: (term) => l.elected.push(term),
    deposed: (term, why) => l.deposed.push({ term, why }),
  });
  return l;
}

/** A leader 'a' renewing through a keeper, elected and renewed once by it. */
async function keptLeader(env: Env, maxStallMs?: number): Promise<Leader> {
  const a = leader(env, 'a', await keeperFor(env, env.url, maxStallMs));
  await waitFor(() => a.elected.length === 1, 'a elected');
  await renewedOnce(env);
  return a;
}

async function keeperFor(env: Env, url = env.url, maxStallMs?: number): Promise<PostgresLeaseKeeper> {
  const keeper = createPostgresLeaseKeeper({ url, ...(maxStallMs !== undefined ? { maxStallMs } : {}) });
  env.keepers.push(keeper);
  await keeper.ready();
  return keeper;
}

async function leaseRow(env: Env): Promise<{ holder: string; term: number; expired: boolean }> {
  const r = await env.query(
    `select holder, term::int as term,
       expires_at_ms < (extract(epoch from clock_timestamp()) * 1000)::bigint as expired
     from leader_lease where id = 1`,
  );
  return r.rows[0];
}

/** Waits until the keeper has renewed at least once more after now (seen in the lease's expiry). */
async function renewedOnce(env: Env): Promise<void> {
  const before = (await env.query('select expires_at_ms from leader_lease where id = 1')).rows[0]
    .expires_at_ms;
  await waitFor(
    async () =>
      BigInt((await env.query('select expires_at_ms from leader_lease where id = 1')).rows[0].expires_at_ms) >
      BigInt(before),
    'a renewal',
  );
}

describe('lease kept by a worker thread (PostgreSQL)', () => {
  it('a leader whose event loop stalls for longer than its lease keeps the lease and its term', async () => {
    const env = await fresh();
    try {
      const a = await keptLeader(env);

      await stallMainThread(LEASE_MS * 1.5);
      // The stall is over: the election's overdue timers may run before the keeper's messages.
      await new Promise((r) => setTimeout(r, LEASE_MS / 4));

      assert.equal(a.deposed.length, 0, 'still leading after the stall');
      // The renewal only extends an unexpired lease of the same term, so a lease that is still
      // ours and unexpired now was never free during the stall.
      assert.deepEqual(await leaseRow(env), { holder: 'a', term: a.elected[0], expired: false });
      // And it goes on: a campaigner still finds it held.
      const b = createPostgresLease({ url: env.url });
      env.leases.push(b);
      await renewedOnce(env);
      assert.equal((await b.acquire({ holder: 'b', address: 'http://b', ttlMs: LEASE_MS })).held, false);
      assert.equal(a.deposed.length, 0);
    } finally {
      await env.done();
    }
  });

  it("the keeper's state, read in the turn that ends a stall, has the renewals made during it", async () => {
    const env = await fresh();
    try {
      const keeper = await keeperFor(env);
      const lease = createPostgresLease({ url: env.url });
      env.leases.push(lease);
      const taken = await lease.acquire({ holder: 'a', address: 'http://a', ttlMs: LEASE_MS });
      const startedAt = Date.now();
      const kept = keeper.keep(
        {
          holder: 'a',
          term: taken.lease.term,
          ttlMs: LEASE_MS,
          periodMs: LEASE_MS / 8,
          renewedAt: startedAt,
        },
        () => undefined,
      );
      // No turn between the stall and the read: only a synchronous read of the channel sees them.
      const seen = await stallMainThread(LEASE_MS * 1.5, () => kept.state());
      assert.equal(seen.kind, 'held');
      assert.ok(seen.kind === 'held' && seen.renewedAt >= startedAt + LEASE_MS, 'renewed late in the stall');
      kept.stop();
    } finally {
      await env.done();
    }
  });

  it('the same stall without the keeper loses the lease (what the keeper is for)', async () => {
    const env = await fresh();
    try {
      const a = leader(env, 'a');
      await waitFor(() => a.elected.length === 1, 'a elected');
      await stallMainThread(LEASE_MS * 1.5);
      await waitFor(() => a.deposed.length > 0, 'a steps down');
      assert.equal(a.deposed[0]?.term, a.elected[0]);
    } finally {
      await env.done();
    }
  });

  it('a keeper whose connection is terminated and cannot come back makes the leader step down', async () => {
    const env = await fresh();
    const role = `drover_keeper_${randomBytes(4).toString('hex')}`;
    try {
      await env.query(`create role ${role} login password 'keeper'`);
      await env.query(`grant select, update on leader_lease to ${role}`);
      const url = new URL(env.url);
      url.username = role;
      url.password = 'keeper';
      const keeper = await keeperFor(env, url.toString());
      const a = leader(env, 'a', keeper);
      await waitFor(() => a.elected.length === 1, 'a elected');
      await renewedOnce(env);
      const renewing = await env.query(
        `select count(*)::int as n from pg_stat_activity where usename = $1 and application_name = 'drover-lease-keeper'`,
        [role],
      );
      assert.equal(renewing.rows[0].n, 1, "the keeper renews on its own connection as the keeper's role");
      assert.equal(a.deposed.length, 0);

      await env.query(`alter role ${role} nologin`);
      await env.query('select pg_terminate_backend(pid) from pg_stat_activity where usename = $1', [role]);

      await waitFor(() => a.deposed.length > 0, 'a steps down', 30_000);
      assert.equal(a.deposed[0]?.term, a.elected[0]);
      assert.match(a.deposed[0]?.why ?? '', /could not renew the lease in time/);
      await a.election.stop();
      // Stepped down before its lease ran out in the database: another master takes it after that.
      const b = createPostgresLease({ url: env.url });
      env.leases.push(b);
      const taken = await waitFor(async () => {
        const r = await b.acquire({ holder: 'b', address: 'http://b', ttlMs: LEASE_MS });
        return r.held ? r : undefined;
      }, 'b takes the lease');
      assert.ok(taken.lease.term > (a.elected[0] ?? 0));
    } finally {
      await env.query(`drop owned by ${role}`).catch(() => undefined);
      await env.done();
      const admin = new pg.Client({ connectionString: TEST_ADMIN_URL });
      await admin.connect();
      await admin.query(`drop role if exists ${role}`).catch(() => undefined);
      await admin.end();
    }
  });

  it('a leader that loses its lease to another holder hears it from the keeper and steps down', async () => {
    const env = await fresh();
    try {
      const a = await keptLeader(env);
      // An operator (or a split brain) hands the lease to someone else under a new term.
      await env.query(`update leader_lease set holder = 'z', term = term + 1 where id = 1`);
      await waitFor(() => a.deposed.length > 0, 'a steps down');
      assert.match(a.deposed[0]?.why ?? '', /lease lost to z/);
    } finally {
      await env.done();
    }
  });

  it('the keeper stops renewing for a main thread that stalls past maxStallMs', async () => {
    const env = await fresh();
    try {
      const a = await keptLeader(env, 500);
      await stallMainThread(LEASE_MS * 1.5);
      await waitFor(() => a.deposed.length > 0, 'a steps down');
      assert.match(a.deposed[0]?.why ?? '', /main thread has not run/);
    } finally {
      await env.done();
    }
  });
});
