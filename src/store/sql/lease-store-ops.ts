/** The fencing read of the leader lease, dialect-neutral like store-ops.ts. */
import type { Kysely } from 'kysely';
import type { LeaseRecord, LeaseStoreOps } from '../lease-port.js';
import type { StoreDatabase } from './schema.js';

export function sqlLeaseOps(db: Kysely<StoreDatabase>): LeaseStoreOps {
  return {
    readLease: async () => {
      const row = await db
        .selectFrom('leader_lease')
        .select(['holder', 'term', 'address', 'expires_at_ms'])
        .where('id', '=', 1)
        .executeTakeFirst();
      return row === undefined ? undefined : leaseFromRow(row);
    },
  };
}

/** bigint columns come back as strings from PostgreSQL. */
export function leaseFromRow(row: {
  holder: string;
  term: number | string;
  address: string;
  expires_at_ms: number | string;
}): LeaseRecord {
  return {
    holder: row.holder,
    term: Number(row.term),
    address: row.address,
    expiresAt: Number(row.expires_at_ms),
  };
}
