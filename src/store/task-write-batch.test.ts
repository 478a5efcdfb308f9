import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskRecord } from '../domain/task.js';
import { sampleTask } from './contract-support.js';
import { createMemoryStore } from './memory-store.js';
import type { StoreOps } from './port.js';
import { TaskWriteBuffer } from './task-write-batch.js';

/** Memory ops that count the task statements they are asked for. */
function countingOps() {
  const calls = { putTask: 0, putTasks: 0, putEncodedTasks: 0, deleteTask: 0, rows: 0 };
  const base = createMemoryStore();
  const ops: StoreOps = {
    ...base,
    putTask: async (t) => {
      calls.putTask++;
      await base.putTask(t);
    },
    putTasks: async (ts: readonly TaskRecord[]) => {
      calls.putTasks++;
      calls.rows += ts.length;
      await base.putTasks(ts);
    },
    putEncodedTasks: async (rows) => {
      calls.putEncodedTasks++;
      calls.rows += rows.length;
      await base.putEncodedTasks(rows);
    },
    deleteTask: async (id) => {
      calls.deleteTask++;
      await base.deleteTask(id);
    },
  };
  return { calls, ops, base };
}

describe('TaskWriteBuffer', () => {
  it('turns many task writes into one multi-row put, and one delete per deleted task', async () => {
    const { calls, ops, base } = countingOps();
    await base.putTask(sampleTask('gone', '/a', 'agent-1'));
    const buffer = new TaskWriteBuffer(ops);
    const view = buffer.view();
    for (let i = 0; i < 500; i++) {
      await view.putTask(sampleTask(`t.${i}`, '/a', 'agent-1', { state: 'TASK_STARTING' }));
      await view.putTask(sampleTask(`t.${i}`, '/a', 'agent-1', { state: 'TASK_RUNNING' }));
    }
    await view.deleteTask('gone');
    assert.equal(
      calls.putTasks + calls.putTask + calls.putEncodedTasks + calls.deleteTask,
      0,
      'nothing written before the flush',
    );
    await buffer.flush();
    assert.deepEqual(calls, { putTask: 0, putTasks: 0, putEncodedTasks: 1, deleteTask: 1, rows: 500 });
    const stored = await base.listTasks();
    assert.equal(stored.length, 500);
    assert.ok(stored.every((t) => t.state === 'TASK_RUNNING'));
    await buffer.flush();
    assert.equal(calls.putEncodedTasks, 1, 'an empty buffer writes nothing');
  });
});
