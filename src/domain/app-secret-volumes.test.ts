import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NETWORK_MESSAGES } from './app-networking.js';
import { parseAppDefinition } from './app-validate.js';
import { isDroverError } from './errors.js';

function problems(input: unknown): Record<string, string[]> {
  try {
    parseAppDefinition(input);
  } catch (e) {
    assert.ok(isDroverError(e), String(e));
    return Object.fromEntries(e.details.map((d) => [d.path, d.errors]));
  }
  return assert.fail(`expected a 422 for ${JSON.stringify(input)}`);
}

const secrets = { pw: { source: 'db-password' } };
const processApp = (volumes: unknown[]) => ({
  id: '/web',
  cmd: 'sleep 100',
  secrets,
  container: { type: 'MESOS', volumes },
});
const dockerApp = (volumes: unknown[]) => ({
  id: '/web',
  secrets,
  container: { type: 'DOCKER', docker: { image: 'nginx' }, volumes },
});

test("file secrets: Marathon's shape is stored as a reference, for process tasks and Docker", () => {
  const p = parseAppDefinition(processApp([{ containerPath: 'path/to/db/password', secret: 'pw' }]));
  assert.deepEqual(p.container?.volumes, [{ containerPath: 'path/to/db/password', secret: 'pw' }]);
  assert.equal(p.container?.type, 'MESOS');
  const d = parseAppDefinition(
    dockerApp([
      { containerPath: '/run/secrets/pw', secret: 'pw' },
      { containerPath: 'in-sandbox/pw', secret: 'pw' },
    ]),
  );
  assert.deepEqual(d.container?.volumes, [
    { containerPath: '/run/secrets/pw', secret: 'pw' },
    { containerPath: 'in-sandbox/pw', secret: 'pw' },
  ]);
});

test('file secrets: an undeclared reference, a path out of the sandbox, or host fields are 422s', () => {
  assert.deepEqual(problems(processApp([{ containerPath: 'pw', secret: 'nope' }])), {
    '/container/volumes(0)/secret': [NETWORK_MESSAGES.secretVolumeRef('nope')],
  });
  for (const containerPath of ['/etc/pw', '../pw', 'a/../../pw', 'dir/']) {
    assert.deepEqual(
      problems(processApp([{ containerPath, secret: 'pw' }])),
      {
        '/container/volumes(0)/containerPath': [NETWORK_MESSAGES.secretVolumePath],
      },
      containerPath,
    );
  }
  assert.deepEqual(problems(dockerApp([{ containerPath: '/a/../../etc/pw', secret: 'pw' }])), {
    '/container/volumes(0)/containerPath': [NETWORK_MESSAGES.secretVolumePath],
  });
  assert.deepEqual(
    problems(processApp([{ containerPath: 'pw', secret: 'pw', hostPath: '/etc', mode: 'RO' }])),
    {
      '/container/volumes(0)': [NETWORK_MESSAGES.secretVolumeMixed],
    },
  );
});

test('host volumes still need a mode', () => {
  assert.deepEqual(problems(dockerApp([{ containerPath: '/d', hostPath: '/h' }])), {
    '/container/volumes(0)/mode': [NETWORK_MESSAGES.volumeMode],
  });
});
