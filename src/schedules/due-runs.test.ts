import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DuePlanInput, type PlannerJob, planDueRuns } from './due-runs.js';
import { compileSchedule } from './schedule.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

function job(over: Partial<PlannerJob> & { text?: string } = {}): PlannerJob {
  const schedule = compileSchedule(over.text ?? 'R/2026-01-01T00:00:00Z/PT1M', undefined, T0);
  return { name: 'j', schedule, nextDueAt: T0, concurrent: false, epsilonMs: 60_000, ...over };
}

function input(jobs: PlannerJob[], now: number, over: Partial<DuePlanInput> = {}): DuePlanInput {
  return { now, jobs, hasRun: () => false, activeRuns: () => 0, ...over };
}

describe('planDueRuns', () => {
  it('fires the occurrence that is due and moves to the next', () => {
    const plan = planDueRuns(input([job()], T0 + 5));
    assert.deepEqual(plan.fire, [{ job: 'j', dueAt: T0 }]);
    assert.deepEqual(plan.skip, []);
    assert.deepEqual(plan.advance, [{ job: 'j', nextDueAt: T0 + MIN }]);
  });

  it('fires nothing before the due time, or when the clock went backwards', () => {
    const plan = planDueRuns(input([job({ nextDueAt: T0 + MIN })], T0 + MIN - 1));
    assert.deepEqual(plan, { fire: [], skip: [], advance: [], exhausted: [] });
  });

  it('after downtime: the latest runs (on time within epsilon), older ones are superseded', () => {
    const plan = planDueRuns(input([job()], T0 + 10 * MIN + 30_000));
    assert.deepEqual(plan.fire, [{ job: 'j', dueAt: T0 + 10 * MIN, superseded: 10 }]);
    assert.equal(plan.skip.length, 10);
    assert.ok(plan.skip.every((s) => s.reason === 'missed'));
    assert.match(plan.skip[0]!.detail, /superseded by the occurrence of 2026-01-01T00:10:00.000Z/);
    assert.deepEqual(plan.advance, [{ job: 'j', nextDueAt: T0 + 11 * MIN }]);
  });

  it('a run later than epsilon still runs once (Chronos 3), marked late, and resumes after now', () => {
    const plan = planDueRuns(input([job({ epsilonMs: 10_000 })], T0 + 2 * MIN + 20_000));
    assert.deepEqual(plan.fire, [{ job: 'j', dueAt: T0 + 2 * MIN, lateMs: 20_000, superseded: 2 }]);
    assert.deepEqual(
      plan.skip.map((s) => s.dueAt),
      [T0, T0 + MIN],
    );
    assert.deepEqual(plan.advance, [{ job: 'j', nextDueAt: T0 + 3 * MIN }]);
    // One late occurrence alone, days late: it runs, nothing is superseded.
    const day = planDueRuns(input([job({ text: 'R/2026-01-01T00:00:00Z/P7D' })], T0 + 3 * 86_400_000));
    assert.deepEqual(day.fire, [{ job: 'j', dueAt: T0, lateMs: 3 * 86_400_000 }]);
    assert.deepEqual(day.skip, []);
  });

  it('a run exactly epsilon late counts as on time', () => {
    const plan = planDueRuns(input([job({ epsilonMs: 10_000 })], T0 + 10_000));
    assert.deepEqual(plan.fire, [{ job: 'j', dueAt: T0 }]);
  });

  it('records overlap when the previous run is still active and concurrent is false', () => {
    const plan = planDueRuns(input([job()], T0, { activeRuns: () => 1 }));
    assert.deepEqual(plan.fire, []);
    assert.equal(plan.skip[0]?.reason, 'overlap');
    const concurrent = planDueRuns(input([job({ concurrent: true })], T0, { activeRuns: () => 1 }));
    assert.deepEqual(concurrent.fire, [{ job: 'j', dueAt: T0 }]);
  });

  it('never fires an occurrence that already has a run record', () => {
    const plan = planDueRuns(input([job()], T0, { hasRun: (_j, at) => at === T0 }));
    assert.deepEqual(plan.fire, []);
    assert.deepEqual(plan.skip, []);
    assert.deepEqual(plan.advance, [{ job: 'j', nextDueAt: T0 + MIN }]);
  });

  it('reports a spent count (R2) as exhausted', () => {
    const j = job({ text: 'R2/2026-01-01T00:00:00Z/PT1M', nextDueAt: T0 + MIN });
    const plan = planDueRuns(input([j], T0 + MIN));
    assert.deepEqual(plan.fire, [{ job: 'j', dueAt: T0 + MIN }]);
    assert.deepEqual(plan.advance, [{ job: 'j', nextDueAt: undefined }]);
    assert.deepEqual(plan.exhausted, ['j']);
  });

  it('handles a long outage over several passes, losing nothing', () => {
    const j = job({ text: 'R/2026-01-01T00:00:00Z/PT1S', epsilonMs: 5_000 });
    const now = T0 + 2500 * 1000;
    const seen = new Set<number>();
    let next: number | undefined = T0;
    for (let pass = 0; pass < 5 && next !== undefined && next <= now; pass++) {
      const plan = planDueRuns(input([{ ...j, nextDueAt: next }], now, { maxPerJob: 1000 }));
      for (const x of [...plan.fire, ...plan.skip]) {
        assert.ok(!seen.has(x.dueAt));
        seen.add(x.dueAt);
      }
      next = plan.advance[0]?.nextDueAt;
    }
    assert.equal(seen.size, 2501);
  });
});
