/**
 * Property over the real job runtime (issue 4 acceptance): random schedules, clock steps and real
 * master restarts (a new Master on the same store, the clock jumping over the downtime) never give
 * a (job, due time) two run records, and every occurrence due by the end has one: fired, or
 * skipped with its reason. Unlike src/schedules/due-runs.property.test.ts, which models the shell,
 * this drives JobSim: the ticker, the store transactions and the reload on restart are the real ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileSchedule } from '../../src/schedules/schedule.js';
import { JobSim } from './job-sim.js';

const T0 = Date.UTC(2026, 0, 1);
/** Jobs are created just after T0, so no cron occurrence falls on the creation instant. */
const START = T0 + 1_234;
const HOUR = 3_600_000;

const jobArb = fc.record({
  schedule: fc.oneof(
    fc
      .record({
        n: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        offsetS: fc.integer({ min: 1, max: 1800 }),
        period: fc.constantFrom('PT30S', 'PT1M', 'PT2M', 'PT7M', 'PT15M'),
      })
      .map(
        ({ n, offsetS, period }) => `R${n ?? ''}/${new Date(START + offsetS * 1000).toISOString()}/${period}`,
      ),
    fc.constantFrom('* * * * *', '*/5 * * * *', '*/10 * * * * *', '@hourly'),
  ),
  concurrent: fc.boolean(),
  epsilon: fc.constantFrom('PT30S', 'PT1M', 'PT5M', 'PT20M'),
});

const stepArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 10 * 60_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('restart' as const),
      ms: fc.integer({ min: 0, max: 30 * 60_000 }),
    }),
  },
);

describe('job runs with real master restarts (property, simulation)', () => {
  it('no (job, dueAt) is recorded twice and every occurrence due by the end has a record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(jobArb, { minLength: 1, maxLength: 3 }),
        fc.array(stepArb, { minLength: 1, maxLength: 8 }),
        async (jobs, steps) => {
          // No agents: runs stay queued (so concurrent: false meets real overlaps); long ticks, so
          // time moves by the runtime's own wake-ups at each due time.
          const sim = await JobSim.create({
            start: START,
            agents: [],
            master: { reconcileIntervalMs: HOUR, jobs: { tickMs: HOUR } },
          });
          try {
            const names = jobs.map((_, i) => `j${i}`);
            for (const [i, j] of jobs.entries())
              await sim.put('iso8601', { name: names[i], command: 'x', ...j });
            let restarts = 0;
            for (const s of steps) {
              if (s.kind === 'advance') await sim.clock.advance(s.ms);
              else {
                await sim.restart(s.ms);
                restarts += 1;
              }
            }
            // Let the last master's pass run at the final time.
            await sim.clock.advance(0);
            const end = sim.clock.now();
            for (const [i, j] of jobs.entries()) {
              const name = names[i]!;
              const runs = await sim.runs(name);
              const keys = runs.map((r) => r.dueAt);
              assert.equal(new Set(keys).size, keys.length, `${name}: a due time recorded twice`);
              for (const r of runs)
                if (r.status === 'skipped') assert.ok(r.skipReason, `${name}: a skip without a reason`);
              const expected: number[] = [];
              const schedule = compileSchedule(j.schedule, undefined, START);
              for (let o = schedule.firstAfter(START - 1); o && o.at <= end; o = schedule.firstAfter(o.at))
                expected.push(o.at);
              const recorded = new Set(keys);
              const lost = expected.filter((at) => !recorded.has(at));
              assert.deepEqual(
                lost.map((at) => new Date(at).toISOString()),
                [],
                `${name} (${j.schedule}, ${restarts} restarts): occurrences with no record`,
              );
              // Nothing is recorded that was not an occurrence due by now.
              assert.deepEqual(
                keys.filter((at) => !expected.includes(at)),
                [],
                `${name}: unexpected records`,
              );
            }
          } finally {
            await sim.stop();
          }
        },
      ),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? 4242) },
    );
  });
});
