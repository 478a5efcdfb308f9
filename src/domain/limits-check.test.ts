import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storedApp } from '../api/test-support/fixtures.js';
import { appBeyondLimits } from './limits-check.js';

test('a definition within the limits has no problems', () => {
  assert.deepEqual(appBeyondLimits(storedApp({ id: '/web', env: { A: 'b' }, labels: { x: 'y' } })), []);
});

test('every out-of-bounds field of a stored definition is named', () => {
  const app = storedApp({
    id: `/${'a'.repeat(300)}`,
    instances: 1e9,
    user: 'u'.repeat(300),
    env: { BIG: 'v'.repeat(70_000) },
    healthChecks: [
      {
        protocol: 'TCP',
        portIndex: 0,
        gracePeriodSeconds: 300,
        intervalSeconds: 2_147_484,
        timeoutSeconds: 20,
        maxConsecutiveFailures: 3,
        ignoreHttp1xx: false,
      } as never,
    ],
  });
  const problems = appBeyondLimits(app).join('\n');
  assert.match(problems, /instances is 1000000000/);
  assert.match(problems, /id length is 301/);
  assert.match(problems, /user length is 300/);
  assert.match(problems, /env longest value is 70000/);
  assert.match(problems, /\/healthChecks\/0\/intervalSeconds is 2147484/);
});
