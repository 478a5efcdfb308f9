/**
 * The PostgreSQL Store: kysely's PostgresDialect over a pg 8 pool, the shared queries in ../sql/
 * and the shared migrations. Masters that share one database share this store; write-lock.ts
 * says how they stay serialisable.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { assembleStore } from '../ambient-transaction.js';
import { routeOps } from '../op-kinds.js';
import type { Store, StoreOps } from '../port.js';
import { sqlChangeFeed } from '../sql/change-feed.js';
import { migrateToLatest } from '../sql/migrate.js';
import { storeMigrations } from '../sql/migrations/index.js';
import { kyselyLog, type QueryLog } from '../sql/query-log.js';
import type { StoreDatabase } from '../sql/schema.js';
import { sqlStoreOps } from '../sql/store-ops.js';
import { assertSessionPooling } from './pooler-mode.js';
import { takeWriteLock } from './write-lock.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq URL syntax, as pg reads it). */
  url: string;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** A pooled connection failed while idle (server restart, network). pg would crash the process. */
  onConnectionError?: (err: Error) => void;
  /** Every statement with its duration (sql/query-log.ts); for profiling. */
  queryLog?: QueryLog;
}

/** Whether `--store` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

export async function createPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    // A master that cannot reach its database should say so, not hang.
    connectionTimeoutMillis: 10_000,
    // No session settings in the startup packet: pgbouncer refuses the connection for any it does
    // not know. The idle-in-transaction timeout is set per transaction instead (write-lock.ts).
  });
  pool.on('error', (err) => opts.onConnectionError?.(err));
  // pg listens for errors only on idle clients: one that breaks while checked out (a transaction
  // cut off by a network partition, then reset when the network returns) would crash the process.
  pool.on('connect', (client) => client.on('error', (err) => opts.onConnectionError?.(err)));
  const log = kyselyLog(opts.queryLog);
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
  try {
    // Before migrating: the migrator's session lock would leak through a transaction pooler.
    await assertSessionPooling(opts.url);
    // Kysely's migrator locks its own table, so masters starting together migrate once.
    await migrateToLatest(db as Kysely<unknown>, storeMigrations);
  } catch (e) {
    await db.destroy();
    throw e;
  }

  const transact = <T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> =>
    db.transaction().execute(async (trx) => {
      await takeWriteLock(trx);
      return fn(sqlStoreOps(trx));
    });

  const store = assembleStore({
    ops: routeOps(sqlStoreOps(db), transact),
    transact,
    close: () => db.destroy(),
  });
  return { ...store, changes: sqlChangeFeed(db) };
}
