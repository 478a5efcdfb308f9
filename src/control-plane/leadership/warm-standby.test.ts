/** The warm standby contract (warm-standby.contract.ts) on SQLite and on a real PostgreSQL. */
import { after, before } from 'node:test';
import { createPostgresStore } from '../../store/postgres/postgres-store.js';
import { type TempDatabases, tempDatabases } from '../../store/postgres/temp-database.js';
import { createSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { warmStandbyContract } from './warm-standby.contract.js';

let servers: TempDatabases | Error | undefined;
// No skip when PostgreSQL is missing: its tests fail with the reason (CI provisions it).
before(async () => {
  servers = await tempDatabases().catch((err: Error) => err);
});
after(async () => {
  if (servers && !(servers instanceof Error)) await servers.dropAll();
});

warmStandbyContract('sqlite', () => createSqliteStore({ path: ':memory:' }));
warmStandbyContract('postgres', async () => {
  if (servers === undefined || servers instanceof Error) throw servers ?? new Error('no PostgreSQL');
  return createPostgresStore({ url: await servers.create() });
});
