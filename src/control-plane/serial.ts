/**
 * Runs async work one piece at a time. Every change to master state goes through one queue, so the
 * reconciler, status updates and API writes never interleave half-applied.
 *
 * `after` (the master pushes routes) runs once per burst of pieces, not after every piece: a piece
 * that settles asks for it through `defer` (the master: setImmediate, i.e. once the I/O callbacks
 * of this turn of the event loop ran, so the status updates that arrived together share one push);
 * then it runs at once if the queue is empty, else as a piece of its own behind the pieces queued
 * so far. Run after every piece, the route push (one frame per agent) cost O(agents) per status
 * update: with 1,000 agents it was 80% of the master's CPU in the placement bench. No fixed delay:
 * idle, a change goes out on the next turn; busy, it waits at most for the pieces queued before.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  /** Pieces queued or running. */
  private waiting = 0;
  /** `after` was asked for and has not run yet. */
  private afterPending = false;

  constructor(
    private readonly after?: () => void,
    private readonly defer: (fn: () => void) => void = (fn) => fn(),
  ) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const next = this.tail.then(fn, fn).finally(() => {
      this.waiting -= 1;
      this.requestAfter();
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  private requestAfter(): void {
    const after = this.after;
    if (!after || this.afterPending) return;
    this.afterPending = true;
    const runAfter = () => {
      this.afterPending = false;
      after();
    };
    this.defer(() => {
      if (this.waiting === 0) runAfter();
      // `after` reports its own errors (the master logs a failed push); none may break the queue.
      else this.tail = this.tail.then(runAfter).catch(() => undefined);
    });
  }
}
