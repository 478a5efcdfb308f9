/**
 * Chronos 3 late runs across a failover (issue 14 item 6), with two masters on one store: every
 * master is down for 10 minutes, both come back and race for the lease. The job due every minute
 * fires exactly once for the whole missed period (the latest occurrence, marked late), then on
 * its next slot, and no occurrence fires twice, whichever master leads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJob } from '../../src/domain/job-validate.js';
import { HaSim } from './ha-harness.js';

const MIN = 60_000;

describe('late runs across a failover (simulation, two masters)', () => {
  it('all masters down 10 minutes: one late run for the period, then the next slot; no duplicates', async () => {
    const sim = await HaSim.create({ masters: 2, agents: ['a1'] });
    try {
      const start = Math.ceil((sim.clock.now() + 5_000) / 1000) * 1000;
      await sim.master().jobs.putJob(
        parseJob(
          {
            name: 'tick',
            command: 'true',
            schedule: `R/${new Date(start).toISOString()}/PT1M`,
            epsilon: 'PT30S',
          },
          'iso8601',
        ),
      );
      const executor = sim.agents[0]!.executor;
      const finishRunning = () => {
        for (const t of executor.running()) executor.exit(t.spec.taskId, { exitCode: 0, signal: null });
      };
      await sim.until(() => executor.running().length === 1, { what: 'the first run' });
      finishRunning();
      await sim.until(() => sim.master().jobs.jobState('tick').active.length === 0, {
        what: 'the first run ends',
      });

      // Both masters go down (kill -9) just after the first run, for 10 minutes and 40 s.
      const first = sim.leader()!;
      for (const m of sim.masters) sim.kill(m);
      const downAt = sim.clock.now();
      await sim.clock.advance(10 * MIN + 40_000 - (downAt - start));
      assert.equal(executor.running().length, 0, 'nothing fired while no master ran');
      // The former standby comes back first, then the old leader: a failover to m1.
      const standby = sim.masters.find((m) => m !== first)!;
      sim.revive(standby);
      await sim.until(() => sim.leader() !== undefined, { what: 'a new leader' });
      sim.revive(first);
      await sim.until(() => executor.running().length === 1, { what: 'the late run' });
      const late = executor.running()[0]!;
      assert.equal(late.env['CHRONOS_JOB_RUN_TIME'], String(start + 10 * MIN), 'the latest occurrence ran');
      finishRunning();
      // Up to just before the next slot, nothing else fires: no catch-up burst.
      await sim.until(() => sim.clock.now() >= start + 11 * MIN - 200, {
        what: 'just before 00:11',
        maxMs: MIN,
      });
      assert.equal(executor.running().length, 0);
      await sim.until(() => executor.running().length === 1, { what: 'the next slot', maxMs: 5_000 });
      const next = executor.running()[0]!;
      assert.equal(next.env['CHRONOS_JOB_RUN_TIME'], String(start + 11 * MIN));
      finishRunning();
      await sim.until(() => sim.master().jobs.jobState('tick').active.length === 0, { what: 'the run ends' });

      // Every task the agent ever saw is a distinct occurrence: three runs in all.
      const ids = [...executor.tasks.keys()];
      assert.equal(ids.length, 3, ids.join(', '));
      const runTimes = [...executor.tasks.values()].map((t) => Number(t.env['CHRONOS_JOB_RUN_TIME']));
      assert.deepEqual(runTimes, [start, start + 10 * MIN, start + 11 * MIN]);
      const runs = (await sim.master().jobs.listRuns('tick', {})).reverse();
      const keys = runs.map((r) => r.dueAt);
      assert.equal(new Set(keys).size, keys.length, 'an occurrence recorded twice');
      const fired = runs.filter((r) => r.status !== 'skipped');
      assert.deepEqual(
        fired.map((r) => [r.dueAt, r.status, r.lateDetail !== undefined]),
        [
          [start, 'succeeded', false],
          [start + 10 * MIN, 'succeeded', true],
          [start + 11 * MIN, 'succeeded', false],
        ],
      );
      assert.equal(runs.filter((r) => r.status === 'skipped').length, 9);
    } finally {
      await sim.stop();
    }
  });
});
