/**
 * Properties (DESIGN.md §5.7). Exactly once: for random schedules, clock movements (including steps backwards)
 * and restarts, no (job, due time) ever fires twice, and every occurrence that came due has a
 * record: fired or skipped with a reason. The shell is modelled as the runtime does it: the plan
 * and the new nextDueAt are committed together, and a restart reloads only committed state.
 * Late runs (Chronos 3): however late a pass comes, each job fires at most once in it, the
 * occurrence that fires is the latest one due by now (epsilon only marks it late), and the
 * schedule resumes at its first occurrence after now.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { planDueRuns } from './due-runs.js';
import { compileSchedule, firstAtOrAfter } from './schedule.js';

const T0 = Date.UTC(2026, 2, 7, 12);

const scheduleArb = fc.oneof(
  fc
    .record({
      n: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
      offsetS: fc.integer({ min: -3600, max: 3600 }),
      period: fc.constantFrom('PT1S', 'PT7S', 'PT1M', 'PT5M', 'PT1H', 'P1D', 'PT24H'),
    })
    .map(({ n, offsetS, period }) => {
      const start = new Date(T0 + offsetS * 1000).toISOString();
      return `R${n ?? ''}/${start}/${period}`;
    }),
  fc.constantFrom('*/5 * * * * *', '* * * * *', '*/15 * * * *', '@hourly', '30 2 * * *'),
);

const stepArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 600_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('back' as const), ms: fc.integer({ min: 1, max: 3_600_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('outage' as const),
      ms: fc.integer({ min: 1, max: 7_200_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), ms: fc.constant(0) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('finish' as const), ms: fc.constant(0) }) },
);

describe('due runs: exactly once, nothing lost (property)', () => {
  it('holds for random schedules, clocks and restarts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            text: scheduleArb,
            zone: fc.constantFrom(undefined, 'America/New_York', 'Europe/Berlin'),
            concurrent: fc.boolean(),
            epsilonMs: fc.constantFrom(0, 1000, 60_000, 600_000),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.array(stepArb, { minLength: 1, maxLength: 40 }),
        (specs, steps) => {
          const jobs = specs.map((s, i) => ({
            name: `job${i}`,
            schedule: compileSchedule(s.text, s.zone, T0),
            concurrent: s.concurrent,
            epsilonMs: s.epsilonMs,
          }));
          // Committed state (the store): nextDueAt per job, records keyed by job and due time.
          const nextDue = new Map(jobs.map((j) => [j.name, firstAtOrAfter(j.schedule, T0)?.at]));
          const records = new Map<string, 'fired' | 'skipped'>();
          const active = new Map<string, number>();
          let now = T0;
          let maxNow = now;
          const pass = () => {
            const plan = planDueRuns({
              now,
              jobs: jobs.map((j) => ({ ...j, nextDueAt: nextDue.get(j.name) })),
              hasRun: (job, at) => records.has(`${job}@${at}`),
              activeRuns: (job) => active.get(job) ?? 0,
              maxPerJob: 200,
            });
            for (const f of plan.fire) {
              const key = `${f.job}@${f.dueAt}`;
              assert.ok(!records.has(key), `fired twice: ${key}`);
              assert.ok(f.dueAt <= now, 'fired before its due time');
              records.set(key, 'fired');
              active.set(f.job, (active.get(f.job) ?? 0) + 1);
            }
            for (const s of plan.skip) {
              const key = `${s.job}@${s.dueAt}`;
              assert.ok(!records.has(key), `recorded twice: ${key}`);
              records.set(key, 'skipped');
            }
            for (const a of plan.advance) nextDue.set(a.job, a.nextDueAt);
          };
          for (const step of steps) {
            if (step.kind === 'advance') now += step.ms;
            else if (step.kind === 'back') now -= step.ms;
            else if (step.kind === 'outage')
              now += step.ms; // no pass ran meanwhile
            else if (step.kind === 'finish') active.clear();
            // restart: memory is rebuilt from committed state, which is all there is here, so it is
            // a no-op in this model; test/sim/jobs-restarts.property.sim.test.ts restarts a real master.
            maxNow = Math.max(maxNow, now);
            if (step.kind !== 'outage') pass();
          }
          // Catch up to the latest time seen, then every due occurrence must have a record.
          now = maxNow;
          for (let i = 0; i < 200; i++) pass();
          for (const j of jobs) {
            let o = firstAtOrAfter(j.schedule, T0);
            let checked = 0;
            while (o && o.at <= maxNow && checked < 5000) {
              assert.ok(records.has(`${j.name}@${o.at}`), `lost: ${j.name}@${new Date(o.at).toISOString()}`);
              o = j.schedule.firstAfter(o.at);
              checked += 1;
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('late runs: one run however late, the latest due, then the next slot after now', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.constantFrom(undefined, 'America/New_York'),
        fc.constantFrom(0, 1000, 60_000, 600_000),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 7_200_000 }), { minLength: 1, maxLength: 12 }),
        (text, zone, epsilonMs, concurrent, gaps) => {
          const schedule = compileSchedule(text, zone, T0);
          let nextDueAt = firstAtOrAfter(schedule, T0)?.at;
          let active = 0;
          let now = T0;
          for (const gap of gaps) {
            now += gap; // the master was down, or the ticker behind, for `gap`
            if (gap % 3 === 0) active = 0; // the previous run ended meanwhile
            const plan = planDueRuns({
              now,
              jobs: [{ name: 'j', schedule, nextDueAt, concurrent, epsilonMs }],
              hasRun: () => false,
              activeRuns: () => active,
              maxPerJob: 100_000,
            });
            assert.ok(plan.fire.length <= 1, 'a burst of catch-up runs');
            if (nextDueAt !== undefined && nextDueAt <= now) {
              let latest = nextDueAt;
              for (let o = schedule.firstAfter(latest); o && o.at <= now; o = schedule.firstAfter(o.at))
                latest = o.at;
              if (concurrent || active === 0) {
                assert.equal(plan.fire.length, 1, 'a due occurrence did not run because it was late');
                const f = plan.fire[0]!;
                assert.equal(f.dueAt, latest);
                assert.equal(f.lateMs !== undefined, now - latest > epsilonMs);
                active += 1;
              } else {
                assert.deepEqual(plan.fire, []);
                assert.equal(plan.skip.find((x) => x.dueAt === latest)?.reason, 'overlap');
              }
              for (const x of plan.skip) if (x.dueAt !== latest) assert.match(x.detail, /superseded/);
              const next = plan.advance[0]!.nextDueAt;
              assert.ok(next === undefined || next > now, 'the schedule did not resume after now');
              nextDueAt = next;
            } else assert.deepEqual(plan, { fire: [], skip: [], advance: [], exhausted: [] });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
