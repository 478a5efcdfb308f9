import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAgentToMaster } from './agent-protocol-schema.js';

const update = (extra: Record<string, unknown>) => ({
  type: 'statusUpdate',
  updateId: 'u1',
  agentId: 'a1',
  taskId: 'web.1',
  appId: '/web',
  state: 'TASK_RUNNING',
  timestamp: 1,
  ...extra,
});

test('a status update may carry readiness results in Marathon shape', () => {
  const ok = checkAgentToMaster(
    update({
      ready: false,
      readinessCheckResults: [
        {
          name: 'readinessCheck',
          taskId: 'web.1',
          ready: false,
          lastResponse: { status: 503, contentType: 'text/plain', body: 'starting' },
        },
      ],
    }),
  );
  assert.equal(ok.ok, true);
  const bad = checkAgentToMaster(
    update({ readinessCheckResults: [{ name: 'x', taskId: 'web.1', ready: 'yes' }] }),
  );
  assert.equal(bad.ok, false);
});
