/**
 * Store first, memory after: a change is written in one transaction and, only once it has
 * committed, applied to the in-memory state (so a failed commit leaves memory as the store is).
 */
import type { StoreOps } from '../../store/port.js';
import type { JobsContext } from './job-context.js';

export class Effects {
  private readonly after: Array<() => void> = [];
  /** Run `fn` once the transaction has committed. */
  afterCommit(fn: () => void): void {
    this.after.push(fn);
  }
  apply(): void {
    for (const fn of this.after) fn();
  }
}

export async function commit<T>(
  jc: JobsContext,
  body: (tx: StoreOps, fx: Effects) => Promise<T>,
): Promise<T> {
  const fx = new Effects();
  const result = await jc.master.deps.store.transaction((tx) => body(tx, fx));
  fx.apply();
  return result;
}
