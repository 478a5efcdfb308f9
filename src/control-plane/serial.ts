/**
 * Runs async work one piece at a time. Every change to master state goes through one queue, so the
 * reconciler, status updates and API writes never interleave half-applied.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  /** `after` runs once each piece of work settles, before the next starts (the master pushes routes). */
  constructor(private readonly after?: () => void) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    const after = this.after;
    const next = after ? this.tail.then(fn, fn).finally(after) : this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
