import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthCheck, ReadinessCheck } from '../../domain/app.js';
import { HEALTH_CHECK_DEFAULTS, READINESS_CHECK_DEFAULTS } from '../../domain/app-defaults.js';
import { shellTask } from '../testing/task-spec.js';
import { healthCheckTarget, readinessCheckTarget } from './probe-target.js';

const spec = shellTask('web.1', 'serve', { ports: [31001, 31002], portNames: ['http', 'admin'] });
const hc = (over: Partial<HealthCheck>): HealthCheck => ({ ...HEALTH_CHECK_DEFAULTS, ...over });
const rc = (over: Partial<ReadinessCheck>): ReadinessCheck => ({
  ...READINESS_CHECK_DEFAULTS,
  httpStatusCodesForReady: [200],
  ...over,
});

test('HTTP-like protocols probe host:port[portIndex] with the path (leading slash added)', () => {
  assert.deepEqual(healthCheckTarget(hc({ portIndex: 1, path: 'health' }), spec, '127.0.0.2'), {
    kind: 'http',
    scheme: 'http',
    host: '127.0.0.2',
    port: 31002,
    path: '/health',
  });
  for (const protocol of ['HTTPS', 'MESOS_HTTPS'] as const)
    assert.equal(
      (healthCheckTarget(hc({ protocol, portIndex: 0 }), spec, 'h') as { scheme: string }).scheme,
      'https',
    );
  assert.equal(
    (healthCheckTarget(hc({ protocol: 'MESOS_HTTP' }), spec, 'h') as { port: number }).port,
    31001,
  );
});

test('an explicit port wins; TCP and MESOS_TCP are tcp targets; COMMAND carries its command', () => {
  assert.deepEqual(healthCheckTarget(hc({ protocol: 'TCP', port: 8080 }), spec, 'h'), {
    kind: 'tcp',
    host: 'h',
    port: 8080,
  });
  assert.deepEqual(healthCheckTarget(hc({ protocol: 'MESOS_TCP', portIndex: 1 }), spec, 'h'), {
    kind: 'tcp',
    host: 'h',
    port: 31002,
  });
  assert.deepEqual(healthCheckTarget(hc({ protocol: 'COMMAND', command: { value: 'true' } }), spec, 'h'), {
    kind: 'command',
    command: 'true',
  });
});

test('a port index the task does not have is an error, not a crash', () => {
  assert.ok('error' in healthCheckTarget(hc({ portIndex: 5 }), spec, 'h'));
});

test('readiness resolves portName through the spec port names', () => {
  assert.deepEqual(
    readinessCheckTarget(rc({ portName: 'admin', path: '/ready', protocol: 'HTTPS' }), spec, 'h'),
    {
      kind: 'http',
      scheme: 'https',
      host: 'h',
      port: 31002,
      path: '/ready',
    },
  );
  assert.ok('error' in readinessCheckTarget(rc({ portName: 'nope' }), spec, 'h'));
});
