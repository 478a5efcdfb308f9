/**
 * Chronos's async jobs over the HTTP API (fake clock, fake executors): the run stays open after
 * the task exits 0 until PUT /scheduler/task/{taskId} reports `{"statusCode": 0|1}`, or until
 * maxCompletionTime passes and it fails; task progress is stored in the run record.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import type { JobRun } from '../../src/domain/job.js';
import { JobSim } from './job-sim.js';

const T0 = Date.UTC(2026, 0, 1);

describe('async jobs (simulation)', () => {
  let sim: JobSim;
  let api: FastifyInstance;
  afterEach(async () => {
    await api?.close();
    await sim?.stop();
  });

  async function setup(job: Record<string, unknown> = {}) {
    sim = await JobSim.create({ start: T0 });
    api = buildApiServer({ master: sim.master, jobs: sim.master.jobs, clock: sim.clock });
    const res = await api.inject({
      method: 'POST',
      url: '/scheduler/iso8601',
      payload: {
        name: 'hive',
        command: 'run_hive',
        schedule: 'R/2030-01-01T00:00:00Z/P1D',
        owner: 'bob@airbnb.com',
        epsilon: 'PT30M',
        async: true,
        retries: 0,
        maxCompletionTime: 600,
        ...job,
      },
    });
    assert.equal(res.statusCode, 204, res.body);
    await api.inject({ method: 'PUT', url: '/scheduler/job/hive' });
    await sim.until(() => sim.tasksOf('hive').length === 1, { stepMs: 10 });
    return sim.tasksOf('hive')[0]!;
  }

  const run = async (): Promise<JobRun> => (await sim.runs('hive'))[0]!;
  const callback = (taskId: string, body: unknown) =>
    api.inject({
      method: 'PUT',
      url: `/scheduler/task/${encodeURIComponent(taskId)}`,
      payload: body as object,
    });

  async function exitAndWait(task: ReturnType<JobSim['tasksOf']>[0]) {
    await sim.clock.advance(1000);
    sim.exit(task, 0);
    await sim.until(async () => (await run()).awaitingCallbackSince !== undefined, { stepMs: 10 });
  }

  it('stays open after the task exits 0 and succeeds on {"statusCode": 0}', async () => {
    const task = await setup({ dataProcessingJobType: true });
    const taskId = task.spec.taskId;
    assert.match(taskId, /^ct:\d+:0:hive:$/);
    assert.equal(task.env.mesos_task_id, taskId);
    // Progress while it runs: Chronos's body, twice; the run record adds them up.
    for (const n of [5, 3]) {
      const res = await api.inject({
        method: 'POST',
        url: `/v1/scheduler/job/hive/task/${encodeURIComponent(taskId)}/progress`,
        payload: { numAdditionalElementsProcessed: n },
      });
      assert.deepEqual([res.statusCode, res.body], [204, '']);
    }
    await exitAndWait(task);
    await sim.clock.advance(30_000);
    let r = await run();
    assert.equal(r.status, 'running', 'still open while the callback has not come');
    assert.equal(sim.master.jobs.getJob('hive')!.successCount, 0);
    const res = await callback(taskId, { statusCode: 0 });
    assert.deepEqual([res.statusCode, res.body], [204, '']);
    r = await run();
    assert.equal(r.status, 'succeeded');
    assert.equal(r.awaitingCallbackSince, undefined);
    assert.equal(sim.master.jobs.getJob('hive')!.successCount, 1);
    const view = (await api.inject('/v1/scheduler/job/hive/runs')).json().runs[0];
    assert.equal(view.outcome, 'succeeded');
    assert.equal(view.elementsProcessed, 8);
    // A second callback for a closed run: the task is no longer an open run's.
    assert.equal((await callback(taskId, { statusCode: 0 })).statusCode, 404);
  });

  it('fails on {"statusCode": 1} (after its retries)', async () => {
    const task = await setup();
    await exitAndWait(task);
    assert.equal((await callback(task.spec.taskId, { statusCode: 1 })).statusCode, 204);
    const r = await run();
    assert.equal(r.status, 'failed');
    const job = sim.master.jobs.getJob('hive')!;
    assert.deepEqual([job.successCount, job.errorCount], [0, 1]);
  });

  it('a failing callback retries when retries are left', async () => {
    const task = await setup({ retries: 1, retryDelaySeconds: 5 });
    await exitAndWait(task);
    await callback(task.spec.taskId, { statusCode: 1 });
    assert.equal((await run()).status, 'retrying');
    await sim.until(() => sim.tasksOf('hive').length === 1, { stepMs: 100 });
    assert.match(sim.tasksOf('hive')[0]!.spec.taskId, /^ct:\d+:1:hive:$/);
  });

  it('times out: fails once maxCompletionTime (seconds) passes without a callback', async () => {
    const task = await setup({ maxCompletionTime: 60 });
    const startedAt = (await run()).attempts[0]!.startedAt ?? (await run()).attempts[0]!.launchedAt;
    await exitAndWait(task);
    await sim.clock.advance(startedAt + 59_000 - sim.clock.now());
    assert.equal((await run()).status, 'running');
    await sim.clock.advance(2_000);
    await sim.until(async () => (await run()).status === 'failed', { stepMs: 10, maxMs: 2_000 });
    const r = await run();
    assert.match(r.message!, /no completion callback within maxCompletionTime \(60 s\)/);
    assert.equal(sim.master.jobs.getJob('hive')!.errorCount, 1);
  });

  it('a callback that comes while the task still runs applies when it exits', async () => {
    const task = await setup();
    assert.equal((await callback(task.spec.taskId, { statusCode: 0 })).statusCode, 204);
    assert.equal((await run()).status, 'running');
    sim.exit(task, 0);
    await sim.until(async () => (await run()).status === 'succeeded', { stepMs: 10 });
  });

  it('DELETE /scheduler/task/kill/{name} ends a run waiting for its callback', async () => {
    const task = await setup();
    await exitAndWait(task);
    const res = await api.inject({ method: 'DELETE', url: '/scheduler/task/kill/hive' });
    assert.equal(res.statusCode, 204);
    assert.equal((await run()).status, 'killed');
  });

  it('refuses bad callbacks and progress with clear 4xx, changing nothing', async () => {
    const task = await setup();
    assert.equal((await callback('ct:1:0:nope:', { statusCode: 0 })).statusCode, 404);
    assert.equal((await callback('not-a-task', { statusCode: 0 })).statusCode, 404);
    let res = await callback(task.spec.taskId, { statusCode: 'ok' });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /statusCode/);
    res = await api.inject({
      method: 'POST',
      url: `/scheduler/job/hive/task/${encodeURIComponent(task.spec.taskId)}/progress`,
      payload: { numAdditionalElementsProcessed: 1 },
    });
    assert.equal(res.statusCode, 400, 'job does not track data');
    assert.match(res.json().message, /not enabled to track data/);
    res = await api.inject({
      method: 'POST',
      url: '/scheduler/job/hive/task/garbage/progress',
      payload: { numAdditionalElementsProcessed: 1 },
    });
    assert.equal(res.statusCode, 400);
    assert.equal((await run()).status, 'running');
  });
});
