/**
 * Chronos's API over a real job runtime (fake clock, fake executors): every route under both
 * prefixes, with `inject` (no sockets), and webhooks to a local HTTP server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import { JobSim } from './job-sim.js';

const T0 = Date.UTC(2026, 0, 1);

describe('Chronos API (simulation)', () => {
  let sim: JobSim;
  let api: FastifyInstance;
  let hooks: Server | undefined;
  afterEach(async () => {
    await api?.close();
    await sim?.stop();
    await new Promise((r) => (hooks ? hooks.close(r) : r(undefined)));
    hooks = undefined;
  });

  async function setup(master: Parameters<typeof JobSim.create>[0] = {}) {
    sim = await JobSim.create({ start: T0, ...master });
    api = buildApiServer({ master: sim.master, jobs: sim.master.jobs, clock: sim.clock });
  }

  const post = (url: string, payload: unknown) =>
    api.inject({ method: 'POST', url, payload: payload as object });

  for (const prefix of ['/v1/scheduler', '/scheduler']) {
    it(`creates, lists, searches, runs, stats and deletes jobs under ${prefix}`, async () => {
      await setup();
      let res = await post(`${prefix}/iso8601`, {
        name: 'sample',
        command: 'date',
        schedule: 'R/2030-01-01T00:00:00Z/PT2M',
        owner: 'ops@example.com',
        epsilon: 'PT30S',
        async: false,
      });
      assert.equal(res.statusCode, 204, res.body);
      res = await post(`${prefix}/dependency`, { name: 'child', command: 'echo child', parents: ['sample'] });
      assert.equal(res.statusCode, 204, res.body);

      const jobs = (await api.inject(`${prefix}/jobs`)).json();
      assert.deepEqual(
        jobs.map((j: { name: string }) => j.name),
        ['child', 'sample'],
      );
      const sample = jobs.find((j: { name: string }) => j.name === 'sample');
      assert.equal(sample.schedule, 'R/2030-01-01T00:00:00Z/PT2M');
      assert.equal(sample.successCount, 0);
      assert.equal(sample.retries, 2);
      assert.equal('parents' in sample, false);
      assert.deepEqual(jobs.find((j: { name: string }) => j.name === 'child').parents, ['sample']);

      const search = (await api.inject(`${prefix}/jobs/search?any=CHILD`)).json();
      assert.deepEqual(
        search.map((j: { name: string }) => j.name),
        ['child'],
      );
      assert.equal((await api.inject(`${prefix}/job/sample`)).json().owner, 'ops@example.com');

      // Never ran: zeros, as Chronos.
      const stat0 = (await api.inject(`${prefix}/job/stat/sample`)).json();
      assert.deepEqual(stat0.histogram, {
        '75thPercentile': 0,
        '95thPercentile': 0,
        '98thPercentile': 0,
        '99thPercentile': 0,
        median: 0,
        mean: 0,
        count: 0,
      });
      assert.deepEqual(stat0.taskStatHistory, []);

      res = await api.inject({ method: 'PUT', url: `${prefix}/job/sample` });
      assert.equal(res.statusCode, 204);
      await sim.until(() => sim.tasksOf('sample').length === 1, { stepMs: 10 });
      await sim.clock.advance(1500);
      sim.exit(sim.tasksOf('sample')[0]!, 0);
      await sim.until(() => sim.tasksOf('child').length === 1, { stepMs: 10, what: 'child after parent' });

      const summary = (await api.inject(`${prefix}/jobs/summary`)).json();
      assert.deepEqual(
        summary.jobs.find((j: { name: string }) => j.name === 'sample'),
        {
          name: 'sample',
          status: 'success',
          state: 'idle',
          schedule: 'R/2030-01-01T00:00:00Z/PT2M',
          parents: [],
          disabled: false,
        },
      );
      assert.equal(summary.jobs.find((j: { name: string }) => j.name === 'child').state, '1 running');

      const stat = (await api.inject(`${prefix}/job/stat/sample`)).json();
      assert.equal(stat.histogram.count, 1);
      assert.ok(stat.histogram.median >= 1400 && stat.histogram.median <= 1700, JSON.stringify(stat));
      assert.equal(stat.taskStatHistory[0].status, 'Success');
      assert.equal((await api.inject(`${prefix}/stats/99thPercentile`)).json()[0].jobNameLabel, 'sample');
      assert.equal((await api.inject(`${prefix}/stats/p42`)).statusCode, 400);

      const runs = (await api.inject(`/v1/scheduler/job/sample/runs`)).json().runs;
      assert.equal(runs.length, 1);
      assert.equal(runs[0].trigger, 'manual');
      assert.equal(runs[0].outcome, 'succeeded');
      assert.equal(runs[0].exitCode, 0);
      assert.ok(runs[0].runTimeMs >= 1400);
      assert.equal(typeof runs[0].queueDelayMs, 'number');
      const one = (await api.inject(`/v1/scheduler/job/sample/runs/${runs[0].dueAtMs}`)).json();
      assert.equal(one.outcome, 'succeeded');

      const dot = (await api.inject(`${prefix}/graph/dot`)).body;
      assert.match(dot, /digraph G \{/);
      assert.match(dot, /2 -> 1;/);
      const csv = (await api.inject(`${prefix}/graph/csv`)).body;
      assert.match(csv, /^node,child,fresh,1 running$/m);
      assert.match(csv, /^link,sample,child$/m);

      res = await api.inject({ method: 'DELETE', url: `${prefix}/task/kill/child` });
      assert.equal(res.statusCode, 204);
      res = await api.inject({ method: 'PUT', url: `${prefix}/job/success/sample` });
      assert.equal(res.body, 'marked job sample as successful: true');
      assert.equal((await api.inject(`${prefix}/leader`)).json().leader, '127.0.0.1:8080');
      assert.equal((await api.inject('/leader')).json().leader, '127.0.0.1:8080');

      res = await api.inject({ method: 'DELETE', url: `${prefix}/job/sample` });
      assert.equal(res.statusCode, 204);
      assert.equal((await api.inject(`${prefix}/job/sample`)).statusCode, 404);
      assert.equal((await api.inject({ method: 'DELETE', url: `${prefix}/job/sample` })).statusCode, 404);
      // The child took the deleted parent's schedule.
      assert.equal((await api.inject(`${prefix}/job/child`)).json().schedule, 'R/2030-01-01T00:00:00Z/PT2M');
    });
  }

  it("counts a running job's task in its agent's used resources and tasks (GET /v2/agents), not in /v2/tasks", async () => {
    await setup();
    let res = await post('/scheduler/iso8601', {
      name: 'busy',
      command: 'sleep 60',
      schedule: 'R/2030-01-01T00:00:00Z/PT2M',
      cpus: 0.5,
      mem: 96,
      disk: 10,
    });
    assert.equal(res.statusCode, 204, res.body);
    const idle = (await api.inject('/v2/agents')).json().agents[0];
    assert.deepEqual(idle.resources.used, { cpus: 0, mem: 0, disk: 0, ports: [] });
    assert.deepEqual(idle.tasks, []);

    res = await api.inject({ method: 'PUT', url: '/scheduler/job/busy' });
    assert.equal(res.statusCode, 204);
    await sim.until(() => sim.master.listAllTasks().some((t) => t.state === 'TASK_RUNNING'), {
      stepMs: 10,
      what: 'job task running',
    });
    const [agent] = (await api.inject('/v2/agents')).json().agents;
    assert.equal(agent.id, 'agent-agent-a');
    assert.deepEqual(agent.resources.used, { cpus: 0.5, mem: 96, disk: 10, ports: [] });
    assert.equal(agent.tasks.length, 1);
    assert.equal(agent.tasks[0].id, sim.tasksOf('busy')[0]!.spec.taskId);
    assert.equal(agent.tasks[0].state, 'TASK_RUNNING');
    assert.equal(agent.tasks[0].job, 'busy');
    assert.equal((await api.inject(`/v2/agents/${agent.id}`)).json().agent.resources.used.cpus, 0.5);
    // Marathon's task list stays app-only.
    assert.deepEqual((await api.inject('/v2/tasks')).json().tasks, []);
  });

  it('answers 400 with a clear message for bad jobs, unknown parents and cycles', async () => {
    await setup();
    let res = await post('/scheduler/iso8601', { name: 'has space', command: 'x', schedule: 'R//PT1M' });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /name is invalid/);
    res = await post('/scheduler/iso8601', { name: 'x', command: 'x', schedule: 'R/whenever/PT1M' });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /Cannot parse schedule/);
    assert.deepEqual(res.json().details, [{ path: '/schedule', errors: [res.json().details[0].errors[0]] }]);
    assert.match(res.json().details[0].errors[0], /Cannot parse schedule/);
    // An unknown zone is the zone's fault, reported at its own path.
    res = await post('/scheduler/iso8601', {
      name: 'x',
      command: 'x',
      schedule: 'R//PT1M',
      scheduleTimeZone: 'Mars/Olympus',
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json().details, [
      { path: '/scheduleTimeZone', errors: ["Unknown scheduleTimeZone 'Mars/Olympus'"] },
    ]);
    res = await post('/scheduler/dependency', { name: 'c', command: 'x', parents: ['ghost', 'a', 'ghoul'] });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /parent does not exist: 'ghost', 'a', 'ghoul'/);
    assert.deepEqual(res.json().details, [
      {
        path: '/parents',
        errors: [
          "Error, parent does not exist: 'ghost'",
          "Error, parent does not exist: 'a'",
          "Error, parent does not exist: 'ghoul'",
        ],
      },
    ]);
    await post('/scheduler/iso8601', { name: 'a', command: 'x', schedule: 'R//PT1H' });
    await post('/scheduler/dependency', { name: 'b', command: 'x', parents: ['a'] });
    res = await post('/scheduler/dependency', { name: 'a', command: 'x', parents: ['b'] });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /Dependency cycle: (a -> b -> a|b -> a -> b)/);
    assert.deepEqual(res.json().details, [{ path: '/parents', errors: [res.json().message] }]);
    assert.equal((await api.inject({ method: 'PUT', url: '/scheduler/job/nope' })).statusCode, 404);
  });

  it('POSTs the run record to the webhook on final failure, auto-disable and deletion', async () => {
    const received: Array<{ event: string; run?: { status: string } }> = [];
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((r) => hooks!.listen(0, '127.0.0.1', r));
    const port = (hooks.address() as { port: number }).port;
    await setup({ master: { jobs: { webhookUrl: `http://127.0.0.1:${port}/hook` } } });
    await post('/scheduler/iso8601', { name: 'once', command: 'false', schedule: 'R1//PT1M', retries: 0 });
    await sim.until(() => sim.tasksOf('once').length === 1, { stepMs: 10 });
    sim.exit(sim.tasksOf('once')[0]!, 3);
    await sim.until(() => sim.master.jobs.jobState('once').active.length === 0, { stepMs: 10 });
    await api.inject({ method: 'DELETE', url: '/scheduler/job/once' });
    await sim.master.jobs.webhooksIdle();
    for (let i = 0; i < 100 && received.length < 3; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(received.map((r) => r.event).sort(), ['job_deleted', 'job_disabled', 'job_run_failed']);
    const failed = received.find((r) => r.event === 'job_run_failed')!;
    assert.equal(failed.run?.status, 'failed');
  });

  it("POSTs to a job's own webhookUrl without a global webhook, and only for that job", async () => {
    const received: Array<{ url: string; event: string; job: { name: string }; run?: { status: string } }> =
      [];
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ url: req.url!, ...JSON.parse(body) });
        res.end();
      });
    });
    await new Promise<void>((r) => hooks!.listen(0, '127.0.0.1', r));
    const port = (hooks.address() as { port: number }).port;
    await setup(); // no global webhook
    let res = await post('/scheduler/iso8601', {
      name: 'mine',
      command: 'false',
      schedule: 'R//PT1H',
      retries: 0,
      webhookUrl: `http://127.0.0.1:${port}/mine`,
    });
    assert.equal(res.statusCode, 204, res.body);
    res = await post('/scheduler/iso8601', {
      name: 'other',
      command: 'false',
      schedule: 'R//PT1H',
      retries: 0,
    });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(
      (await api.inject('/scheduler/job/mine')).json().webhookUrl,
      `http://127.0.0.1:${port}/mine`,
    );
    await sim.until(() => sim.tasksOf('mine').length === 1 && sim.tasksOf('other').length === 1, {
      stepMs: 10,
    });
    sim.exit(sim.tasksOf('mine')[0]!, 3);
    sim.exit(sim.tasksOf('other')[0]!, 3);
    await sim.until(
      () =>
        sim.master.jobs.jobState('mine').active.length === 0 &&
        sim.master.jobs.jobState('other').active.length === 0,
      { stepMs: 10 },
    );
    await sim.master.jobs.webhooksIdle();
    for (let i = 0; i < 100 && received.length < 1; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      received.map((r) => [r.url, r.event, r.job.name, r.run?.status]),
      [['/mine', 'job_run_failed', 'mine', 'failed']],
    );
  });
});
