/**
 * A job run's kill follows the kill-timing rules (domain/kill-timing.ts jobKillTiming): the grace
 * between SIGTERM and SIGKILL is the master's default kill grace (here 7 s, not a fixed 3 s), and
 * there is no drain before SIGTERM even when the master drains app tasks (nothing routes to a job).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { JobSim } from './job-sim.js';

const T0 = Date.UTC(2026, 0, 1);

describe('job run kill timing', () => {
  let sim: JobSim;
  afterEach(async () => {
    await sim?.stop();
  });

  it("a killed run gets the master's default grace and no drain", async () => {
    sim = await JobSim.create({ start: T0, master: { defaultKillGraceMs: 7_000, killDrainMs: 5_000 } });
    await sim.put('iso8601', { name: 'stubborn', command: 'sleep 1000', schedule: 'R1//PT1H' });
    await sim.until(() => sim.tasksOf('stubborn').length === 1, { what: 'the run started' });
    const [task] = sim.tasksOf('stubborn');
    assert.equal(task!.spec.killGracePeriodMs, 7_000, 'launched with the default grace');
    // It ignores SIGTERM: only the SIGKILL at the end of the grace ends it.
    sim.executors[0]!.ignoreTerm.add(task!.spec.taskId);
    const killedAt = sim.clock.now();
    assert.equal(await sim.master.jobs.killJobTasks('stubborn'), 1);
    await sim.until(() => task!.exited, { stepMs: 100, maxMs: 60_000, what: 'the task gone' });
    const took = sim.clock.now() - killedAt;
    // grace 7 s, no 5 s drain in front of it (with the drain it would take 12 s).
    assert.ok(took >= 7_000 && took < 8_000, `killed after ${took} ms; expected grace 7000 ms and no drain`);
  });
});
