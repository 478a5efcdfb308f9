/**
 * Group commit: the control loop's writes (status updates, registrations) that arrive while the
 * previous work is still running go to the store together, in ONE transaction, instead of one
 * durable commit each (~5 ms on PostgreSQL, a WAL sync on SQLite). On a fenced store that one
 * transaction checks the leader's term once for the whole batch (fenced-store.ts).
 *
 * How a batch forms, with no timer: the first write submitted while no batch is waiting asks
 * `schedule` to run a flush (the master passes its serial queue, so the flush runs between two
 * steps, never inside one); every write submitted until that flush starts joins it. Under load
 * the queue is busy, so batches grow by themselves; idle, a write goes out at once.
 *
 * Each write's promise settles only after the batch committed, so a caller that acknowledges on
 * resolve (the agent hub's `ack`) never acknowledges what a crash could still lose. If any write
 * of the batch fails, or the commit does, the whole batch rolls back and every write in it
 * rejects: none is acknowledged, the agents re-send, and `onFailure` hears of it (the master
 * steps down, because its memory may already hold the writes that were rolled back).
 *
 * Works over any Store, so SQLite and PostgreSQL share it and its tests (group-commit.contract.ts,
 * run by the store contract on memory, SQLite and PostgreSQL).
 */
import type { Store, StoreOps } from './port.js';
import { batchingTaskWrites } from './task-write-batch.js';

export interface GroupCommitOptions {
  /** Runs a flush when its turn comes; default: at once. The master passes its serial queue. */
  schedule?: (flush: () => Promise<void>) => Promise<void>;
  /**
   * Writes per transaction at most; the rest go in the next. Default 5,000: a reconcile pass
   * launches up to 2,000 tasks (tasks/launch-shares.ts), whose STARTING and RUNNING updates must
   * fit in the batch that follows it in the master's queue, or acknowledgements trail launches.
   */
  maxBatch?: number;
  /**
   * No further write joins a batch whose transaction has run this long (ms, by `now`); the rest
   * go in the next. The transaction holds the store's write lock, which the leader lease's
   * renewal needs too (postgres/write-lock.ts): one long batch of registrations, a few round trips
   * each, once made a loaded leader miss its renewal and step down. Default 200.
   */
  maxBatchMs?: number;
  /** A batch failed (rolled back); its writes were rejected. */
  onFailure?: (err: unknown, writes: number) => void;
}

export interface GroupCommitStats {
  batches: number;
  writes: number;
  /** Time inside store transactions, summed (ms, from `now`). */
  storeMs: number;
}

interface Pending {
  work: (tx: StoreOps) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private flushWaiting = false;
  private readonly totals: GroupCommitStats = { batches: 0, writes: 0, storeMs: 0 };

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly opts: GroupCommitOptions = {},
  ) {}

  /**
   * Runs `work` in the next batch's transaction; resolves with its result once that transaction
   * committed. Store calls `work` makes (on `tx` or on the Store) join the batch's transaction.
   */
  submit<T>(work: (tx: StoreOps) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.requestFlush();
    });
  }

  stats(): GroupCommitStats {
    return { ...this.totals };
  }

  private requestFlush(): void {
    if (this.flushWaiting) return;
    this.flushWaiting = true;
    const schedule = this.opts.schedule ?? ((flush) => flush());
    // A failed flush rejected its writes already; nothing is left to report here.
    void schedule(() => this.flush()).catch(() => undefined);
  }

  private async flush(): Promise<void> {
    this.flushWaiting = false;
    let batch = this.queue.splice(0, this.opts.maxBatch ?? 5_000);
    if (batch.length === 0) return;
    const started = this.now();
    const maxMs = this.opts.maxBatchMs ?? 200;
    let results: unknown[];
    try {
      // Task writes wait for the end of the batch, then go as multi-row statements (task-write-batch.ts).
      results = await batchingTaskWrites(() =>
        this.store.transaction(async (tx) => {
          const out: unknown[] = [];
          for (const p of batch) {
            if (out.length > 0 && this.now() - started >= maxMs) break;
            out.push(await p.work(tx));
          }
          return out;
        }),
      );
    } catch (err) {
      if (this.queue.length > 0) this.requestFlush();
      this.account(batch.length, started);
      for (const p of batch) p.reject(err);
      this.opts.onFailure?.(err, batch.length);
      return;
    }
    // What did not fit goes first in the next batch, in order.
    this.queue.unshift(...batch.slice(results.length));
    batch = batch.slice(0, results.length);
    if (this.queue.length > 0) this.requestFlush();
    this.account(batch.length, started);
    for (const [i, p] of batch.entries()) p.resolve(results[i]);
  }

  private account(writes: number, started: number): void {
    this.totals.batches += 1;
    this.totals.writes += writes;
    this.totals.storeMs += this.now() - started;
  }
}
