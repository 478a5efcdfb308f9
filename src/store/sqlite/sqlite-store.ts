/**
 * The SQLite Store: kysely's SqliteDialect over one better-sqlite3 connection. The queries are the
 * shared ones in ../sql/; this file only opens the file, sets the pragmas and migrates.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Store } from '../port.js';
import { migrateToLatest } from '../sql/migrate.js';
import { storeMigrations } from '../sql/migrations/index.js';
import { kyselyLog, type QueryLog } from '../sql/query-log.js';
import type { StoreDatabase } from '../sql/schema.js';
import { createSqlStore } from '../sql/sql-store.js';
import { withStatementCache } from './statement-cache.js';

export interface SqliteStoreOptions {
  /** Database file; its directory is created if missing. `:memory:` works for throwaway stores. */
  path: string;
  /** How long a statement waits for another process's lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /** Every statement with its duration (sql/query-log.ts); for profiling. */
  queryLog?: QueryLog;
}

function isFile(path: string): boolean {
  return path !== '' && path !== ':memory:' && !path.startsWith('file:');
}

/**
 * The state holds app `env`, job variables and sealed secrets: only Drover's user may read it. The
 * file is created 0600 before SQLite opens it, because SQLite gives the WAL and SHM files it
 * creates the database file's mode; files left wider by an older Drover are narrowed.
 */
function ownerOnly(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
}

export async function createSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  if (isFile(opts.path)) {
    mkdirSync(dirname(opts.path), { recursive: true });
    ownerOnly(opts.path);
  }
  const sqlite = new Database(opts.path);
  try {
    sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the
    // last commits, which the agents' re-sent status updates and reconciliation recover.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
    sqlite.pragma('foreign_keys = ON');
  } catch (e) {
    sqlite.close();
    throw e;
  }

  const log = kyselyLog(opts.queryLog);
  const db = new Kysely<StoreDatabase>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    ...(log ? { log } : {}),
  });
  try {
    await migrateToLatest(db as Kysely<unknown>, storeMigrations);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return createSqlStore(db);
}
