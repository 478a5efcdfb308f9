/**
 * Task writes of a group-committed batch (group-commit.ts) go to the store as multi-row
 * statements when the batch's work is done, not one statement per status update. On PostgreSQL
 * each statement is a round trip (2-3 ms on a loaded machine), and the batch holds the store's
 * write lock while it runs: a batch was cut at 200 ms, so ~100 status updates per batch, behind
 * every reconcile pass in the master's queue. At 100,000 tasks (two updates each) that alone was
 * minutes of RUNNING acknowledgements trailing the launches (BENCHMARKS.md, scale simulation).
 *
 * What the buffer keeps: per task id, the last write (a put, or a delete), as calling the ops one
 * by one would leave it. A read of tasks inside the transaction writes the buffer out first, so
 * it sees every write before it. The flush runs inside the same transaction, before the commit:
 * the batch is still atomic, and nothing is acknowledged before it committed.
 *
 * Only transactions opened inside `batchingTaskWrites` buffer (the group commit's); the flag
 * does not reach work started inside them (ambient-transaction.ts leaves it before running the
 * transaction's body), so a timer set by a status update does not inherit it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TaskRecord } from '../domain/task.js';
import { encodeJson } from './json-value.js';
import type { EncodedTask, StoreOps } from './port.js';

const batching = new AsyncLocalStorage<boolean>();

/** Runs `fn`; a store transaction it opens buffers its task writes (TaskWriteBuffer). */
export function batchingTaskWrites<T>(fn: () => Promise<T>): Promise<T> {
  return batching.run(true, fn);
}

/** Whether the transaction being opened should buffer its task writes. */
export function taskWritesBatched(): boolean {
  return batching.getStore() === true;
}

/** Runs `fn` with the flag cleared: the transaction's body and whatever it starts. */
export function outsideTaskWriteBatch<T>(fn: () => T): T {
  return batching.run(false, fn);
}

/** The row a put leaves: encoding it is also the copy the port promises (a put stores the value as it was). */
function encoded(task: TaskRecord): EncodedTask {
  return { id: task.id, appId: task.appId, agentId: task.agentId, json: encodeJson(task) };
}

export class TaskWriteBuffer {
  /** Task id -> its last write in this transaction; null: deleted. Map order: first written first. */
  private readonly writes = new Map<string, EncodedTask | null>();

  constructor(private readonly ops: StoreOps) {}

  /** `ops` with task writes held here until `flush`; task reads flush first. */
  view(): StoreOps {
    const ops = this.ops;
    return {
      ...ops,
      // Encoded now and written as encoded at the flush (putEncodedTasks): a structuredClone per
      // put and an encoding per row at the flush cost about three encodings (the placement
      // bench's profile, BENCHMARKS.md).
      putTask: async (task) => {
        this.writes.set(task.id, encoded(task));
      },
      putTasks: async (tasks) => {
        for (const t of tasks) this.writes.set(t.id, encoded(t));
      },
      putEncodedTasks: async (rows) => {
        for (const r of rows) this.writes.set(r.id, { ...r });
      },
      deleteTask: async (id) => {
        this.writes.set(id, null);
      },
      getTask: async (id) => {
        await this.flush();
        return ops.getTask(id);
      },
      listTasks: async (filter) => {
        await this.flush();
        return ops.listTasks(filter);
      },
    };
  }

  /** Writes what is held: every put in one multi-row op (putEncodedTasks), then the deletes. */
  async flush(): Promise<void> {
    if (this.writes.size === 0) return;
    const puts: EncodedTask[] = [];
    const deletes: string[] = [];
    for (const [id, task] of this.writes) {
      if (task) puts.push(task);
      else deletes.push(id);
    }
    this.writes.clear();
    // Distinct ids: a put and a delete never name the same task, so their order does not matter.
    await this.ops.putEncodedTasks(puts);
    for (const id of deletes) await this.ops.deleteTask(id);
  }
}
