/**
 * Secrets in Chronos jobs (issue 12 item 3, "jobs the same"), over a real job runtime and API
 * (fake clock, fake executors, memory store, the real vault and cipher): the job write checks each
 * source, the run task gets the value in its environment only, a secret that cannot be read ends
 * the attempt with a reason and is retried per the job's retries, and a secret a job uses cannot
 * be deleted. The value is looked for in every answer, event and stored record.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import type { BusEvent } from '../../src/control-plane/events/event-bus.js';
import { SecretVault } from '../../src/control-plane/secrets/secret-vault.js';
import { SecretCipher } from '../../src/platform/secret-cipher.js';
import { JobSim } from './job-sim.js';

const T0 = Date.UTC(2026, 0, 1);
const VALUE = 'hunter2-job-secret-value';

const job = {
  name: 'backup',
  command: 'backup.sh',
  schedule: 'R1/2030-01-01T00:00:00Z/PT1H',
  retries: 1,
  retryDelaySeconds: 1,
  secrets: { pw: { source: 'db/password' } },
  environmentVariables: [
    { name: 'PLAIN', value: 'visible' },
    { name: 'DB_PASSWORD', secret: 'pw' },
  ],
};

/** Waits in real time (the fake clock stands still) for what needs the agent's sandbox I/O. */
async function settle(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`not reached in 30 s: ${what}`);
}

describe('job secrets (simulation)', () => {
  let sim: JobSim;
  let api: FastifyInstance;
  afterEach(async () => {
    await api?.close();
    await sim?.stop();
  });

  /** The vault shares the sim's store; `vault: false` starts without secrets (no key file). */
  async function setup(opts: { vault?: boolean } = {}) {
    let vault: SecretVault | undefined;
    sim = await JobSim.create({
      start: T0,
      master: {
        secrets: {
          valuesFor: (sources) => (vault ? vault.valuesFor(sources) : Promise.reject(new Error('x'))),
        },
      },
    });
    vault = new SecretVault(sim.store, new SecretCipher(randomBytes(32)), sim.clock);
    api = buildApiServer({
      master: sim.master,
      jobs: sim.master.jobs,
      clock: sim.clock,
      ...(opts.vault === false ? {} : { secrets: vault }),
    });
    const events: BusEvent[] = [];
    sim.master.events.subscribe((e) => events.push(e));
    return { vault, events };
  }

  it('refuses a job naming a secret that is not stored, in the job API shape, and stores nothing', async () => {
    await setup();
    for (const prefix of ['/scheduler', '/v1/scheduler']) {
      const res = await api.inject({ method: 'POST', url: `${prefix}/iso8601`, payload: job });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json().details, [
        { path: '/secrets/pw/source', errors: ['secret db/password does not exist'] },
      ]);
      assert.match(res.json().message, /^Invalid job: \/secrets\/pw\/source/);
    }
    assert.equal(sim.master.jobs.getJob('backup'), undefined);
  });

  it('without --secret-key-file a job with secrets is refused, saying so', async () => {
    await setup({ vault: false });
    const res = await api.inject({ method: 'POST', url: '/scheduler/iso8601', payload: job });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.body, /secrets are off: start Drover with --secret-key-file/);
  });

  it('a run gets the value in its environment only; 409 on deleting the secret it uses', async () => {
    const { events } = await setup();
    assert.equal(
      (await api.inject({ method: 'PUT', url: '/v2/secrets/db/password', payload: { value: VALUE } }))
        .statusCode,
      200,
    );
    const put = await api.inject({ method: 'POST', url: '/scheduler/iso8601', payload: job });
    assert.equal(put.statusCode, 204, put.body);
    assert.equal((await api.inject({ method: 'PUT', url: '/scheduler/job/backup' })).statusCode, 204);
    await sim.until(() => sim.master.jobs.jobState('backup').active.some((r) => r.status === 'running'), {
      stepMs: 10,
      maxMs: 10_000,
      what: 'the run to launch',
    });
    await settle(() => sim.tasksOf('backup').length === 1, 'the run task to start');
    const task = sim.tasksOf('backup')[0]!;
    assert.equal(task.env.DB_PASSWORD, VALUE, 'the task has the value');
    assert.equal(task.env.PLAIN, 'visible');
    assert.equal(task.spec.env.DB_PASSWORD, undefined, 'apart from the plain variables');
    sim.exit(task, 0);
    await sim.until(() => sim.master.jobs.jobState('backup').active.length === 0, {
      stepMs: 1,
      maxMs: 5000,
      what: 'the run to end',
    });
    assert.equal((await sim.runs('backup'))[0]!.status, 'succeeded');

    const jobs = await api.inject('/scheduler/jobs');
    assert.match(jobs.body, /\{"name":"DB_PASSWORD","secret":"pw"\}/, 'the entry shows its reference');
    assert.match(jobs.body, /"secrets":\{"pw":\{"source":"db\/password"\}\}/);
    for (const url of [
      '/scheduler/jobs',
      '/v1/scheduler/jobs',
      '/scheduler/job/backup',
      '/scheduler/job/stat/backup',
      '/v1/scheduler/job/backup/runs',
      '/v1/scheduler/job/backup/stats',
      '/scheduler/jobs/summary',
      '/scheduler/stats/99thPercentile',
      '/scheduler/graph/csv',
      '/v2/secrets',
    ]) {
      const res = await api.inject(url);
      assert.ok(res.statusCode < 400, `${url}: ${res.statusCode}`);
      assert.ok(!res.body.includes(VALUE), `not in ${url}`);
    }
    assert.ok(events.some((e) => e.eventType === 'job_run_finished_event'));
    assert.ok(!JSON.stringify(events).includes(VALUE), 'not in the events');
    assert.ok(!JSON.stringify(await sim.store.listJobs()).includes(VALUE), 'not in the stored job');

    const del = await api.inject({ method: 'DELETE', url: '/v2/secrets/db/password' });
    assert.equal(del.statusCode, 409, del.body);
    assert.match(del.json().message, /secret db\/password is used by job backup/);
    assert.ok((await api.inject('/v2/secrets')).body.includes('db/password'), 'nothing deleted');
    assert.equal((await api.inject({ method: 'DELETE', url: '/scheduler/job/backup' })).statusCode, 204);
    assert.equal((await api.inject({ method: 'DELETE', url: '/v2/secrets/db/password' })).statusCode, 204);
  });

  it('a secret that cannot be read ends the attempt with the reason, retried per the job, then fails', async () => {
    const { vault, events } = await setup();
    await vault.put('db/password', VALUE);
    await sim.put('iso8601', job);
    // Gone behind the API's back (the API refuses it while the job uses it): the launch cannot read it.
    await sim.store.deleteSecret('db/password');
    await sim.master.jobs.startJob('backup');
    await sim.until(() => sim.master.jobs.jobState('backup').active.length === 0, {
      stepMs: 100,
      maxMs: 10_000,
      what: 'the run to fail after its retry',
    });
    const [run] = await sim.runs('backup');
    assert.equal(run!.status, 'failed');
    assert.deepEqual(
      run!.attempts.map((a) => [a.attempt, a.state, a.agentId, a.message]),
      [1, 2].map((n) => [
        n,
        'TASK_ERROR',
        '',
        "cannot read the job's secrets: secret db/password (for DB_PASSWORD) does not exist",
      ]),
    );
    assert.equal(sim.tasksOf('backup').length, 0, 'never launched');
    assert.equal(sim.master.jobs.getJob('backup')!.errorCount, 1);
    assert.deepEqual(
      events.filter((e) => e.eventType.startsWith('job_run_')).map((e) => e.eventType),
      ['job_run_queued_event', 'job_run_retrying_event', 'job_run_failed_event'],
    );
    const log = await api.inject(`/v1/scheduler/job/backup/runs/${run!.dueAt}/logs`);
    assert.equal(log.statusCode, 404, log.body);
    assert.match(log.body, /never launched: cannot read the job's secrets/);
  });

  it('a secret readable again by the retry: the retry launches with it', async () => {
    const { vault } = await setup();
    await vault.put('db/password', VALUE);
    await sim.put('iso8601', job);
    await sim.store.deleteSecret('db/password');
    await sim.master.jobs.startJob('backup');
    await sim.until(() => sim.master.jobs.jobState('backup').active.some((r) => r.status === 'retrying'), {
      stepMs: 10,
      maxMs: 5000,
      what: 'the first attempt to end',
    });
    await vault.put('db/password', VALUE);
    await sim.until(() => sim.master.jobs.jobState('backup').active.some((r) => r.status === 'running'), {
      stepMs: 100,
      maxMs: 10_000,
      what: 'the retry to launch',
    });
    await settle(() => sim.tasksOf('backup').length === 1, 'the retry task to start');
    assert.equal(sim.tasksOf('backup')[0]!.env.DB_PASSWORD, VALUE);
  });
});
