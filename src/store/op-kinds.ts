/**
 * The op table: every store operation, and whether it reads or writes. Everything that wraps a
 * store op by op is generated from it instead of being written out per op: the forwarders of the
 * ambient transaction (`forwardOps`, ambient-transaction.ts), the locked writes of PostgreSQL and
 * the fenced writes of a leader (`routeOps`). It is a Record over every StoreOps key, so adding an
 * op to the port fails to compile until it is listed here; then declaring it (port), listing it
 * here and implementing it (sql/, memory) is all it takes.
 */
import { DEPLOYMENT_OP_KINDS } from './deployment-port.js';
import { EVENT_SUBSCRIPTION_OP_KINDS } from './event-subscription-port.js';
import { JOB_OP_KINDS } from './job-port.js';
import { LEASE_OP_KINDS } from './lease-port.js';
import type { StoreOps } from './port.js';
import { SECURITY_OP_KINDS } from './security-port.js';

export const OP_KINDS: Readonly<Record<keyof StoreOps, 'read' | 'write'>> = {
  ...JOB_OP_KINDS,
  ...DEPLOYMENT_OP_KINDS,
  ...LEASE_OP_KINDS,
  ...SECURITY_OP_KINDS,
  ...EVENT_SUBSCRIPTION_OP_KINDS,
  putApp: 'write',
  getApp: 'read',
  listApps: 'read',
  deleteApp: 'write',
  listAppVersions: 'read',
  getAppVersion: 'read',
  deleteAppVersion: 'write',
  putTask: 'write',
  putTasks: 'write',
  putEncodedTasks: 'write',
  getTask: 'read',
  listTasks: 'read',
  deleteTask: 'write',
  putAgent: 'write',
  getAgent: 'read',
  listAgents: 'read',
  deleteAgent: 'write',
  putTaskFailure: 'write',
  getTaskFailure: 'read',
  listTaskFailures: 'read',
};

type AnyOp = (...args: unknown[]) => Promise<unknown>;

/** Every op, each running through `call` on the ops `call` chooses (the open transaction's or not). */
export function forwardOps(call: <T>(op: (ops: StoreOps) => Promise<T>) => Promise<T>): StoreOps {
  const forwarded: Record<string, AnyOp> = {};
  for (const name of Object.keys(OP_KINDS) as Array<keyof StoreOps>) {
    forwarded[name] = (...args) => call((ops) => (ops[name] as AnyOp)(...args));
  }
  return forwarded as unknown as StoreOps;
}

/** Ops where each write runs through `write` (a locked transaction) and each read through `read`. */
export function routeOps(
  read: StoreOps,
  write: <T>(op: (tx: StoreOps) => Promise<T>) => Promise<T>,
): StoreOps {
  const routed: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(OP_KINDS) as Array<[keyof StoreOps, 'read' | 'write']>) {
    routed[name] =
      kind === 'read'
        ? (...args: unknown[]) => (read[name] as (...a: unknown[]) => Promise<unknown>)(...args)
        : (...args: unknown[]) => {
            // The port promises a put captures its value when called; the write runs later, once
            // the lock is ours, so copy the arguments now.
            const copy = structuredClone(args);
            return write((tx) => (tx[name] as (...a: unknown[]) => Promise<unknown>)(...copy));
          };
  }
  return routed as unknown as StoreOps;
}
