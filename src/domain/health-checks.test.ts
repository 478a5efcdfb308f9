import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAppDefinition } from './app-validate.js';
import { isDroverError } from './errors.js';
import { HEALTH_CHECK_MESSAGES as H } from './health-checks.js';
import { READINESS_MESSAGES } from './readiness-checks.js';

function problems(input: unknown): Record<string, string[]> {
  try {
    parseAppDefinition(input);
  } catch (e) {
    assert.ok(isDroverError(e), String(e));
    return Object.fromEntries(e.details.map((d) => [d.path, d.errors]));
  }
  return assert.fail(`expected a 422 for ${JSON.stringify(input)}`);
}

const app = (extra: Record<string, unknown> = {}) => ({ id: '/web', cmd: 'sleep 100', ...extra });
const checks = (hc: unknown[], extra: Record<string, unknown> = {}) =>
  parseAppDefinition(app({ healthChecks: hc, ...extra })).healthChecks;

test("a bare health check gets Marathon's defaults and probes the first port", () => {
  assert.deepEqual(checks([{}]), [
    {
      protocol: 'HTTP',
      path: '/',
      portIndex: 0,
      gracePeriodSeconds: 300,
      intervalSeconds: 60,
      timeoutSeconds: 20,
      maxConsecutiveFailures: 3,
      ignoreHttp1xx: false,
      delaySeconds: 15,
    },
  ]);
});

test('every protocol is accepted; only HTTP-like ones keep a path', () => {
  for (const protocol of ['HTTP', 'HTTPS', 'MESOS_HTTP', 'MESOS_HTTPS']) {
    assert.equal(checks([{ protocol, path: '/health' }])[0]?.path, '/health');
  }
  for (const protocol of ['TCP', 'MESOS_TCP'])
    assert.equal(checks([{ protocol, path: '/x' }])[0]?.path, undefined);
  assert.deepEqual(problems(app({ healthChecks: [{ protocol: 'UDP' }] })), {
    '/healthChecks(0)/protocol': ['is not one of (HTTP,HTTPS,TCP,COMMAND,MESOS_HTTP,MESOS_HTTPS,MESOS_TCP)'],
  });
});

test('overrides are kept', () => {
  const [c] = checks(
    [
      {
        protocol: 'TCP',
        portIndex: 1,
        gracePeriodSeconds: 5,
        intervalSeconds: 10,
        timeoutSeconds: 2,
        maxConsecutiveFailures: 0,
        delaySeconds: 0,
        ignoreHttp1xx: true,
      },
    ],
    { ports: [0, 0] },
  );
  assert.deepEqual(c, {
    protocol: 'TCP',
    portIndex: 1,
    gracePeriodSeconds: 5,
    intervalSeconds: 10,
    timeoutSeconds: 2,
    maxConsecutiveFailures: 0,
    ignoreHttp1xx: true,
    delaySeconds: 0,
  });
  assert.deepEqual(problems(app({ healthChecks: [{ intervalSeconds: -1 }] })), {
    '/healthChecks(0)/intervalSeconds': ['got -1, expected 0 or more'],
  });
});

test('portIndex must address a port, at /healthChecks(i) as in Marathon', () => {
  assert.deepEqual(problems(app({ healthChecks: [{ portIndex: 1 }] })), {
    '/healthChecks(0)': [H.portIndex],
  });
  assert.deepEqual(problems(app({ ports: [], healthChecks: [{ protocol: 'HTTP' }] })), {
    '/healthChecks(0)': [H.portIndex],
  });
  assert.deepEqual(checks([{ port: 8080 }], { ports: [] }), [
    {
      protocol: 'HTTP',
      path: '/',
      port: 8080,
      gracePeriodSeconds: 300,
      intervalSeconds: 60,
      timeoutSeconds: 20,
      maxConsecutiveFailures: 3,
      ignoreHttp1xx: false,
      delaySeconds: 15,
    },
  ]);
  assert.deepEqual(problems(app({ healthChecks: [{ port: 80, portIndex: 0 }] })), {
    '/healthChecks(0)': [H.portAndIndex],
  });
});

test('portIndex addresses port mappings when the app has them', () => {
  const bridged = {
    id: '/web',
    container: {
      type: 'DOCKER',
      docker: { image: 'x', network: 'BRIDGE', portMappings: [{ containerPort: 80 }, { containerPort: 81 }] },
    },
  };
  assert.equal(
    parseAppDefinition({ ...bridged, healthChecks: [{ portIndex: 1 }] }).healthChecks[0]?.portIndex,
    1,
  );
  assert.deepEqual(problems({ ...bridged, healthChecks: [{ portIndex: 2 }] }), {
    '/healthChecks(0)': [H.portIndex],
  });
});

test('COMMAND checks need a command; a command makes any check a COMMAND check', () => {
  const [c] = checks([{ protocol: 'COMMAND', command: { value: 'curl -f localhost:$PORT0' } }], {
    ports: [],
  });
  assert.deepEqual(c, {
    protocol: 'COMMAND',
    command: { value: 'curl -f localhost:$PORT0' },
    gracePeriodSeconds: 300,
    intervalSeconds: 60,
    timeoutSeconds: 20,
    maxConsecutiveFailures: 3,
    ignoreHttp1xx: false,
    delaySeconds: 15,
  });
  assert.equal(checks([{ protocol: 'HTTP', command: { value: 'true' } }])[0]?.protocol, 'COMMAND');
  assert.deepEqual(problems(app({ healthChecks: [{ protocol: 'COMMAND' }] })), {
    '/healthChecks(0)/command': [H.commandMissing],
  });
  assert.deepEqual(problems(app({ healthChecks: [{ protocol: 'COMMAND', command: { value: '' } }] })), {
    '/healthChecks(0)/command': [H.commandMissing],
  });
});

test('at most one Mesos network health check; IPv6 only for docker Mesos checks', () => {
  assert.deepEqual(problems(app({ healthChecks: [{ protocol: 'MESOS_HTTP' }, { protocol: 'MESOS_TCP' }] })), {
    '/': [H.oneMesosCheck],
  });
  assert.deepEqual(problems(app({ healthChecks: [{ ipProtocol: 'IPv6' }] })), {
    '/healthChecks(0)': [H.ipv6],
  });
  const dockerApp = { id: '/d', container: { docker: { image: 'x' } } };
  const [c] = parseAppDefinition({
    ...dockerApp,
    healthChecks: [{ protocol: 'MESOS_HTTP', ipProtocol: 'IPv6' }],
  }).healthChecks;
  assert.equal(c?.ipProtocol, 'IPv6');
  assert.equal(checks([{ ipProtocol: 'IPv4' }])[0]?.ipProtocol, undefined);
});

test("readiness checks get Marathon's defaults and must name a port", () => {
  const a = parseAppDefinition(app({ portDefinitions: [{ name: 'http-api' }], readinessChecks: [{}] }));
  assert.deepEqual(a.readinessChecks, [
    {
      name: 'readinessCheck',
      protocol: 'HTTP',
      path: '/',
      portName: 'http-api',
      intervalSeconds: 30,
      timeoutSeconds: 10,
      httpStatusCodesForReady: [200],
      preserveLastResponse: false,
    },
  ]);
  assert.deepEqual(problems(app({ readinessChecks: [{}] })), {
    '/readinessChecks(0)/portName': [READINESS_MESSAGES.portName('http-api')],
  });
});

test('readiness: timeout below interval, at most one, status codes 100-999', () => {
  const named = { portDefinitions: [{ name: 'http-api' }] };
  assert.deepEqual(
    problems(app({ ...named, readinessChecks: [{ intervalSeconds: 5, timeoutSeconds: 5 }] })),
    {
      '/readinessChecks(0)/timeoutSeconds': ['got 5, expected less than 5'],
    },
  );
  assert.deepEqual(problems(app({ ...named, readinessChecks: [{}, { name: 'b' }] })), {
    '/readinessChecks': ['got 2, expected 1 or less'],
  });
  assert.deepEqual(problems(app({ ...named, readinessChecks: [{ httpStatusCodesForReady: [99] }] })), {
    '/readinessChecks(0)/httpStatusCodesForReady(0)': ['got 99, expected between 100 and 999'],
  });
  const a = parseAppDefinition(
    app({ ...named, readinessChecks: [{ httpStatusCodesForReady: [200, 204, 200], protocol: 'HTTPS' }] }),
  );
  assert.deepEqual(a.readinessChecks[0]?.httpStatusCodesForReady, [200, 204]);
  assert.equal(a.readinessChecks[0]?.protocol, 'HTTPS');
});
