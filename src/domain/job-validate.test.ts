import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DroverError } from './errors.js';
import { parseJob } from './job-validate.js';

const base = { name: 'sample', command: 'date', schedule: 'R/2026-01-01T00:00:00Z/PT2M' };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DroverError);
    assert.equal(e.status, 400);
    return e.details.map((d) => `${d.path}: ${d.errors.join('; ')}`);
  }
  assert.fail('expected a 400');
}

describe('parseJob', () => {
  it("fills Chronos's defaults", () => {
    const j = parseJob(base, 'iso8601');
    assert.equal(j.shell, true);
    assert.equal(j.epsilon, 'PT60S');
    assert.equal(j.retries, 2);
    assert.equal(j.cpus, 0.1);
    assert.equal(j.mem, 128);
    assert.equal(j.disk, 256);
    assert.equal(j.disabled, false);
    assert.equal(j.concurrent, false);
    assert.equal(j.softError, false);
    assert.equal(j.highPriority, false);
    assert.deepEqual(j.parents, []);
    assert.equal(j.retryDelaySeconds, 60);
    assert.equal(j.retryBackoffFactor, 1);
    assert.equal(j.maxCompletionTime, 0);
  });

  it('ignores read-only counters and unknown fields', () => {
    const j = parseJob(
      { ...base, successCount: 99, errorCount: 3, lastSuccess: 'x', whatever: 1 },
      'iso8601',
    );
    assert.equal('successCount' in j, false);
    assert.equal('errorCount' in j, false);
    assert.equal('whatever' in j, false);
  });

  it('accepts numbers as strings and Chronos-style booleans', () => {
    const j = parseJob({ ...base, cpus: '0.5', mem: '512', async: false, shell: 'false' }, 'iso8601');
    assert.equal(j.cpus, 0.5);
    assert.equal(j.mem, 512);
    assert.equal(j.shell, false);
  });

  it('rejects names with spaces or other characters', () => {
    assert.match(problems(() => parseJob({ ...base, name: 'my job' }, 'iso8601'))[0]!, /name is invalid/);
    assert.match(problems(() => parseJob({ ...base, name: 'a/b' }, 'iso8601'))[0]!, /name is invalid/);
    assert.equal(parseJob({ ...base, name: 'a.b-c_d1' }, 'iso8601').name, 'a.b-c_d1');
  });

  it('needs a valid schedule, or parents, for its kind', () => {
    assert.match(problems(() => parseJob({ ...base, schedule: 'every day' }, 'iso8601'))[0]!, /Cannot parse/);
    assert.match(problems(() => parseJob({ name: 'c', command: 'x' }, 'dependency'))[0]!, /parent/);
    const child = parseJob(
      { name: 'c', command: 'x', parents: ['a', 'a'], schedule: 'ignored' },
      'dependency',
    );
    assert.deepEqual(child.parents, ['a']);
    assert.equal(child.schedule, undefined);
    assert.equal(parseJob({ ...base, schedule: '0 * * * *' }, 'iso8601').schedule, '0 * * * *');
  });

  it('constraints: EQUALS, LIKE, UNLIKE only, with valid patterns', () => {
    const j = parseJob(
      {
        ...base,
        constraints: [
          ['rack', 'EQUALS', 'r1'],
          ['host', 'LIKE', 'a.*'],
        ],
      },
      'iso8601',
    );
    assert.equal(j.constraints.length, 2);
    assert.match(
      problems(() => parseJob({ ...base, constraints: [['rack', 'UNIQUE', '']] }, 'iso8601'))[0]!,
      /operator/,
    );
    assert.match(
      problems(() => parseJob({ ...base, constraints: [['rack', 'LIKE', '(']] }, 'iso8601'))[0]!,
      /regular/,
    );
  });

  it('stores a container and environment variables', () => {
    const j = parseJob(
      {
        ...base,
        container: { type: 'DOCKER', image: 'busybox', network: 'BRIDGE' },
        environmentVariables: [{ name: 'A', value: '1' }],
      },
      'iso8601',
    );
    assert.deepEqual(j.container, { type: 'DOCKER', image: 'busybox', network: 'BRIDGE' });
    assert.deepEqual(j.environmentVariables, [{ name: 'A', value: '1' }]);
  });

  it('refuses a container image the engine could never pull', () => {
    assert.deepEqual(
      problems(() => parseJob({ ...base, container: { type: 'DOCKER', image: 'UPPER::bad' } }, 'iso8601')),
      ['/container/image: Docker image "UPPER::bad": invalid reference format'],
    );
  });

  it('reports every problem at once', () => {
    const all = problems(() =>
      parseJob({ name: 'bad name', schedule: 'x', cpus: -1, epsilon: '1m' }, 'iso8601'),
    );
    assert.ok(all.length >= 4, all.join('\n'));
  });

  it('rejects uris together with fetch', () => {
    const all = problems(() =>
      parseJob({ ...base, uris: ['http://a'], fetch: [{ uri: 'http://b' }] }, 'iso8601'),
    );
    assert.match(all[0]!, /both uri/);
  });
});
