/**
 * A real Chronos client: the npm `mesos` package's Chronos (2.x paths under /scheduler) against
 * Drover's API listening on 127.0.0.1, backed by a real job runtime in simulation (fake clock and
 * executors, so runs are driven without sleeping). Creates, lists, runs, searches, stats, deletes.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import { JobSim } from '../sim/job-sim.js';

const require = createRequire(import.meta.url);
const { Chronos } = require('mesos') as {
  Chronos: new (opts: {
    host: string;
    port: number;
  }) => {
    job: Record<string, (opts: unknown, cb?: (err: Error | null, data?: unknown) => void) => void>;
    task: Record<string, (opts: unknown, cb?: (err: Error | null, data?: unknown) => void) => void>;
  };
};

function call<T>(
  fn: (opts: unknown, cb: (err: Error | null, data?: unknown) => void) => void,
  opts: unknown,
) {
  return new Promise<T>((resolve, reject) =>
    fn(opts, (err, data) => (err ? reject(err) : resolve(data as T))),
  );
}

describe('npm mesos Chronos client', () => {
  let sim: JobSim;
  let api: FastifyInstance;
  let chronos: InstanceType<typeof Chronos>;

  before(async () => {
    sim = await JobSim.create({ start: Date.UTC(2026, 0, 1) });
    api = buildApiServer({ master: sim.master, jobs: sim.master.jobs });
    await api.listen({ host: '127.0.0.1', port: 0 });
    const port = (api.server.address() as { port: number }).port;
    chronos = new Chronos({ host: '127.0.0.1', port });
  });
  after(async () => {
    await api.close();
    await sim.stop();
  });

  it('creates, lists, starts, searches, reads stats of and deletes a job', async () => {
    const job = chronos.job;
    await call(job.create!.bind(job), {
      name: 'client-job',
      schedule: 'R/2030-01-01T00:00:00Z/PT2M',
      command: 'echo hello',
      epsilon: 'PT30S',
      owner: 'ops@example.com',
    });
    const list = await call<Array<{ name: string; owner: string; epsilon: string }>>(job.list!.bind(job), {});
    assert.deepEqual(
      list.map((j) => [j.name, j.owner, j.epsilon]),
      [['client-job', 'ops@example.com', 'PT30S']],
    );

    await call(job.start!.bind(job), 'client-job');
    await sim.until(() => sim.tasksOf('client-job').length === 1, { stepMs: 10 });
    sim.exit(sim.tasksOf('client-job')[0]!, 0);
    await sim.until(() => sim.master.jobs.getJob('client-job')!.successCount === 1, { stepMs: 10 });

    const found = await call<Array<{ name: string }>>(job.search!.bind(job), { name: 'client' });
    assert.deepEqual(
      found.map((j) => j.name),
      ['client-job'],
    );
    const stats = await call<{ histogram: { count: number } }>(job.stats!.bind(job), 'client-job');
    assert.equal(stats.histogram.count, 1);
    const slowest = await call<Array<{ jobNameLabel: string }>>(job.stats!.bind(job), {
      percentile: 'median',
    });
    assert.equal(slowest[0]!.jobNameLabel, 'client-job');

    await call(chronos.task.kill!.bind(chronos.task), { job: 'client-job' });
    await call(job.destroy!.bind(job), 'client-job');
    assert.deepEqual(await call(job.list!.bind(job), {}), []);
  });

  it("reports an async job's completion with task.update (PUT /scheduler/task/{id})", async () => {
    // The client's job.create drops `async` when given, so the job is posted as Chronos's docs do.
    const res = await fetch(
      `http://127.0.0.1:${(api.server.address() as { port: number }).port}/scheduler/iso8601`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'async-job',
          schedule: 'R/2030-01-01T00:00:00Z/PT2M',
          command: 'run_hive',
          epsilon: 'PT30S',
          owner: 'ops@example.com',
          async: true,
          retries: 0,
        }),
      },
    );
    assert.equal(res.status, 204);
    const job = chronos.job;
    await call(job.start!.bind(job), 'async-job');
    await sim.until(() => sim.tasksOf('async-job').length === 1, { stepMs: 10 });
    const task = sim.tasksOf('async-job')[0]!;
    sim.exit(task, 0);
    const run = async () => (await sim.runs('async-job'))[0]!;
    await sim.until(async () => (await run()).awaitingCallbackSince !== undefined, { stepMs: 10 });
    await call(chronos.task.update!.bind(chronos.task), { id: task.spec.taskId, statusCode: 0 });
    assert.equal((await run()).status, 'succeeded');
    assert.equal(sim.master.jobs.getJob('async-job')!.successCount, 1);
  });
});
