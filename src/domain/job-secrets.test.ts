import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DroverError } from './errors.js';
import { jobSecretEnvSources, jobSecretFileSources, jobSecretsUsed } from './job-secrets.js';
import { parseJob } from './job-validate.js';

const base = { name: 'nightly', command: 'backup', schedule: 'R/2026-01-01T00:00:00Z/PT1H' };
const secrets = { pw: { source: 'db/password' }, key: { source: 'tls/key' } };

/** Each problem as `path: error`, checking the job API's 400. */
function problems(input: Record<string, unknown>): string[] {
  try {
    parseJob({ ...base, ...input }, 'iso8601');
  } catch (e) {
    assert.ok(e instanceof DroverError);
    assert.equal(e.status, 400);
    assert.match(e.message, /^Invalid job: \//);
    return e.details.map((d) => `${d.path}: ${d.errors.join('; ')}`);
  }
  return assert.fail('expected a 400');
}

describe('job secrets: parsing', () => {
  it('keeps the references, in order among the plain variables, and the secrets', () => {
    const j = parseJob(
      {
        ...base,
        secrets,
        environmentVariables: [
          { name: 'PLAIN', value: 'visible' },
          { name: 'DB_PASSWORD', secret: 'pw' },
          { name: 'EMPTY' },
        ],
      },
      'iso8601',
    );
    assert.deepEqual(j.environmentVariables, [
      { name: 'PLAIN', value: 'visible' },
      { name: 'DB_PASSWORD', secret: 'pw' },
      { name: 'EMPTY', value: '' },
    ]);
    assert.deepEqual(j.secrets, secrets);
    assert.deepEqual(jobSecretEnvSources(j), { DB_PASSWORD: 'db/password' });
    assert.deepEqual(jobSecretsUsed(j), ['db/password']);
  });

  it('a job without secrets has no secrets field', () => {
    assert.equal('secrets' in parseJob(base, 'iso8601'), false);
    assert.equal('secrets' in parseJob({ ...base, secrets: {} }, 'iso8601'), false);
  });

  it('refuses a variable naming an undeclared reference, at the entry', () => {
    assert.deepEqual(problems({ secrets, environmentVariables: [{ name: 'X', secret: 'nope' }] }), [
      "/environmentVariables(0)/secret: references secret 'nope', which is not declared in secrets",
    ]);
    assert.deepEqual(problems({ environmentVariables: [{ name: 'X', secret: 'pw' }] }), [
      "/environmentVariables(0)/secret: references secret 'pw', which is not declared in secrets",
    ]);
  });

  it('refuses both value and secret, and a secret that is not a reference name', () => {
    assert.deepEqual(problems({ secrets, environmentVariables: [{ name: 'X', value: 'v', secret: 'pw' }] }), [
      '/environmentVariables(0): give either value or secret, not both',
    ]);
    assert.deepEqual(
      problems({
        secrets,
        environmentVariables: [
          { name: 'A', secret: '' },
          { name: 'B', secret: { source: 'db/password' } },
        ],
      }),
      [
        '/environmentVariables(0)/secret: expected the name of a reference in secrets',
        '/environmentVariables(1)/secret: expected the name of a reference in secrets',
      ],
    );
  });

  it('refuses a reference without a source, or not an object', () => {
    assert.deepEqual(problems({ secrets: { pw: {} } }), [
      '/secrets/pw/source: expected the name of a secret (/v2/secrets/{name})',
    ]);
    assert.deepEqual(problems({ secrets: { pw: { source: '' } } }), [
      '/secrets/pw/source: expected the name of a secret (/v2/secrets/{name})',
    ]);
    assert.deepEqual(problems({ secrets: { pw: 'db/password' } }), [
      '/secrets/pw: expected {"source": "<secret name>"}',
    ]);
    assert.deepEqual(problems({ secrets: ['db/password'] }), [
      '/secrets: expected an object of {"<ref>": {"source": "<secret name>"}}',
    ]);
  });

  it('reports secret problems with the rest, all at once', () => {
    const all = problems({
      cpus: -1,
      secrets: { pw: {} },
      environmentVariables: [{ name: 'X', secret: 'nope' }],
    });
    assert.equal(all.length, 3, all.join('\n'));
  });
});

describe('job secrets: files in the container', () => {
  const container = (volumes: unknown[]) => ({ type: 'DOCKER', image: 'busybox', volumes });

  it('takes a secret volume like an app Docker container: absolute or sandbox-relative', () => {
    const j = parseJob(
      {
        ...base,
        secrets,
        container: container([
          { containerPath: '/run/secrets/tls.key', secret: 'key' },
          { containerPath: 'conf/tls.key', secret: 'key' },
          { containerPath: '/data', hostPath: '/srv/data', mode: 'RO' },
        ]),
      },
      'iso8601',
    );
    assert.deepEqual(jobSecretFileSources(j), {
      '/run/secrets/tls.key': 'tls/key',
      'conf/tls.key': 'tls/key',
    });
    assert.deepEqual(jobSecretsUsed(j), ['tls/key']);
    assert.deepEqual(jobSecretEnvSources(j), {});
  });

  it('refuses an undeclared reference, a host path beside a secret, a path leaving the sandbox', () => {
    assert.deepEqual(
      problems({
        secrets,
        container: container([
          { containerPath: '/a', secret: 'nope' },
          { containerPath: '/b', secret: 'key', hostPath: '/etc' },
          { containerPath: '../up', secret: 'key' },
          { secret: 'key' },
        ]),
      }),
      [
        "/container/volumes(0)/secret: references secret 'nope', which is not declared in secrets",
        '/container/volumes(1): a secret volume has no hostPath, mode, persistent or external',
        '/container/volumes(2)/containerPath: a secret file lives in the sandbox: give a relative path without ".." (absolute paths only in Docker containers)',
        '/container/volumes(3)/containerPath: a secret volume needs a containerPath',
      ],
    );
  });
});
