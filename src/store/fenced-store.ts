/**
 * Fencing: a Store whose every write runs in a transaction that first checks a fence (normally:
 * the leader lease still names this master under the term it was elected with) and aborts with
 * NOT_LEADER otherwise. A master that lost its lease, even one that does not know it yet (paused,
 * partitioned, slow), can then never change what the new leader loaded and acts on.
 *
 * Why this is enough on PostgreSQL: every store transaction takes the write lock before anything
 * else (postgres/write-lock.ts), and so does every change of the lease (postgres/postgres-lease.ts).
 * A write either commits before the new term begins (the new leader then loads it) or runs after
 * and sees the new term. Reads are not fenced: a standby may read, it just must not act.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DroverError } from '../domain/errors.js';
import { routeOps } from './op-kinds.js';
import type { Store, StoreOps } from './port.js';

/** Throws (normally NOT_LEADER) when writes must not happen; runs inside the write's transaction. */
export type Fence = (tx: StoreOps) => Promise<void>;

export function fencedStore(base: Store, fence: Fence): Store {
  // The fence is checked once per real transaction: writes joining one already checked (a
  // group-committed batch, store/group-commit.ts) do not read the lease again. `open` goes false
  // when the transaction ends, so work it left running checks again in a transaction of its own.
  const checked = new AsyncLocalStorage<{ open: boolean }>();
  const guarded = <T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> => {
    if (checked.getStore()?.open) return base.transaction(fn);
    return base.transaction(async (tx) => {
      const scope = { open: true };
      try {
        return await checked.run(scope, async () => {
          await fence(tx);
          return fn(tx);
        });
      } finally {
        scope.open = false;
      }
    });
  };
  return {
    ...routeOps(base, guarded),
    transaction: guarded,
    // A view on a store someone else owns (the master node): closing a term must not close it.
    close: async () => undefined,
  };
}

/** Writes pass while the lease names `holder` under `term`. */
export function leaseFence(holder: string, term: number): Fence {
  return async (tx) => {
    const lease = await tx.readLease();
    if (lease?.holder === holder && lease.term === term) return;
    throw new DroverError(
      'NOT_LEADER',
      `this master no longer leads: its term ${term} ended` +
        (lease ? ` (the lease is at term ${lease.term}, held by ${lease.holder || 'nobody'})` : ''),
    );
  };
}
