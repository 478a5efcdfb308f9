/**
 * Throwaway PostgreSQL databases for tests and benches: each gets a random name under one
 * server, and `dropAll` removes every one this helper made (with FORCE, so a leaked connection
 * cannot keep it alive). The server is required: an unreachable one is an error, never a skip
 * (DESIGN.md §6, CI provisions it).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where tests find the server `scripts/provision.sh` sets up. */
export const TEST_ADMIN_URL =
  process.env['DROVER_TEST_PG_URL'] ?? 'postgres://drover:drover@127.0.0.1:5432/postgres';

export interface TempDatabases {
  /** Creates an empty database and returns its URL. */
  create(): Promise<string>;
  dropAll(): Promise<void>;
}

export async function tempDatabases(adminUrl = TEST_ADMIN_URL): Promise<TempDatabases> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is required at ${redact(adminUrl)} (run scripts/provision.sh): ${(err as Error).message}`,
      { cause: err },
    );
  }
  admin.on('error', () => undefined);
  const run = `drover_test_${randomBytes(4).toString('hex')}`;
  const made: string[] = [];
  return {
    async create() {
      const name = `${run}_${made.length + 1}`;
      made.push(name);
      await admin.query(`create database ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropAll() {
      try {
        for (const name of made.splice(0)) await admin.query(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Resolves once some session waits on an advisory lock (the store write lock) in that database. */
export async function waitForLockWaiter(url: string, failure: string): Promise<void> {
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  try {
    for (let i = 0; i < 500; i++) {
      const { rows } = await raw.query(
        "select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted",
      );
      if ((rows[0] as { n: number }).n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(failure);
  } finally {
    await raw.end();
  }
}
