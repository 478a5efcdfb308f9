/**
 * A Store over any kysely instance whose schema is StoreDatabase. Dialect adapters (sqlite/, later
 * postgres/) open the connection, run their migrations and hand the Kysely here.
 */
import type { Kysely } from 'kysely';
import { assembleStore } from '../ambient-transaction.js';
import type { Store } from '../port.js';
import { sqlChangeFeed } from './change-feed.js';
import type { StoreDatabase } from './schema.js';
import { sqlStoreOps } from './store-ops.js';

export function createSqlStore(db: Kysely<StoreDatabase>): Store {
  const store = assembleStore({
    ops: sqlStoreOps(db),
    transact: (fn) => db.transaction().execute((trx) => fn(sqlStoreOps(trx))),
    close: () => db.destroy(),
  });
  return { ...store, changes: sqlChangeFeed(db) };
}
