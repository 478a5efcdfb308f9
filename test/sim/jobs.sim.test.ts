/**
 * Scheduled jobs end to end in simulation (fake clock, fake executors, memory store): the
 * acceptance cases of issue 4. Nothing sleeps: fake time is advanced until a condition holds.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import type { JobRun } from '../../src/domain/job.js';
import type { Store } from '../../src/store/port.js';
import { JobSim } from './job-sim.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const NY = 'America/New_York';

const statuses = (runs: JobRun[]) => runs.map((r) => r.status);
const local = (ms: number) => DateTime.fromMillis(ms, { zone: NY }).toISO({ suppressMilliseconds: true });

function assertUniqueKeys(runs: JobRun[]): void {
  const keys = runs.map((r) => `${r.job}@${r.dueAt}`);
  assert.equal(new Set(keys).size, keys.length, 'a (job, dueAt) appears twice');
}

describe('jobs in simulation', () => {
  let sim: JobSim;
  afterEach(async () => {
    await sim?.stop();
  });

  /** Lets every run's task exit with `code` as soon as it starts. */
  async function finishAll(job: string, code = 0) {
    const running = () => sim.master.jobs.jobState(job).active.filter((r) => r.status === 'running').length;
    // A launched attempt reaches the fake executor after the agent's sandbox I/O, and the exit
    // reaches the master through it too: real time, no fake time (the clock stands still).
    await sim.settle(() => sim.tasksOf(job).length >= running(), `${job}'s tasks`);
    for (const t of sim.tasksOf(job)) sim.exit(t, code);
    await sim.settle(
      () => sim.master.jobs.jobState(job).active.every((r) => r.status !== 'running'),
      `${job}'s runs to end`,
    );
  }

  it('R5 runs five times, then the job is disabled', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 'five', command: 'date', schedule: 'R5//PT1M' });
    for (let i = 0; i < 7; i++) {
      await sim.until(() => sim.tasksOf('five').length > 0 || sim.master.jobs.getJob('five')!.disabled, {
        maxMs: 2 * MIN,
      });
      await finishAll('five');
      if (sim.master.jobs.getJob('five')!.disabled && sim.master.jobs.jobState('five').active.length === 0)
        break;
      await sim.clock.advance(MIN - 10);
    }
    await sim.clock.advance(10 * MIN);
    const runs = await sim.runs('five');
    assert.deepEqual(statuses(runs), ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    assert.deepEqual(
      runs.map((r) => r.dueAt - T0),
      [0, 1, 2, 3, 4].map((i) => i * MIN),
    );
    const job = sim.master.jobs.getJob('five')!;
    assert.equal(job.disabled, true);
    assert.equal(job.successCount, 5);
  });

  it('R0 never runs', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 'never', command: 'date', schedule: 'R0//PT1M' });
    await sim.clock.advance(10 * MIN);
    assert.deepEqual(await sim.runs('never'), []);
    assert.equal(sim.tasksOf('never').length, 0);
  });

  it('an empty start runs at once, then every period from the creation time', async () => {
    sim = await JobSim.create({ start: T0 + 12_345 });
    await sim.put('iso8601', { name: 'now', command: 'date', schedule: 'R2//PT2M' });
    await sim.until(() => sim.tasksOf('now').length === 1, { stepMs: 1, maxMs: 5000 });
    await finishAll('now');
    await sim.clock.advance(2 * MIN);
    await finishAll('now');
    const runs = await sim.runs('now');
    assert.deepEqual(
      runs.map((r) => r.dueAt),
      [T0 + 12_345, T0 + 12_345 + 2 * MIN],
    );
  });

  for (const [label, schedule] of [
    ['ISO 8601', 'R/2026-03-07T02:30:00/P1D'],
    ['cron', '30 2 * * *'],
  ] as const) {
    it(`DST in ${NY} (${label}): spring-forward runs once at 03:30; fall-back runs once at the first 01:30`, async () => {
      // No agents: runs stay queued, which is enough to see when each record was created.
      sim = await JobSim.create({
        start: Date.UTC(2026, 2, 7, 0),
        agents: [],
        master: { reconcileIntervalMs: 24 * 3600_000, jobs: { tickMs: 24 * 3600_000 } },
      });
      await sim.put('iso8601', {
        name: 'dst',
        command: 'date',
        schedule,
        scheduleTimeZone: NY,
        concurrent: true,
      });
      await sim.clock.advance(3 * 24 * 3600_000);
      const spring = await sim.runs('dst');
      assert.deepEqual(
        spring.map((r) => local(r.dueAt)),
        ['2026-03-07T02:30:00-05:00', '2026-03-08T03:30:00-04:00', '2026-03-09T02:30:00-04:00'],
      );
      for (const r of spring) assert.equal(r.createdAt, r.dueAt, 'fired on time');

      const fallSchedule = label === 'cron' ? '30 1 * * *' : 'R/2026-10-31T01:30:00/P1D';
      await sim.master.jobs.deleteJob('dst');
      sim.clock.jump(Date.UTC(2026, 9, 31, 0) - sim.clock.now());
      await sim.put('iso8601', {
        name: 'dst',
        command: 'date',
        schedule: fallSchedule,
        scheduleTimeZone: NY,
        concurrent: true,
      });
      await sim.clock.advance(3 * 24 * 3600_000);
      const fall = await sim.runs('dst');
      assert.deepEqual(
        fall.map((r) => local(r.dueAt)),
        ['2026-10-31T01:30:00-04:00', '2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00'],
      );
    });
  }

  it('a clock jumping backwards does not fire an occurrence twice', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 'tick', command: 'date', schedule: 'R/2026-01-01T00:00:00Z/PT1M' });
    for (let i = 0; i < 3; i++) {
      await sim.until(() => sim.tasksOf('tick').length === 1, { maxMs: 2 * MIN });
      await finishAll('tick');
      await sim.clock.advance(MIN - 100);
    }
    sim.clock.jump(-30 * MIN);
    const before = (await sim.runs('tick')).length;
    await sim.clock.advance(29 * MIN);
    assert.equal((await sim.runs('tick')).length, before, 'nothing fires while the clock is behind');
    for (let i = 0; i < 10; i++) {
      await sim.until(() => sim.tasksOf('tick').length === 1, { maxMs: 2 * MIN });
      await finishAll('tick');
      await sim.clock.advance(MIN - 100);
    }
    const runs = await sim.runs('tick');
    assertUniqueKeys(runs);
    // The last one may have just started; none was skipped or fired twice.
    assert.ok(runs.slice(0, -1).every((r) => r.status === 'succeeded'));
    // Every minute from T0 to the latest time seen has exactly one record.
    const last = runs.at(-1)!.dueAt;
    assert.equal(runs.length, (last - T0) / MIN + 1);
  });

  it('after downtime, the latest occurrence within epsilon runs and older ones are recorded as skipped', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', {
      name: 'down',
      command: 'date',
      schedule: 'R/2026-01-01T00:00:00Z/PT1M',
      epsilon: 'PT30S',
    });
    await sim.settle(() => sim.tasksOf('down').length === 1, 'the 00:00 run');
    await finishAll('down');
    await sim.restart(10 * MIN + 20_000); // down from 00:00 to 00:10:20
    await sim.settle(() => sim.tasksOf('down').length === 1, 'the 00:10 run, fired on start');
    const runs = await sim.runs('down');
    assertUniqueKeys(runs);
    assert.equal(runs.length, 11);
    assert.deepEqual(
      runs.slice(1, 10).map((r) => [r.status, r.skipReason]),
      Array.from({ length: 9 }, () => ['skipped', 'missed']),
    );
    assert.equal(runs[10]!.dueAt, T0 + 10 * MIN);
    assert.equal(runs[10]!.status, 'running');
    assert.match(runs[1]!.skipDetail!, /superseded by the occurrence of 2026-01-01T00:10:00.000Z/);
    assert.equal(runs[10]!.lateDetail, undefined, '20 s late is within epsilon: on time');
  });

  it('Chronos 3 late run: down 10 minutes past epsilon, the job fires once for the period, then on the next slot', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', {
      name: 'late',
      command: 'date',
      schedule: 'R/2026-01-01T00:00:00Z/PT1M',
      epsilon: 'PT30S',
    });
    // Due at the start: it fires at once; its launch and exit take real I/O, no fake time, so the
    // clock still reads 00:00 when the master stops (how late the next run is depends on it).
    await sim.settle(() => sim.tasksOf('late').length === 1, 'the 00:00 run');
    await finishAll('late');
    assert.equal(sim.clock.now(), T0);
    // Stopped from 00:00 to 00:10:40: the 00:10 occurrence is 40 s late, past epsilon (30 s).
    await sim.restart(10 * MIN + 40_000);
    await sim.settle(() => sim.tasksOf('late').length === 1, 'the late run, fired on start');
    const launched = sim.tasksOf('late')[0]!;
    assert.equal(launched.env['CHRONOS_JOB_RUN_TIME'], String(T0 + 10 * MIN));
    await finishAll('late');
    // Nothing more until the next slot (00:11): no catch-up burst.
    await sim.until(() => sim.clock.now() >= T0 + 11 * MIN - 100, { stepMs: 100, maxMs: MIN });
    assert.equal(sim.tasksOf('late').length, 0);
    assert.equal((await sim.runs('late')).filter((r) => r.status !== 'skipped').length, 2);
    await sim.until(() => sim.tasksOf('late').length === 1, { stepMs: 10, maxMs: 2000 });
    await finishAll('late');

    const runs = await sim.runs('late');
    assertUniqueKeys(runs);
    const ran = runs.filter((r) => r.status !== 'skipped');
    assert.deepEqual(
      ran.map((r) => [r.dueAt, r.status]),
      [
        [T0, 'succeeded'],
        [T0 + 10 * MIN, 'succeeded'],
        [T0 + 11 * MIN, 'succeeded'],
      ],
    );
    // The missed period 00:01..00:10 fired exactly once, marked late; the others stand superseded.
    assert.match(
      ran[1]!.lateDetail!,
      /ran 40s after its due time, past epsilon \(30s\); it stands for 9 earlier/,
    );
    assert.equal(ran[2]!.lateDetail, undefined);
    const skipped = runs.filter((r) => r.status === 'skipped');
    assert.deepEqual(
      skipped.map((r) => r.dueAt),
      Array.from({ length: 9 }, (_, i) => T0 + (i + 1) * MIN),
    );
    assert.ok(skipped.every((r) => r.skipReason === 'missed' && /superseded/.test(r.skipDetail ?? '')));
  });

  it('concurrent: false records an overlapping occurrence as skipped; concurrent: true runs both', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 'slow', command: 'sleep 100', schedule: 'R/2026-01-01T00:00:00Z/PT1M' });
    await sim.put('iso8601', {
      name: 'both',
      command: 'sleep 100',
      schedule: 'R/2026-01-01T00:00:00Z/PT1M',
      concurrent: true,
    });
    await sim.until(() => sim.tasksOf('slow').length === 1);
    await sim.clock.advance(MIN + 100);
    const slow = await sim.runs('slow');
    assert.deepEqual(statuses(slow), ['running', 'skipped']);
    assert.equal(slow[1]!.skipReason, 'overlap');
    await sim.until(() => sim.tasksOf('both').length === 2, { stepMs: 10, maxMs: 1000 });
  });

  it('retries a failed run after the job delay, growing by the factor, then records the failure', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', {
      name: 'flaky',
      command: 'false',
      schedule: 'R1//PT1H',
      retries: 2,
      retryDelaySeconds: 10,
      retryBackoffFactor: 2,
    });
    const startedAt: number[] = [];
    for (let i = 0; i < 3; i++) {
      await sim.until(() => sim.tasksOf('flaky').length === 1, { stepMs: 100, maxMs: 60_000 });
      startedAt.push(sim.clock.now());
      sim.exit(sim.tasksOf('flaky')[0]!, 1);
      await sim.clock.advance(1);
    }
    await sim.clock.advance(MIN);
    assert.equal(sim.tasksOf('flaky').length, 0, 'no fourth attempt');
    const [run] = await sim.runs('flaky');
    assert.equal(run!.status, 'failed');
    assert.equal(run!.attempts.length, 3);
    assert.deepEqual(
      run!.attempts.map((a) => a.exitCode),
      [1, 1, 1],
    );
    // Each retry is launched exactly its delay after the previous attempt ended: 10 s, then 20 s.
    const a = run!.attempts;
    assert.equal(a[1]!.launchedAt - a[0]!.endedAt!, 10_000);
    assert.equal(a[2]!.launchedAt - a[1]!.endedAt!, 20_000);
    assert.ok(startedAt[2]! > startedAt[0]!);
    const job = sim.master.jobs.getJob('flaky')!;
    assert.equal(job.errorCount, 1);
    assert.equal(job.errorsSinceLastSuccess, 1);
    assert.notEqual(job.lastError, '');
    const attemptEnv = sim.executors[0]!.tasks;
    assert.deepEqual(
      [...attemptEnv.values()].map((t) => t.env.CHRONOS_JOB_RUN_ATTEMPT),
      ['0', '1', '2'],
    );
  });

  it('gives runs Chronos environment that environmentVariables cannot override', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', {
      name: 'env',
      command: 'env',
      owner: 'ops@example.com',
      schedule: 'R1//PT1H',
      environmentVariables: [
        { name: 'MINE', value: 'x' },
        { name: 'CHRONOS_JOB_NAME', value: 'spoofed' },
        { name: 'HOST', value: 'spoofed' },
      ],
    });
    await sim.until(() => sim.tasksOf('env').length === 1);
    const env = sim.tasksOf('env')[0]!.env;
    assert.equal(env.MINE, 'x');
    assert.equal(env.CHRONOS_JOB_NAME, 'env');
    assert.equal(env.CHRONOS_JOB_OWNER, 'ops@example.com');
    assert.equal(env.CHRONOS_JOB_RUN_TIME, String(T0));
    assert.equal(env.CHRONOS_RESOURCE_CPU, '0.1');
    assert.equal(env.CHRONOS_RESOURCE_MEM, '128.0');
    assert.equal(env.CHRONOS_RESOURCE_DISK, '256.0');
    assert.equal(env.mesos_task_id, `ct:${T0}:0:env:`);
    assert.equal(env.CHRONOS_JOB_RUN_ATTEMPT, '0');
    assert.equal(env.MESOS_TASK_ID, env.mesos_task_id);
    assert.equal(env.HOST, 'agent-a');
    assert.ok(env.MESOS_SANDBOX);
    assert.deepEqual(sim.master.listTasks(), [], 'job tasks are not Marathon tasks');
  });

  it('dependency diamond fires D once per cycle, also across a restart between B and C', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 'A', command: 'a', schedule: 'R/2026-01-01T00:00:00Z/PT10M' });
    await sim.put('dependency', { name: 'B', command: 'b', parents: ['A'] });
    await sim.put('dependency', { name: 'C', command: 'c', parents: ['A'] });
    await sim.put('dependency', { name: 'D', command: 'd', parents: ['B', 'C'] });
    for (let cycle = 0; cycle < 2; cycle++) {
      await sim.until(() => sim.tasksOf('A').length === 1, { maxMs: 11 * MIN });
      await finishAll('A');
      await sim.until(() => sim.tasksOf('B').length === 1 && sim.tasksOf('C').length === 1);
      await finishAll('B');
      assert.equal(sim.tasksOf('D').length, 0, 'D waits for C');
      if (cycle === 1) await sim.restart(1000);
      await sim.clock.advance(100);
      assert.equal(sim.tasksOf('D').length, 0, 'still waiting after the restart');
      await finishAll('C');
      await sim.until(() => sim.tasksOf('D').length === 1);
      await finishAll('D');
    }
    await sim.clock.advance(5 * MIN);
    assert.equal((await sim.runs('D')).length, 2);
    assert.ok((await sim.runs('D')).every((r) => r.status === 'succeeded' && r.trigger === 'dependency'));
    assert.equal((await sim.runs('B')).length, 2);
  });

  it('softError lets a failed parent trigger its children; without it they wait', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', {
      name: 'soft',
      command: 'x',
      schedule: 'R1//PT1H',
      retries: 0,
      softError: true,
    });
    await sim.put('iso8601', { name: 'hard', command: 'x', schedule: 'R1//PT1H', retries: 0 });
    await sim.put('dependency', { name: 'afterSoft', command: 'y', parents: ['soft'] });
    await sim.put('dependency', { name: 'afterHard', command: 'y', parents: ['hard'] });
    await sim.until(() => sim.tasksOf('soft').length === 1 && sim.tasksOf('hard').length === 1);
    await finishAll('soft', 1);
    await finishAll('hard', 1);
    await sim.until(() => sim.tasksOf('afterSoft').length === 1);
    await sim.clock.advance(MIN);
    assert.equal(sim.tasksOf('afterHard').length, 0);
    assert.equal((await sim.runs('afterHard')).length, 0);
  });

  it('firing lateness is stamped before the batch insert (createdAt) and after the commit (histogram), not at the pass start', async () => {
    sim = await JobSim.create({
      start: T0,
      agents: [],
      master: { reconcileIntervalMs: 3600_000, jobs: { tickMs: 3600_000 } },
    });
    const due = T0 + MIN;
    const start = new Date(due).toISOString();
    await sim.put('iso8601', { name: 'late-a', command: 'x', schedule: `R1/${start}/PT1H` });
    await sim.put('iso8601', { name: 'late-b', command: 'x', schedule: `R1/${start}/PT1H` });
    // A slow store, in fake time: a transaction takes 3 ms to begin, the batch insert of the
    // pass's records 5 ms and the commit 40 ms.
    const store = sim.store as { transaction: Store['transaction'] };
    const transaction = sim.store.transaction.bind(sim.store);
    store.transaction = async (fn) => {
      sim.clock.jump(3);
      const result = await transaction((tx) =>
        fn({
          ...tx,
          insertJobRuns: async (runs: readonly JobRun[]) => {
            const ok = await tx.insertJobRuns(runs);
            sim.clock.jump(5);
            return ok;
          },
        }),
      );
      sim.clock.jump(40);
      return result;
    };
    await sim.clock.advance(MIN);
    const runs = [...(await sim.runs('late-a')), ...(await sim.runs('late-b'))];
    assert.deepEqual(
      runs.map((r) => [r.dueAt, r.status]),
      [
        [due, 'queued'],
        [due, 'queued'],
      ],
    );
    // One pass at the due time: both records stamped as the batch insert starts, +3 ms.
    assert.deepEqual(
      runs.map((r) => r.createdAt - due),
      [3, 3],
    );
    // Both records became durable at the commit: 3 + 5 + 40 ms after the due time.
    const metric = await sim.master.jobs.lateness.get();
    const value = (name: string) => metric.values.find((v) => v.metricName === name)?.value;
    assert.equal(value('drover_job_firing_lateness_seconds_count'), 2);
    assert.ok(Math.abs(value('drover_job_firing_lateness_seconds_sum')! - 2 * 0.048) < 1e-9);
  });

  it('a master that dies between the run records and the jobs advance: the next one fires nothing twice', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 'tick', command: 'date', schedule: 'R/2026-01-01T00:01:00Z/PT1M' });
    // The firing pass commits its run records, then the jobs' new nextDueAt in a second
    // transaction (fire-due.ts): that one fails and the master's ticker stops there, as if it had
    // died between the two commits.
    const store = sim.store as { transaction: Store['transaction'] };
    const transaction = sim.store.transaction.bind(sim.store);
    let failed = 0;
    store.transaction = (fn) =>
      transaction((tx) =>
        fn({
          ...tx,
          putJobs: async (jobs) => {
            if (failed > 0) return tx.putJobs(jobs);
            failed += 1;
            sim.master.jobs.stop();
            throw new Error('store gone before the jobs advanced');
          },
        }),
      );
    await sim.until(async () => failed > 0 && (await sim.runs('tick')).length === 1, { maxMs: 2 * MIN });
    assert.equal((await sim.store.getJob('tick'))?.nextDueAt, T0 + MIN, 'the stored job did not advance');
    assert.equal(sim.tasksOf('tick').length, 0, 'nothing launched by the failing master');
    await sim.restart();
    await sim.until(() => sim.tasksOf('tick').length === 1, { maxMs: MIN / 2 });
    await finishAll('tick');
    // The new master found the occurrence recorded: it advanced the job instead of firing again.
    assert.equal((await sim.store.getJob('tick'))?.nextDueAt, T0 + 2 * MIN);
    await sim.clock.advance(MIN);
    await sim.until(() => sim.tasksOf('tick').length === 1, { maxMs: MIN });
    await finishAll('tick');
    const runs = await sim.runs('tick');
    assertUniqueKeys(runs);
    assert.deepEqual(
      runs.map((r) => [r.dueAt - T0, r.status]),
      [
        [MIN, 'succeeded'],
        [2 * MIN, 'succeeded'],
      ],
    );
  });

  it('deleting a parent rewires children with several parents as Chronos does', async () => {
    sim = await JobSim.create({ start: T0, agents: [] });
    const far = 'R/2030-01-01T00:00:00Z/P1D';
    await sim.put('iso8601', { name: 's1', command: 'x', schedule: far, scheduleTimeZone: NY });
    await sim.put('iso8601', { name: 's2', command: 'x', schedule: 'R/2031-01-01T00:00:00Z/P1D' });
    await sim.put('dependency', { name: 'dep', command: 'x', parents: ['s2'] });
    await sim.put('dependency', { name: 'both', command: 'x', parents: ['s1', 's2'] });
    await sim.put('dependency', { name: 'viaDep', command: 'x', parents: ['dep', 's1'] });
    // A dependent parent hands over its parents; the child keeps its others.
    await sim.master.jobs.deleteJob('dep');
    assert.deepEqual(sim.master.jobs.getJob('viaDep')!.parents, ['s1', 's2']);
    // A scheduled parent's schedule goes to every child, which drops its other parents.
    await sim.master.jobs.deleteJob('s1');
    for (const name of ['both', 'viaDep']) {
      const child = sim.master.jobs.getJob(name)!;
      assert.equal(child.schedule, far, name);
      assert.equal(child.scheduleTimeZone, NY, name);
      assert.deepEqual(child.parents, [], name);
    }
    // The rewiring is stored: a restarted master sees the same jobs.
    await sim.restart();
    assert.equal(sim.master.jobs.getJob('both')!.schedule, far);
    assert.deepEqual(sim.master.jobs.getJob('both')!.parents, []);
    assert.equal(sim.master.jobs.getJob('s2')!.schedule, 'R/2031-01-01T00:00:00Z/P1D');
  });

  it('mark-success counts a success and fires the children', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 'p', command: 'x', schedule: 'R/2030-01-01T00:00:00Z/P1D' });
    await sim.put('dependency', { name: 'c', command: 'y', parents: ['p'] });
    await sim.clock.advance(5 * MIN);
    const markedAt = sim.clock.now();
    assert.equal(await sim.master.jobs.markSuccess('p'), true);
    await sim.until(() => sim.tasksOf('c').length === 1);
    const p = sim.master.jobs.getJob('p')!;
    assert.equal(p.successCount, 1);
    // The success is stamped with the fake clock at the mark, not after the child started.
    assert.equal(p.lastSuccess, new Date(markedAt).toISOString());
    assert.notEqual(markedAt, T0);
  });

  it('maxCompletionTime (seconds) kills an overlong attempt at its limit, which then counts as failed', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', {
      name: 'long',
      command: 'sleep 1000',
      schedule: 'R1//PT1H',
      retries: 0,
      maxCompletionTime: 5,
    });
    await sim.until(() => sim.tasksOf('long').length === 1, { stepMs: 10 });
    await sim.until(async () => (await sim.runs('long'))[0]?.attempts[0]?.startedAt !== undefined, {
      stepMs: 10,
    });
    const startedAt = (await sim.runs('long'))[0]!.attempts[0]!.startedAt!;
    const message = async () => (await sim.runs('long'))[0]!.message;
    // Just before 5 s (not 5 ms, as when it was read as milliseconds) nothing is killed.
    await sim.clock.advance(startedAt + 4_990 - sim.clock.now());
    assert.equal(await message(), undefined, 'killed before maxCompletionTime');
    assert.equal(sim.tasksOf('long').length, 1);
    // Just after it, the run is marked and the kill goes out.
    await sim.clock.advance(startedAt + 5_020 - sim.clock.now());
    await sim.until(async () => (await message()) !== undefined, {
      stepMs: 1,
      maxMs: 20,
      what: 'kill at maxCompletionTime',
    });
    await sim.until(async () => (await sim.runs('long'))[0]?.status === 'failed', { maxMs: 30_000 });
    const [run] = await sim.runs('long');
    assert.match(run!.message!, /maxCompletionTime \(5 s\)/);
    assert.equal(run!.attempts[0]!.state, 'TASK_KILLED');
  });

  it('kill ends a job’s runs as killed, without retries', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 'k', command: 'sleep 1000', schedule: 'R1//PT1H' });
    await sim.until(() => sim.tasksOf('k').length === 1);
    assert.equal(await sim.master.jobs.killJobTasks('k'), 1);
    await sim.until(async () => (await sim.runs('k'))[0]?.status === 'killed');
    await sim.clock.advance(5 * MIN);
    assert.equal(sim.tasksOf('k').length, 0);
    assert.equal((await sim.runs('k'))[0]!.attempts.length, 1);
  });

  it('places highPriority runs first and honours constraints', async () => {
    sim = await JobSim.create({
      start: T0,
      agents: [
        { hostname: 'small', attributes: { rack: 'r1' }, cpus: 1 },
        { hostname: 'other', attributes: { rack: 'r2' }, cpus: 1 },
      ],
    });
    await sim.put('iso8601', {
      name: 'low',
      command: 'x',
      schedule: 'R1//PT1H',
      cpus: 1,
      constraints: [['rack', 'EQUALS', 'r1']],
    });
    await sim.put('iso8601', {
      name: 'high',
      command: 'x',
      schedule: 'R1//PT1H',
      cpus: 1,
      highPriority: true,
      constraints: [['rack', 'LIKE', 'r[1]']],
    });
    await sim.until(() => sim.tasksOf('high').length === 1);
    assert.equal(sim.tasksOf('low').length, 0, 'the one r1 slot went to the high-priority run');
    assert.equal(sim.tasksOf('high')[0]!.env.HOST, 'small');
    await finishAll('high');
    await sim.until(() => sim.tasksOf('low').length === 1, { maxMs: 5000 });
  });

  it('rejects unknown parents and cycles, and rewires children when a parent is deleted', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 'a', command: 'x', schedule: 'R//PT1H' });
    await sim.put('dependency', { name: 'b', command: 'x', parents: ['a'] });
    await sim.put('dependency', { name: 'c', command: 'x', parents: ['b'] });
    await assert.rejects(
      sim.put('dependency', { name: 'd', command: 'x', parents: ['nope'] }),
      /parent does not exist/,
    );
    await assert.rejects(
      sim.put('dependency', { name: 'a', command: 'x', parents: ['c'] }),
      /cycle: .*a.*->/,
    );
    await sim.master.jobs.deleteJob('b');
    assert.deepEqual(sim.master.jobs.getJob('c')!.parents, ['a']);
    await sim.master.jobs.deleteJob('a');
    assert.equal(sim.master.jobs.getJob('c')!.schedule, 'R//PT1H');
    assert.deepEqual(sim.master.jobs.getJob('c')!.parents, []);
  });

  it('keeps counters when a client posts stale ones', async () => {
    sim = await JobSim.create({ start: T0 });
    await sim.put('iso8601', { name: 's', command: 'x', schedule: 'R//PT1H' });
    await sim.until(() => sim.tasksOf('s').length === 1);
    await finishAll('s');
    await sim.put('iso8601', {
      name: 's',
      command: 'y',
      schedule: 'R//PT1H',
      successCount: 0,
      errorCount: 7,
    });
    const s = sim.master.jobs.getJob('s')!;
    assert.equal(s.command, 'y');
    assert.equal(s.successCount, 1);
    assert.equal(s.errorCount, 0);
  });
});
