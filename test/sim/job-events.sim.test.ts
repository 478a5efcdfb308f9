/**
 * Job run events on the master's event bus (what /v2/events streams), in simulation: a run that
 * succeeds, one that fails and is retried until it fails for good, and an occurrence skipped
 * because the one before still runs. Each event carries the run as stored after the change.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { BusEvent } from '../../src/control-plane/events/event-bus.js';
import type { JobRunEventJson } from '../../src/control-plane/events/event-types.js';
import { JobSim } from './job-sim.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

function record(sim: JobSim): Array<{ type: string; p: JobRunEventJson }> {
  const seen: Array<{ type: string; p: JobRunEventJson }> = [];
  sim.master.events.subscribe((e: BusEvent) => {
    if (e.eventType.startsWith('job_run_')) seen.push({ type: e.eventType, p: e.payload as JobRunEventJson });
  });
  return seen;
}

describe('job run events', () => {
  let sim: JobSim;
  afterEach(async () => {
    await sim?.stop();
  });

  it('a manual run that succeeds: queued, started, finished, with the run as stored', async () => {
    sim = await JobSim.create({ start: T0 });
    const seen = record(sim);
    await sim.put('iso8601', { name: 'report', command: 'true', schedule: 'R1/2030-01-01T00:00:00Z/PT1H' });
    const run = await sim.master.jobs.startJob('report');
    await sim.until(() => sim.tasksOf('report').length === 1, { stepMs: 10, maxMs: 10_000 });
    await sim.clock.advance(1500);
    sim.exit(sim.tasksOf('report')[0]!, 0);
    await sim.until(() => seen.some((e) => e.type === 'job_run_finished_event'), { stepMs: 1, maxMs: 5000 });

    assert.deepEqual(
      seen.map((e) => e.type),
      ['job_run_queued_event', 'job_run_started_event', 'job_run_finished_event'],
    );
    for (const { p } of seen) {
      assert.equal(p.jobName, 'report');
      assert.equal(p.runId, String(run.dueAt));
      assert.equal(p.trigger, 'manual');
    }
    const [queued, started, finished] = seen.map((e) => e.p);
    assert.equal(queued!.outcome, 'queued');
    assert.equal(queued!.attempt, 0);
    assert.equal(started!.outcome, 'running');
    assert.equal(started!.attempt, 1);
    assert.ok(started!.taskId && started!.host === 'agent-a');
    assert.ok(started!.launchedAt);
    assert.equal(finished!.outcome, 'succeeded');
    assert.equal(finished!.exitCode, 0);
    assert.ok(finished!.endedAt);
    const stored = (await sim.runs('report'))[0]!;
    assert.equal(finished!.endedAt, new Date(stored.endedAt!).toISOString());
  });

  it('a run that fails: started and retrying per attempt, then failed once', async () => {
    sim = await JobSim.create({ start: T0 });
    const seen = record(sim);
    await sim.put('iso8601', {
      name: 'flaky',
      command: 'false',
      schedule: 'R1//PT1H',
      retries: 1,
      retryDelaySeconds: 10,
    });
    for (let i = 0; i < 2; i++) {
      await sim.until(() => sim.tasksOf('flaky').length === 1, { stepMs: 100, maxMs: 60_000 });
      sim.exit(sim.tasksOf('flaky')[0]!, 3);
      await sim.clock.advance(1);
    }
    await sim.until(() => seen.some((e) => e.type === 'job_run_failed_event'), { stepMs: 1, maxMs: 5000 });
    assert.deepEqual(
      seen.map((e) => e.type),
      [
        'job_run_queued_event',
        'job_run_started_event',
        'job_run_retrying_event',
        'job_run_started_event',
        'job_run_failed_event',
      ],
    );
    const retrying = seen[2]!.p;
    assert.equal(retrying.outcome, 'retrying');
    assert.ok(retrying.retryAt);
    assert.equal(seen[3]!.p.attempt, 2);
    const failed = seen[4]!.p;
    assert.equal(failed.outcome, 'failed');
    assert.equal(failed.exitCode, 3);
    assert.equal(failed.trigger, 'schedule');
  });

  it('an occurrence skipped for overlap is finished with outcome skipped', async () => {
    sim = await JobSim.create({ start: T0 });
    const seen = record(sim);
    await sim.put('iso8601', { name: 'slow', command: 'sleep 600', schedule: 'R/2026-01-01T00:00:00Z/PT1M' });
    await sim.until(() => sim.tasksOf('slow').length === 1, { stepMs: 100, maxMs: 60_000 });
    await sim.clock.advance(MIN + 100);
    await sim.until(() => seen.some((e) => e.type === 'job_run_finished_event'), { stepMs: 10, maxMs: 1000 });
    const skipped = seen.find((e) => e.type === 'job_run_finished_event')!.p;
    assert.equal(skipped.outcome, 'skipped');
    assert.equal(skipped.skipReason, 'overlap');
    // The run still going made no further event.
    assert.deepEqual(
      seen.filter((e) => e.p.runId !== skipped.runId).map((e) => e.type),
      ['job_run_queued_event', 'job_run_started_event'],
    );
  });
});
