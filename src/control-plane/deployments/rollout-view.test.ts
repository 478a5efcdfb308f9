import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskRecord } from '../../domain/task.js';
import { sampleApp, sampleTask } from '../../store/contract-support.js';
import { reconcileAppOf } from './rollout-view.js';

const task = (over: Partial<TaskRecord> = {}) =>
  sampleTask('web.1', '/web', 'agent-1', { state: 'TASK_STAGING', ...over }) as TaskRecord;

describe('reconcileAppOf', () => {
  it('maps a record seen before to the same view, and a replaced record to a new one', () => {
    const app = sampleApp('/web');
    const staging = task();
    const first = reconcileAppOf(app, [staging]).tasks[0]!;
    assert.equal(reconcileAppOf(app, [staging]).tasks[0], first);
    const running = { ...staging, state: 'TASK_RUNNING' as const, killRequestedAt: 5 };
    const next = reconcileAppOf(app, [running]).tasks[0]!;
    assert.equal(next.state, 'TASK_RUNNING');
    assert.equal(next.killRequested, true);
    assert.equal(first.state, 'TASK_STAGING', 'the earlier view is left as it was');
  });

  it('follows what is not in the record: the app’s health checks and a draining agent', () => {
    const t = task();
    const plain = sampleApp('/web');
    const checked = sampleApp('/web', undefined, {
      healthChecks: [{ protocol: 'COMMAND', command: { value: 'true' } }] as never,
    });
    assert.equal(reconcileAppOf(plain, [t]).tasks[0]!.hasHealthChecks, false);
    assert.equal(reconcileAppOf(checked, [t]).tasks[0]!.hasHealthChecks, true);
    assert.equal(reconcileAppOf(checked, [t]).hasHealthChecks, true);
    const draining = reconcileAppOf(plain, [t], { draining: (id) => id === 'agent-1' }).tasks[0]!;
    assert.equal(draining.mustMove, true);
    assert.equal(reconcileAppOf(plain, [t], { draining: () => false }).tasks[0]!.mustMove, undefined);
  });
});
