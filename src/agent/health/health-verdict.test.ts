import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthVerdict } from './health-verdict.js';

const plain = { ignoreHttp1xx: false };
const ignore1xx = { ignoreHttp1xx: true };

test('HTTP 200-399 is healthy, anything else is not (with the status line as the cause)', () => {
  for (const status of [200, 204, 301, 399])
    assert.equal(healthVerdict(plain, { kind: 'http', status }).kind, 'healthy', String(status));
  assert.deepEqual(healthVerdict(plain, { kind: 'http', status: 503, statusText: 'Service Unavailable' }), {
    kind: 'unhealthy',
    cause: '503 Service Unavailable',
  });
  assert.equal(healthVerdict(plain, { kind: 'http', status: 400 }).kind, 'unhealthy');
});

test('HTTP 1xx is discarded with ignoreHttp1xx and unhealthy without', () => {
  assert.equal(healthVerdict(ignore1xx, { kind: 'http', status: 102 }).kind, 'ignored');
  assert.equal(healthVerdict(plain, { kind: 'http', status: 102 }).kind, 'unhealthy');
  assert.equal(healthVerdict(ignore1xx, { kind: 'http', status: 500 }).kind, 'unhealthy');
});

test('TCP connected, command exit 0 are healthy; exit N and errors are not', () => {
  assert.equal(healthVerdict(plain, { kind: 'tcp' }).kind, 'healthy');
  assert.equal(healthVerdict(plain, { kind: 'command', exitCode: 0 }).kind, 'healthy');
  assert.deepEqual(healthVerdict(plain, { kind: 'command', exitCode: 3 }), {
    kind: 'unhealthy',
    cause: 'Command exited with status 3',
  });
  assert.deepEqual(healthVerdict(plain, { kind: 'error', cause: 'Timed out after 1 s' }), {
    kind: 'unhealthy',
    cause: 'Timed out after 1 s',
  });
});
