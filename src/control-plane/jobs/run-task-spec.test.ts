import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSafeTaskId } from '../../agent/sandbox.js';
import type { JobDefinition, JobRun } from '../../domain/job.js';
import { parseJob } from '../../domain/job-validate.js';
import { runEnv, runTaskId, runTaskSpec } from './run-task-spec.js';

const counters = {
  successCount: 0,
  errorCount: 0,
  lastSuccess: '',
  lastError: '',
  errorsSinceLastSuccess: 0,
};
const job = (input: Record<string, unknown>): JobDefinition => ({
  ...parseJob(
    { name: 'nightly', command: 'id -u', schedule: 'R/2026-01-01T00:00:00Z/PT1H', ...input },
    'iso8601',
  ),
  ...counters,
});
const run: JobRun = {
  job: 'nightly',
  dueAt: Date.parse('2026-01-01T00:00:00Z'),
  trigger: 'schedule',
  status: 'queued',
  createdAt: Date.parse('2026-01-01T00:00:00Z'),
  attempts: [],
};

test('the run task carries the job runAsUser for the agent to apply', () => {
  const spec = runTaskSpec(job({ runAsUser: 'nobody' }), run, 1, 'ct_1_0_nightly', '10.0.0.1', 3000);
  assert.equal(spec.user, 'nobody');
});

test("without runAsUser the run task asks for Chronos's default, root", () => {
  const spec = runTaskSpec(job({}), run, 1, 'ct_1_0_nightly', '10.0.0.1', 3000);
  assert.equal(spec.user, 'root');
});

test("task ids are Chronos's ct:<due>:<attempt>:<job>:<arguments>, safe as a sandbox name", () => {
  const j = job({ arguments: ['-verbose', '-debug'], shell: false });
  assert.equal(runTaskId(j, run, 1), `ct:${run.dueAt}:0:nightly:-verbose%20-debug`);
  assert.equal(runTaskId(j, run, 3), `ct:${run.dueAt}:2:nightly:-verbose%20-debug`);
  // A manual run's arguments replace the job's in the id (Chronos 3); ':' inside stays encoded.
  assert.equal(
    runTaskId(j, { ...run, arguments: ['--at=a:b'] }, 1),
    `ct:${run.dueAt}:0:nightly:--at%3Da%3Ab`,
  );
  assert.equal(runTaskId(job({}), run, 1), `ct:${run.dueAt}:0:nightly:`);
  const long = runTaskId(job({ arguments: ['x'.repeat(400)], shell: false }), run, 1);
  assert.equal(long.length, 255);
  assert.equal(isSafeTaskId(long), true);
  assert.equal(isSafeTaskId(runTaskId(j, { ...run, arguments: ['../../etc', 'a/b'] }, 1)), true);
});

test("the task environment is Chronos's", () => {
  const env = runEnv(
    job({
      owner: 'ops@example.com',
      cpus: 1,
      mem: 64,
      disk: 0.5,
      environmentVariables: [{ name: 'CHRONOS_JOB_NAME', value: 'x' }],
    }),
    run,
    2,
    'ct:1:1:nightly:',
    'host-a',
  );
  assert.deepEqual(env, {
    CHRONOS_JOB_NAME: 'nightly',
    CHRONOS_JOB_OWNER: 'ops@example.com',
    CHRONOS_JOB_RUN_TIME: String(Date.parse('2026-01-01T00:00:00Z')),
    CHRONOS_JOB_RUN_ATTEMPT: '1',
    CHRONOS_RESOURCE_CPU: '1.0',
    CHRONOS_RESOURCE_MEM: '64.0',
    CHRONOS_RESOURCE_DISK: '0.5',
    MESOS_TASK_ID: 'ct:1:1:nightly:',
    mesos_task_id: 'ct:1:1:nightly:',
    HOST: 'host-a',
  });
});

test('secret variables and files travel apart from env; the definition keeps only references', () => {
  const j = job({
    secrets: { pw: { source: 'db/password' }, key: { source: 'tls/key' } },
    environmentVariables: [
      { name: 'PLAIN', value: 'visible' },
      { name: 'DB_PASSWORD', secret: 'pw' },
      { name: 'CHRONOS_JOB_NAME', secret: 'pw' },
    ],
    container: { type: 'DOCKER', image: 'busybox', volumes: [{ containerPath: '/run/k', secret: 'key' }] },
  });
  const spec = runTaskSpec(j, run, 1, 'ct:1:0:nightly:', 'host-a', 3000, {
    env: { DB_PASSWORD: 'hunter2', CHRONOS_JOB_NAME: 'hunter2' },
    files: { '/run/k': 'pem' },
  });
  assert.equal(spec.env.PLAIN, 'visible');
  assert.equal('DB_PASSWORD' in spec.env, false, 'the value is not in the plain environment');
  // Chronos's own variables win over a secret as over a plain entry.
  assert.deepEqual(spec.secretEnv, { DB_PASSWORD: 'hunter2' });
  assert.equal(spec.env.CHRONOS_JOB_NAME, 'nightly');
  assert.deepEqual(spec.secretFiles, { '/run/k': 'pem' });
  assert.deepEqual(spec.container?.volumes, [{ containerPath: '/run/k', secret: 'key' }]);
  assert.ok(!JSON.stringify(j).includes('hunter2'));
});

test('a run task without secrets carries no secret fields', () => {
  const spec = runTaskSpec(job({}), run, 1, 'ct:1:0:nightly:', 'host-a', 3000);
  assert.equal('secretEnv' in spec, false);
  assert.equal('secretFiles' in spec, false);
});
