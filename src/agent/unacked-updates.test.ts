import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TaskState } from '../domain/task.js';
import { type PendingUpdate, UnackedUpdates } from './unacked-updates.js';

function update(updateId: string, taskId: string, state: TaskState): PendingUpdate {
  return { updateId, taskId, appId: '/a', state, timestamp: 0 };
}

describe('unacked updates', () => {
  test('keeps updates in creation order until acked', () => {
    const u = new UnackedUpdates();
    u.add(update('1', 'a', 'TASK_STARTING'));
    u.add(update('2', 'b', 'TASK_STARTING'));
    u.add(update('3', 'a', 'TASK_RUNNING'));
    assert.deepEqual(
      u.all().map((x) => x.updateId),
      ['1', '2', '3'],
    );
    assert.equal(u.ack('2')?.taskId, 'b');
    assert.equal(u.ack('2'), undefined, 'a repeated ack is ignored');
    assert.deepEqual(
      u.ofTask('a').map((x) => x.updateId),
      ['1', '3'],
    );
  });

  test('acking a terminal update drops older updates of that task only', () => {
    const u = new UnackedUpdates();
    u.add(update('1', 'a', 'TASK_STARTING'));
    u.add(update('2', 'b', 'TASK_STARTING'));
    u.add(update('3', 'a', 'TASK_RUNNING'));
    u.add(update('4', 'a', 'TASK_FAILED'));
    u.add(update('5', 'a', 'TASK_LOST'));
    assert.equal(u.ack('4')?.state, 'TASK_FAILED');
    assert.deepEqual(
      u.all().map((x) => x.updateId),
      ['2', '5'],
    );
    assert.equal(u.size, 2);
  });
});
