import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAppDefinition } from './app-validate.js';
import { stampVersion } from './app-version.js';
import { buildTaskSpec } from './task-spec.js';

const V = '2026-01-01T00:00:00.000Z';
const spec = (input: Record<string, unknown>) =>
  buildTaskSpec({
    app: stampVersion(parseAppDefinition({ id: '/web', cmd: 'id -u', ...input }), V),
    taskId: 'web.1',
    host: '10.0.0.1',
    hostPorts: [31000],
    defaultKillGraceMs: 3000,
  });

test("the launch carries the app's user for the agent to apply", () => {
  assert.equal(spec({ user: 'nobody' }).user, 'nobody');
});

test('an app without user sends none: the task runs as the agent user', () => {
  assert.ok(!('user' in spec({})), 'no user field at all');
});
