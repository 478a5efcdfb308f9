import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppSpec } from './app.js';
import { ID_MESSAGES } from './app-id.js';
import { APP_MESSAGES } from './app-normalize.js';
import { parseAppDefinition, rollbackVersion } from './app-validate.js';
import { isDroverError } from './errors.js';

/** The 422's details as `path -> errors`. */
function problems(input: unknown, opts?: Parameters<typeof parseAppDefinition>[1]): Record<string, string[]> {
  try {
    parseAppDefinition(input, opts);
  } catch (e) {
    assert.ok(isDroverError(e), String(e));
    assert.equal(e.status, 422);
    assert.equal(e.code, 'INVALID_DEFINITION');
    assert.equal(e.message, 'Object is not valid');
    return Object.fromEntries(e.details.map((d) => [d.path, d.errors]));
  }
  return assert.fail(`expected a 422 for ${JSON.stringify(input)}`);
}

const app = (extra: Record<string, unknown> = {}) => ({ id: '/web', cmd: 'sleep 100', ...extra });

test('a minimal app gets every Marathon default', () => {
  const expected: AppSpec = {
    id: '/web',
    cmd: 'sleep 100',
    env: {},
    instances: 1,
    cpus: 1,
    mem: 128,
    disk: 0,
    gpus: 0,
    executor: '',
    constraints: [],
    uris: [],
    fetch: [],
    storeUrls: [],
    backoffSeconds: 1,
    backoffFactor: 1.15,
    maxLaunchDelaySeconds: 300,
    networks: [{ mode: 'host' }],
    healthChecks: [],
    readinessChecks: [],
    dependencies: [],
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
    labels: {},
    portDefinitions: [{ port: 0, protocol: 'tcp' }],
    requirePorts: false,
    killSelection: 'YOUNGEST_FIRST',
    // Marathon 1.4.6+: replace at once, expunge at once.
    unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
  };
  assert.deepEqual(parseAppDefinition(app()), expected);
});

test('given values are kept', () => {
  const a = parseAppDefinition({
    id: 'web',
    cmd: 'node examples/http-echo.js',
    instances: 3,
    cpus: 0.1,
    mem: 32,
    disk: 10,
    gpus: 0,
    user: 'nobody',
    env: { A: '1' },
    labels: { team: 'x' },
    backoffSeconds: 0,
    backoffFactor: 2,
    maxLaunchDelaySeconds: 3600,
    killSelection: 'OLDEST_FIRST',
    taskKillGracePeriodSeconds: 5,
    acceptedResourceRoles: ['*', '*'],
    storeUrls: ['http://store/x'],
    tty: true,
    role: 'web',
    upgradeStrategy: { minimumHealthCapacity: 0.5 },
    unreachableStrategy: 'disabled',
  });
  assert.equal(a.id, '/web');
  assert.deepEqual(
    [a.instances, a.cpus, a.mem, a.disk, a.user, a.backoffSeconds, a.backoffFactor, a.maxLaunchDelaySeconds],
    [3, 0.1, 32, 10, 'nobody', 0, 2, 3600],
  );
  assert.deepEqual(a.env, { A: '1' });
  assert.deepEqual(a.labels, { team: 'x' });
  assert.equal(a.killSelection, 'OLDEST_FIRST');
  assert.equal(a.taskKillGracePeriodSeconds, 5);
  assert.deepEqual(a.acceptedResourceRoles, ['*']);
  assert.deepEqual(a.storeUrls, ['http://store/x']);
  assert.equal(a.tty, true);
  assert.equal(a.role, 'web');
  assert.deepEqual(a.upgradeStrategy, { minimumHealthCapacity: 0.5, maximumOverCapacity: 1 });
  assert.equal(a.unreachableStrategy, 'disabled');
});

test('every problem is reported at once', () => {
  const p = problems({ id: '/Web', cmd: 'x', args: ['y'], cpus: -1, instances: -2, bogus: true });
  assert.deepEqual(Object.keys(p).sort(), ['/', '/bogus', '/cpus', '/id', '/instances']);
});

test("numeric ranges use Marathon's messages, doubles shown as Scala prints them", () => {
  assert.deepEqual(problems(app({ mem: -3 }))['/mem'], ['got -3.0, expected 0.0 or more']);
  assert.deepEqual(problems(app({ cpus: -3 }))['/cpus'], ['got -3.0, expected 0.0 or more']);
  assert.deepEqual(problems(app({ disk: -0.5 }))['/disk'], ['got -0.5, expected 0.0 or more']);
  assert.deepEqual(problems(app({ gpus: -3 }))['/gpus'], ['got -3, expected 0 or more']);
  assert.deepEqual(problems(app({ instances: -3 }))['/instances'], ['got -3, expected 0 or more']);
  assert.deepEqual(problems(app({ backoffFactor: 0.5 }))['/backoffFactor'], [
    'got 0.5, expected 1.0 or more',
  ]);
  assert.deepEqual(problems(app({ backoffSeconds: -1 }))['/backoffSeconds'], ['got -1, expected 0 or more']);
  assert.deepEqual(problems(app({ maxLaunchDelaySeconds: -1 }))['/maxLaunchDelaySeconds'], [
    'got -1, expected 0 or more',
  ]);
  assert.deepEqual(problems(app({ taskKillGracePeriodSeconds: -1 }))['/taskKillGracePeriodSeconds'], [
    'got -1, expected 0 or more',
  ]);
});

test('upgradeStrategy values must lie in [0, 1]', () => {
  const p = problems(app({ upgradeStrategy: { minimumHealthCapacity: 1.2, maximumOverCapacity: -1.2 } }));
  assert.deepEqual(p['/upgradeStrategy/minimumHealthCapacity'], ['got 1.2, expected between 0.0 and 1.0']);
  assert.deepEqual(p['/upgradeStrategy/maximumOverCapacity'], ['got -1.2, expected between 0.0 and 1.0']);
  assert.deepEqual(
    parseAppDefinition(app({ upgradeStrategy: { minimumHealthCapacity: 0, maximumOverCapacity: 0 } }))
      .upgradeStrategy,
    {
      minimumHealthCapacity: 0,
      maximumOverCapacity: 0,
    },
  );
});

test('wrong JSON types get Play JSON keys, as Marathon returns them', () => {
  assert.deepEqual(problems(app({ cpus: 'a lot' })), { '/cpus': ['error.expected.jsnumber'] });
  assert.deepEqual(problems(app({ instances: 1.5 })), { '/instances': ['error.expected.int'] });
  assert.deepEqual(problems(app({ cmd: 5 })), { '/cmd': ['error.expected.jsstring'] });
  assert.deepEqual(problems(app({ requirePorts: 'yes' })), { '/requirePorts': ['error.expected.jsboolean'] });
  assert.deepEqual(problems(app({ args: 'a b' })), { '/args': ['error.expected.jsarray'] });
  assert.deepEqual(problems(app({ labels: { a: 1 } })), { '/labels/a': ['error.expected.jsstring'] });
  assert.deepEqual(problems({ cmd: 'x' }), { '/id': ['error.path.missing'] });
  assert.deepEqual(problems('web'), { '/': ['error.expected.jsobject'] });
  assert.deepEqual(problems([]), { '/': ['error.expected.jsobject'] });
});

test('more than a handful of problems are all reported (TypeBox stops at 8 by default)', () => {
  const bogus = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`bogus${i}`, i]));
  const p = problems(app({ ...bogus, healthChecks: [{}, null] }));
  assert.equal(Object.keys(p).length, 13);
  assert.deepEqual(p['/healthChecks(1)'], ['error.expected.jsobject']);
});

test('enumerations name the allowed values', () => {
  assert.deepEqual(problems(app({ killSelection: 'RANDOM' })), {
    '/killSelection': ['is not one of (YOUNGEST_FIRST,OLDEST_FIRST)'],
  });
});

test('unknown fields are rejected at every level, with the path of the field', () => {
  assert.deepEqual(problems(app({ instanses: 2 })), { '/instanses': ['unknown field'] });
  assert.deepEqual(
    problems(app({ healthChecks: [{ protocol: 'HTTP', pth: '/' }] }))['/healthChecks(0)/pth'],
    ['unknown field'],
  );
  assert.deepEqual(problems(app({ container: { type: 'DOCKER', docker: { image: 'x', volumes: [] } } })), {
    '/container/docker/volumes': ['unknown field'],
  });
});

test('null means absent, as in Marathon GET output', () => {
  const a = parseAppDefinition(app({ args: null, user: null, container: null, healthChecks: null }));
  assert.equal(a.args, undefined);
  assert.equal(a.user, undefined);
  assert.equal(a.container, undefined);
  assert.deepEqual(a.healthChecks, []);
});

test('cmd and args: exactly one, unless a container image supplies the command', () => {
  const msg = [APP_MESSAGES.cmdArgsContainer];
  assert.deepEqual(problems(app({ args: ['a'] }))['/'], msg);
  assert.deepEqual(problems({ id: '/web' })['/'], msg);
  assert.deepEqual(problems({ id: '/web', args: [] })['/'], msg);
  assert.deepEqual(problems(app({ cmd: '' }))['/cmd'], ['must not be empty']);
  assert.deepEqual(parseAppDefinition({ id: '/a', args: ['sleep', '1'] }).args, ['sleep', '1']);
  assert.equal(parseAppDefinition(app({ args: [] })).args, undefined);
  const image = { type: 'DOCKER', docker: { image: 'nginx' } };
  assert.equal(parseAppDefinition({ id: '/a', container: image }).cmd, undefined);
  assert.deepEqual(parseAppDefinition({ id: '/a', container: image, args: ['-g'] }).args, ['-g']);
  assert.deepEqual(problems({ id: '/a', container: image, cmd: 'x', args: ['y'] })['/'], msg);
  assert.deepEqual(problems({ id: '/a', container: { type: 'MESOS' } })['/'], msg);
});

test('a MESOS container with an image: no docker run flags, network or docker.portMappings; privileged dropped', () => {
  const mesos = (docker: Record<string, unknown>) => ({
    id: '/ucr',
    cmd: 'sleep 1',
    container: { type: 'MESOS', docker: { image: 'busybox', ...docker } },
  });
  const ok = parseAppDefinition(mesos({ privileged: true }));
  assert.equal(ok.container?.type, 'MESOS');
  assert.equal(ok.container?.docker?.image, 'busybox');
  assert.equal(ok.container?.docker?.privileged, false, 'the universal containerizer has no privileged mode');
  assert.deepEqual(problems(mesos({ parameters: [{ key: 'label', value: 'a=b' }] })), {
    '/container/docker/parameters': ['must be empty'],
  });
  assert.deepEqual(problems(mesos({ network: 'HOST' })), { '/container/docker/network': ['must be empty'] });
  assert.deepEqual(
    problems({
      ...mesos({ portMappings: [{ containerPort: 80 }] }),
      networks: [{ mode: 'container/bridge' }],
    })['/container/docker/portMappings'],
    ['must be empty'],
  );
  // Networking the modern way works as for DOCKER.
  const bridged = parseAppDefinition({
    ...mesos({}),
    networks: [{ mode: 'container/bridge' }],
    container: {
      type: 'MESOS',
      docker: { image: 'busybox' },
      portMappings: [{ containerPort: 80 }],
      volumes: [{ containerPath: 'data', hostPath: 'data', mode: 'RW' }],
    },
  });
  assert.equal(bridged.container?.portMappings?.[0]?.containerPort, 80);
  assert.equal(
    bridged.container?.volumes[0]?.containerPath,
    'data',
    'relative to the sandbox, as in Marathon',
  );
});

test('ids: relative ids resolve against baseId; bad ids are reported at /id', () => {
  assert.equal(parseAppDefinition(app({ id: 'web' })).id, '/web');
  assert.equal(parseAppDefinition(app({ id: 'web/' }), { baseId: '/prod' }).id, '/prod/web');
  assert.deepEqual(problems(app({ id: '/../x' })), { '/id': [ID_MESSAGES.dotsInAbsolute] });
  assert.deepEqual(problems(app({ id: '/a/../../b' })), { '/id': [ID_MESSAGES.dotsInAbsolute] });
  assert.deepEqual(problems(app({ id: '../x' })), { '/id': [ID_MESSAGES.escapesRoot] });
  assert.deepEqual(problems(app({ id: '/My_App' })), { '/id': [ID_MESSAGES.segment] });
  assert.deepEqual(problems(app({ id: '/' })), { '/id': [ID_MESSAGES.empty] });
});

test('env values must be strings or references to declared secrets', () => {
  assert.deepEqual(problems(app({ env: { DB: { secret: 'db-pass' } } })), {
    '/env/DB': [APP_MESSAGES.envSecret('db-pass')],
  });
  assert.deepEqual(Object.keys(problems(app({ env: { N: 1 } }))), ['/env/N']);
  const parsed = parseAppDefinition(
    app({ env: { MODE: 'x', DB: { secret: 's' } }, secrets: { s: { source: 'db/password' } } }),
  );
  assert.deepEqual(parsed.env, { MODE: 'x' });
  assert.deepEqual(parsed.secretEnv, { DB: 's' });
  assert.deepEqual(parsed.secrets, { s: { source: 'db/password' } });
  assert.deepEqual(parseAppDefinition(app({ secrets: {} })).env, {});
});

test('fields Drover does not support are refused, not ignored', () => {
  assert.deepEqual(problems(app({ residency: { taskLostBehavior: 'WAIT_FOREVER' } })), {
    '/': [APP_MESSAGES.residency],
  });
  assert.deepEqual(problems(app({ gpus: 1, container: { type: 'DOCKER', docker: { image: 'x' } } }))['/'], [
    APP_MESSAGES.gpuDocker,
  ]);
  assert.equal(parseAppDefinition(app({ gpus: 1 })).gpus, 1);
});

test("executor follows Marathon's pattern", () => {
  for (const ok of ['', '//cmd', 'some/relative/path.mte', '/some/absolute/path']) {
    assert.equal(parseAppDefinition(app({ executor: ok })).executor, ok);
  }
  for (const bad of ['/test/', '/test//path'])
    assert.deepEqual(problems(app({ executor: bad })), { '/executor': [APP_MESSAGES.executor] });
});

test('unreachableStrategy: defaults, disabled, and inactive <= expunge', () => {
  assert.deepEqual(
    parseAppDefinition(app({ unreachableStrategy: { inactiveAfterSeconds: 60 } })).unreachableStrategy,
    {
      inactiveAfterSeconds: 60,
      expungeAfterSeconds: 600,
    },
  );
  // Absent: Marathon 1.4.6+'s 0/0; a given object's missing field: the RAML's 300/600.
  assert.deepEqual(parseAppDefinition(app()).unreachableStrategy, {
    inactiveAfterSeconds: 0,
    expungeAfterSeconds: 0,
  });
  assert.deepEqual(
    parseAppDefinition(app({ unreachableStrategy: { expungeAfterSeconds: 1200 } })).unreachableStrategy,
    { inactiveAfterSeconds: 300, expungeAfterSeconds: 1200 },
  );
  assert.deepEqual(problems(app({ unreachableStrategy: { inactiveAfterSeconds: 900 } })), {
    '/unreachableStrategy/inactiveAfterSeconds': [APP_MESSAGES.unreachable(900, 600)],
  });
  assert.deepEqual(Object.keys(problems(app({ unreachableStrategy: 'enabled' }))), ['/unreachableStrategy']);
  assert.deepEqual(Object.keys(problems(app({ unreachableStrategy: 5 }))), ['/unreachableStrategy']);
});

test('dependencies are absolute, relative to the app group, and deduplicated', () => {
  const a = parseAppDefinition(app({ id: '/prod/web', dependencies: ['db', '/prod/db', '../shared/cache'] }));
  assert.deepEqual(a.dependencies, ['/prod/db', '/shared/cache']);
  assert.deepEqual(problems(app({ id: '/prod/web', dependencies: ['ok', '../../../x'] })), {
    '/dependencies(1)': [ID_MESSAGES.escapesRoot],
  });
});

test('constraints are validated with their index in the path', () => {
  const p = problems(
    app({
      constraints: [
        ['hostname', 'UNIQUE'],
        ['hostname', 'CLUSTER'],
        ['rack', 'BOGUS'],
      ],
    }),
  );
  assert.deepEqual(Object.keys(p), ['/constraints(1)', '/constraints(2)']);
  assert.deepEqual(problems(app({ constraints: [['rack', 'MAX_PER', 2]] })), {
    '/constraints(0)(2)': ['error.expected.jsstring'],
  });
});

test('uris become fetch entries; fetch gets Marathon defaults', () => {
  const a = parseAppDefinition(app({ uris: ['http://x/app.tgz', 'http://x/run.sh'] }));
  assert.deepEqual(a.uris, []);
  assert.deepEqual(a.fetch, [
    { uri: 'http://x/app.tgz', executable: false, extract: true, cache: false },
    { uri: 'http://x/run.sh', executable: false, extract: false, cache: false },
  ]);
  const f = parseAppDefinition(app({ fetch: [{ uri: 'http://x/y', executable: true, destPath: 'y.sh' }] }));
  assert.deepEqual(f.fetch, [
    { uri: 'http://x/y', executable: true, extract: true, cache: false, outputFile: 'y.sh' },
  ]);
  assert.deepEqual(problems(app({ uris: ['a'], fetch: [{ uri: 'b' }] })), {
    '/uris': ['may not be set in conjunction with fetch'],
  });
  assert.deepEqual(problems(app({ fetch: [{ uri: 'http://x/valid' }, { uri: 'd://\not a uri' }] })), {
    '/fetch(1)/uri': ['URI has invalid syntax.'],
  });
  assert.deepEqual(problems(app({ fetch: [{ uri: '' }] })), { '/fetch(0)/uri': ['must not be empty'] });
});

test('pathPrefix places every path inside a larger body', () => {
  const p = problems(app({ cpus: -1, args: ['x'] }), { pathPrefix: '/apps(2)' });
  assert.deepEqual(Object.keys(p).sort(), ['/apps(2)', '/apps(2)/cpus']);
});

test('rollbackVersion recognises a body that only names a version', () => {
  assert.equal(rollbackVersion({ version: '2024-01-01T00:00:00.000Z' }), '2024-01-01T00:00:00.000Z');
  assert.equal(rollbackVersion({ id: '/web', version: 'v' }), 'v');
  assert.equal(rollbackVersion({ id: '/web', version: 'v', cmd: 'x' }), undefined);
  assert.equal(rollbackVersion({ id: '/web' }), undefined);
  assert.equal(rollbackVersion('v'), undefined);
  assert.equal(parseAppDefinition(app({ version: '2024-01-01T00:00:00.000Z' })).id, '/web');
});
