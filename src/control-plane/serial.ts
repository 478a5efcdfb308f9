/**
 * Runs async work one piece at a time. Every change to master state goes through one queue, so the
 * reconciler, status updates and API writes never interleave half-applied.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
