import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobDefinition, JobRun } from '../../domain/job.js';
import { parseJob } from '../../domain/job-validate.js';
import { runTaskSpec } from './run-task-spec.js';

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
