/**
 * Job run events on a real `drover up`'s /v2/events: a job run now succeeds and streams queued,
 * started and finished; a job that exits 3 with no retry left streams failed. Each event names
 * the job and the run, whose id opens it at /v1/scheduler/job/{name}/runs/{runId}.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';
import { EventStream } from './support/event-stream.js';

test('job runs stream queued, started, finished and failed on /v2/events', {
  timeout: 120_000,
}, async (t) => {
  const d = await DroverProcess.startFor(t, { agents: 1 });
  const stream = await EventStream.open(d.url, [
    'job_run_queued_event',
    'job_run_started_event',
    'job_run_retrying_event',
    'job_run_finished_event',
    'job_run_failed_event',
  ]);
  t.after(() => stream.close());
  const job = (name: string, command: string) => ({
    name,
    command,
    schedule: 'R1/2030-01-01T00:00:00Z/PT1H',
    cpus: 0.05,
    mem: 16,
    retries: 0,
  });
  await d.api.json('POST', '/v1/scheduler/iso8601', job('ok-job', 'echo done'), [204]);
  await d.api.json('POST', '/v1/scheduler/iso8601', job('bad-job', 'exit 3'), [204]);
  await d.api.json('PUT', '/scheduler/job/ok-job', undefined, [204]);
  await d.api.json('PUT', '/scheduler/job/bad-job', undefined, [204]);

  const of = (name: string) => stream.events.filter((e) => e.data.jobName === name);
  await waitFor(() => of('ok-job').some((e) => e.type === 'job_run_finished_event'), {
    what: "ok-job's finished event",
    timeoutMs: 60_000,
  });
  await waitFor(() => of('bad-job').some((e) => e.type === 'job_run_failed_event'), {
    what: "bad-job's failed event",
    timeoutMs: 60_000,
  });

  assert.deepEqual(
    of('ok-job').map((e) => e.type),
    ['job_run_queued_event', 'job_run_started_event', 'job_run_finished_event'],
  );
  assert.deepEqual(
    of('bad-job').map((e) => e.type),
    ['job_run_queued_event', 'job_run_started_event', 'job_run_failed_event'],
  );
  const finished = of('ok-job').at(-1)!.data;
  assert.equal(finished.outcome, 'succeeded');
  assert.equal(finished.trigger, 'manual');
  assert.equal(finished.exitCode, 0);
  assert.equal(typeof finished.timestamp, 'string');
  for (const k of ['dueAt', 'createdAt', 'launchedAt', 'endedAt'])
    assert.ok(!Number.isNaN(Date.parse(String(finished[k]))), `${k}: ${finished[k]}`);
  assert.equal(of('bad-job').at(-1)!.data.exitCode, 3);

  // The run id opens the run the event describes.
  const run = await d.api.get<{ outcome: string; dueAt: string }>(
    `/v1/scheduler/job/ok-job/runs/${String(finished.runId)}`,
  );
  assert.equal(run.outcome, 'succeeded');
  assert.equal(run.dueAt, finished.dueAt);
});
