/**
 * Turns a backend (plain ops + a way to run a real transaction) into a Store with the port's
 * transaction semantics. The open transaction is tracked with AsyncLocalStorage, so any store call
 * made while `fn` runs (a nested `transaction()`, or a helper that only has the Store) joins it
 * instead of waiting for the connection the transaction holds, which would deadlock.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DroverError } from '../domain/errors.js';
import { forwardOps } from './op-kinds.js';
import type { Store, StoreOps } from './port.js';
import { outsideTaskWriteBatch, TaskWriteBuffer, taskWritesBatched } from './task-write-batch.js';

export interface StoreBackend {
  /** Ops outside any transaction; each call is atomic on its own. */
  readonly ops: StoreOps;
  /** Run `fn` in one real transaction: commit if it resolves, roll back and rethrow if it throws. */
  transact<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>;
  /** Release resources. Called once, after every call started before close() has settled. */
  close(): Promise<void>;
}

interface Scope {
  readonly ops: StoreOps;
  /** False once the transaction ended: work it spawned and left running must not use it. */
  open: boolean;
}

export function assembleStore(backend: StoreBackend): Store {
  const scopes = new AsyncLocalStorage<Scope>();
  const pending = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  function openScope(): Scope | undefined {
    const scope = scopes.getStore();
    return scope?.open ? scope : undefined;
  }

  function track<T>(start: () => Promise<T>): Promise<T> {
    if (closing) return Promise.reject(new DroverError('UNAVAILABLE', 'store is closed'));
    const p = start();
    pending.add(p);
    const forget = () => pending.delete(p);
    p.then(forget, forget);
    return p;
  }

  function call<T>(op: (ops: StoreOps) => Promise<T>): Promise<T> {
    const scope = openScope();
    return scope ? op(scope.ops) : track(() => op(backend.ops));
  }

  return {
    ...forwardOps(call),

    transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
      const outer = openScope();
      // Joining means no savepoint: if the outer fn catches an inner throw, the inner writes stay.
      if (outer) return fn(outer.ops);
      return track(() =>
        backend.transact(async (ops) => {
          // A group commit's batch: its task writes become multi-row statements (task-write-batch.ts).
          const buffer = taskWritesBatched() ? new TaskWriteBuffer(ops) : undefined;
          const scope: Scope = { ops: buffer ? buffer.view() : ops, open: true };
          try {
            const result = await scopes.run(scope, () => outsideTaskWriteBatch(() => fn(scope.ops)));
            await buffer?.flush();
            return result;
          } finally {
            scope.open = false;
          }
        }),
      );
    },

    close(): Promise<void> {
      closing ??= (async () => {
        await Promise.allSettled([...pending]);
        await backend.close();
      })();
      return closing;
    },
  };
}
