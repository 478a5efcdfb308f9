/**
 * Turns a backend (plain ops + a way to run a real transaction) into a Store with the port's
 * transaction semantics. The open transaction is tracked with AsyncLocalStorage, so any store call
 * made while `fn` runs (a nested `transaction()`, or a helper that only has the Store) joins it
 * instead of waiting for the connection the transaction holds, which would deadlock.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DroverError } from '../domain/errors.js';
import { forwardDeploymentOps } from './deployment-port.js';
import { forwardEventSubscriptionOps } from './event-subscription-port.js';
import { forwardJobOps } from './job-port.js';
import { forwardLeaseOps } from './lease-port.js';
import type { Store, StoreOps } from './port.js';
import { forwardSecurityOps } from './security-port.js';

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
    ...forwardJobOps(call),
    ...forwardDeploymentOps(call),
    ...forwardLeaseOps(call),
    ...forwardSecurityOps(call),
    ...forwardEventSubscriptionOps(call),
    putApp: (app) => call((o) => o.putApp(app)),
    getApp: (id) => call((o) => o.getApp(id)),
    listApps: () => call((o) => o.listApps()),
    deleteApp: (id) => call((o) => o.deleteApp(id)),
    listAppVersions: (id) => call((o) => o.listAppVersions(id)),
    getAppVersion: (id, version) => call((o) => o.getAppVersion(id, version)),
    deleteAppVersion: (id, version) => call((o) => o.deleteAppVersion(id, version)),
    putTask: (task) => call((o) => o.putTask(task)),
    getTask: (id) => call((o) => o.getTask(id)),
    listTasks: (filter) => call((o) => o.listTasks(filter)),
    deleteTask: (id) => call((o) => o.deleteTask(id)),
    putAgent: (agent) => call((o) => o.putAgent(agent)),
    getAgent: (id) => call((o) => o.getAgent(id)),
    listAgents: () => call((o) => o.listAgents()),
    deleteAgent: (id) => call((o) => o.deleteAgent(id)),
    putTaskFailure: (failure) => call((o) => o.putTaskFailure(failure)),
    getTaskFailure: (appId) => call((o) => o.getTaskFailure(appId)),

    transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
      const outer = openScope();
      // Joining means no savepoint: if the outer fn catches an inner throw, the inner writes stay.
      if (outer) return fn(outer.ops);
      return track(() =>
        backend.transact(async (ops) => {
          const scope: Scope = { ops, open: true };
          try {
            return await scopes.run(scope, () => fn(ops));
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
