import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameDefinition } from './app-equality.js';
import { applyAppPatch, parseAppDefinition } from './app-validate.js';
import { stampVersion } from './app-version.js';
import { isDroverError } from './errors.js';

const v1 = '2024-05-01T10:00:00.000Z';

/** What a Marathon-compatible GET /v2/apps/{id} returns for `app`. */
function getShaped(input: Record<string, unknown>): Record<string, unknown> {
  const stored = stampVersion(parseAppDefinition(input), v1);
  return {
    ...stored,
    ports: stored.portDefinitions.map((p) => p.port),
    args: stored.args ?? null,
    user: stored.user ?? null,
    tasksStaged: 0,
    tasksRunning: 2,
    tasksHealthy: 2,
    tasksUnhealthy: 0,
    deployments: [{ id: '44c4ed48-ee53-4e0f-82dc-4df8b2a69057' }],
    tasks: [{ id: 'web.1', host: '127.0.0.1', ports: [31000], healthCheckResults: [] }],
    lastTaskFailure: {
      appId: '/web',
      message: 'exit 1',
      state: 'TASK_FAILED',
      taskId: 'web.0',
      timestamp: v1,
    },
    taskStats: { totalSummary: { stats: { counts: { staged: 0, running: 2, healthy: 2, unhealthy: 0 } } } },
    readinessCheckResults: [],
    servicePorts: [10000],
  };
}

test('GET-modify-PUT: a GET-shaped body validates and means the same definition', () => {
  const input = {
    id: '/web',
    cmd: 'node server.js',
    instances: 2,
    portDefinitions: [{ port: 10000, name: 'http' }],
    healthChecks: [{ protocol: 'HTTP', path: '/health' }],
    readinessChecks: [{ portName: 'http' }],
    constraints: [['hostname', 'UNIQUE']],
    uris: ['http://x/app.tgz'],
  };
  const original = parseAppDefinition(input);
  const body = getShaped(input);
  const again = parseAppDefinition(body);
  assert.ok(sameDefinition(original, again));
  const modified = parseAppDefinition({ ...body, instances: 5 });
  assert.equal(modified.instances, 5);
});

test('GET-modify-PUT works for docker bridge apps too', () => {
  const input = {
    id: '/nginx',
    container: {
      type: 'DOCKER',
      docker: { image: 'nginx', network: 'BRIDGE', portMappings: [{ containerPort: 80 }] },
    },
  };
  const original = parseAppDefinition(input);
  const { ports: _p, ...body } = getShaped(input);
  assert.ok(sameDefinition(original, parseAppDefinition(body)));
});

test('PATCH replaces the fields it names and keeps the rest', () => {
  const current = stampVersion(
    parseAppDefinition({ id: '/web', cmd: 'a', instances: 2, env: { A: '1' } }),
    v1,
  );
  const next = applyAppPatch(current, { instances: 4, env: { B: '2' } });
  assert.equal(next.instances, 4);
  assert.deepEqual(next.env, { B: '2' });
  assert.equal(next.cmd, 'a');
  assert.ok(!('version' in next));
});

test('PATCH: the id is the current one; read-only fields and null are ignored', () => {
  const current = parseAppDefinition({ id: '/web', cmd: 'a' });
  const next = applyAppPatch(current, { id: '/other', tasksRunning: 3, user: null, version: v1 });
  assert.ok(sameDefinition(current, next));
});

test('PATCH: cmd replaces args and args replace cmd', () => {
  const withCmd = parseAppDefinition({ id: '/web', cmd: 'a' });
  const withArgs = applyAppPatch(withCmd, { args: ['sleep', '1'] });
  assert.equal(withArgs.cmd, undefined);
  assert.deepEqual(withArgs.args, ['sleep', '1']);
  assert.equal(applyAppPatch(withArgs, { cmd: 'b' }).args, undefined);
});

test('PATCH: deprecated ports and uris replace their modern twins', () => {
  const current = parseAppDefinition({
    id: '/web',
    cmd: 'a',
    portDefinitions: [{ port: 0, name: 'x' }],
    fetch: [{ uri: 'http://a' }],
  });
  const next = applyAppPatch(current, { ports: [9000, 9001], uris: ['http://b/c.zip'] });
  assert.deepEqual(next.portDefinitions, [
    { port: 9000, protocol: 'tcp' },
    { port: 9001, protocol: 'tcp' },
  ]);
  assert.deepEqual(next.fetch, [{ uri: 'http://b/c.zip', executable: false, extract: true, cache: false }]);
});

test('PATCH: switching networking from docker.network to networks and back', () => {
  const bridged = parseAppDefinition({
    id: '/n',
    container: { type: 'DOCKER', docker: { image: 'nginx', network: 'BRIDGE' } },
  });
  const host = applyAppPatch(bridged, {
    networks: [{ mode: 'host' }],
    container: { docker: { image: 'nginx' } },
  });
  assert.deepEqual(host.networks, [{ mode: 'host' }]);
  const viaNetworksOnly = applyAppPatch(bridged, { networks: [{ mode: 'container', name: 'blue' }] });
  assert.deepEqual(viaNetworksOnly.networks, [{ mode: 'container', name: 'blue' }]);
  assert.equal(viaNetworksOnly.container?.docker?.network, undefined);
  const back = applyAppPatch(host, { container: { docker: { image: 'nginx', network: 'BRIDGE' } } });
  assert.deepEqual(back.networks, [{ mode: 'container/bridge' }]);
});

test('PATCH: the merged definition is validated as a whole, paths as in the patch', () => {
  const current = parseAppDefinition({ id: '/web', cmd: 'a' });
  try {
    applyAppPatch(current, { cpus: -1, healthChecks: [{ portIndex: 3 }] });
    assert.fail('expected 422');
  } catch (e) {
    assert.ok(isDroverError(e));
    assert.deepEqual(
      e.details.map((d) => d.path),
      ['/cpus', '/healthChecks(0)'],
    );
  }
  assert.throws(
    () => applyAppPatch(current, [1]),
    (e) => isDroverError(e) && e.details[0]?.path === '/',
  );
});
