import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { KillSelection, UpgradeStrategy } from '../domain/app.js';
import { isTerminal } from '../domain/task.js';
import {
  isKilling,
  isServing,
  mayBeDone,
  type RolloutApp,
  type RolloutTask,
  rollingStep,
  rolloutBounds,
} from './rolling-replacement.js';

function task(id: string, over: Partial<RolloutTask> = {}): RolloutTask {
  return {
    id,
    current: false,
    state: 'TASK_RUNNING',
    stagedAt: 0,
    killRequested: false,
    healthy: true,
    ...over,
  };
}

function app(over: Partial<RolloutApp> & { tasks: RolloutTask[] }): RolloutApp {
  return {
    instances: 3,
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
    killSelection: 'YOUNGEST_FIRST',
    hasHealthChecks: true,
    hasReadinessChecks: false,
    ...over,
  };
}

const olds = (k: number, over: Partial<RolloutTask> = {}) =>
  Array.from({ length: k }, (_, i) => task(`old-${i}`, { stagedAt: i, ...over }));
const news = (k: number, over: Partial<RolloutTask> = {}) =>
  Array.from({ length: k }, (_, i) => task(`new-${i}`, { current: true, stagedAt: 100 + i, ...over }));

describe('rolloutBounds', () => {
  it('is ceil(n*mHC) and floor(n*(1+mOC)), one extra when they are equal', () => {
    assert.deepEqual(rolloutBounds(3, { minimumHealthCapacity: 1, maximumOverCapacity: 1 }), {
      minHealthy: 3,
      maxRunning: 6,
    });
    assert.deepEqual(rolloutBounds(3, { minimumHealthCapacity: 1, maximumOverCapacity: 0 }), {
      minHealthy: 3,
      maxRunning: 4,
    });
    assert.deepEqual(rolloutBounds(4, { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 }), {
      minHealthy: 2,
      maxRunning: 4,
    });
  });

  it('ignores float noise: 70% of 10 is 7, 110% of 10 is 11', () => {
    assert.equal(rolloutBounds(10, { minimumHealthCapacity: 0.7, maximumOverCapacity: 0 }).minHealthy, 7);
    assert.equal(rolloutBounds(10, { minimumHealthCapacity: 0, maximumOverCapacity: 0.1 }).maxRunning, 11);
  });
});

describe('rollingStep examples', () => {
  it('1/1: launches n new at once and keeps every old task until new ones serve', () => {
    const s = rollingStep(app({ tasks: olds(3) }));
    assert.equal(s.launch, 3);
    assert.deepEqual(s.kill, []);
    assert.equal(s.done, false);
  });

  it('1/0: one new task at a time (the extra slot), an old one goes when it serves', () => {
    const strategy = { minimumHealthCapacity: 1, maximumOverCapacity: 0 };
    assert.equal(rollingStep(app({ upgradeStrategy: strategy, tasks: olds(3) })).launch, 1);
    const staging = news(1, { state: 'TASK_STAGING', healthy: undefined });
    const waiting = rollingStep(app({ upgradeStrategy: strategy, tasks: [...olds(3), ...staging] }));
    assert.deepEqual([waiting.launch, waiting.kill.length], [0, 0]);
    const serving = rollingStep(app({ upgradeStrategy: strategy, tasks: [...olds(3), ...news(1)] }));
    assert.equal(serving.launch, 0);
    assert.equal(serving.kill.length, 1);
    assert.equal(serving.kill[0]?.reason, 'replaced');
  });

  it('0.5/0: halves the old tasks at once, then refills', () => {
    const strategy = { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 };
    const s = rollingStep(app({ instances: 4, upgradeStrategy: strategy, tasks: olds(4) }));
    assert.equal(s.kill.length, 2);
    assert.equal(s.launch, 0, 'killed tasks still hold their slots');
    const freed = olds(4).map((t, i) => (i >= 2 ? { ...t, state: 'TASK_KILLED' as const } : t));
    assert.equal(rollingStep(app({ instances: 4, upgradeStrategy: strategy, tasks: freed })).launch, 2);
  });

  it('never kills old tasks for new ones that do not serve', () => {
    const s = rollingStep(app({ tasks: [...olds(3), ...news(3, { healthy: false })] }));
    assert.deepEqual(s.kill, []);
    assert.equal(s.launch, 0);
  });

  it('does not count an old task in its health grace period as spare', () => {
    const s = rollingStep(app({ tasks: olds(3, { healthy: undefined }) }));
    assert.deepEqual(s.kill, []);
  });

  it('needs readiness for new tasks only', () => {
    const tasks = [...olds(1), ...news(1, { ready: false })];
    const s = rollingStep(app({ instances: 1, hasReadinessChecks: true, tasks }));
    assert.deepEqual(s.kill, []);
    const ready = [...olds(1), ...news(1, { ready: true })];
    assert.equal(rollingStep(app({ instances: 1, hasReadinessChecks: true, tasks: ready })).kill.length, 1);
  });

  it('scales down by killSelection, tasks serving nobody first', () => {
    const tasks = [...news(4), task('sick', { current: true, healthy: false, stagedAt: 0 })];
    const s = rollingStep(app({ instances: 2, tasks }));
    assert.deepEqual(
      s.kill.map((k) => k.taskId),
      ['sick', 'new-3', 'new-2'],
    );
    assert.ok(s.kill.every((k) => k.reason === 'scale-down'));
  });

  it('is done with exactly n current serving tasks and nothing being killed', () => {
    assert.equal(rollingStep(app({ tasks: news(3) })).done, true);
    assert.equal(rollingStep(app({ tasks: [...news(3), task('k', { killRequested: true })] })).done, false);
    assert.equal(rollingStep(app({ tasks: news(3, { healthy: undefined }) })).done, false);
    assert.equal(
      rollingStep(app({ hasHealthChecks: false, tasks: news(3, { healthy: undefined }) })).done,
      true,
    );
    assert.equal(rollingStep(app({ instances: 0, tasks: [] })).done, true);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests: a small world around the step function. Each tick the world moves (staging
// tasks start, killed tasks exit, health changes as the scenario says), then the step runs and
// its launches and kills are applied. The invariants are checked on every step.

interface World {
  tasks: RolloutTask[];
  seq: number;
}

interface Scenario {
  n: number;
  old: number;
  strategy: UpgradeStrategy;
  killSelection: KillSelection;
  hasHealthChecks: boolean;
  hasReadinessChecks: boolean;
  /** Random draws (0..999) that decide the world's moves. */
  draws: number[];
}

type Health = (t: RolloutTask, draw: number) => { healthy?: boolean; ready?: boolean };

const scenarioArb = fc.record({
  n: fc.integer({ min: 0, max: 8 }),
  old: fc.integer({ min: 0, max: 10 }),
  strategy: fc.record({
    minimumHealthCapacity: fc.oneof(fc.constantFrom(0, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true })),
    maximumOverCapacity: fc.oneof(fc.constantFrom(0, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true })),
  }),
  killSelection: fc.constantFrom<KillSelection>('YOUNGEST_FIRST', 'OLDEST_FIRST'),
  hasHealthChecks: fc.boolean(),
  hasReadinessChecks: fc.boolean(),
  draws: fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 50, maxLength: 400 }),
});

function rolloutOf(s: Scenario, w: World): RolloutApp {
  return {
    instances: s.n,
    upgradeStrategy: s.strategy,
    killSelection: s.killSelection,
    hasHealthChecks: s.hasHealthChecks,
    hasReadinessChecks: s.hasReadinessChecks,
    tasks: w.tasks,
  };
}

/**
 * Runs `ticks` ticks; `progress` is the chance (per mille) that a staging task starts or a killed
 * one exits in a tick. Returns the tick at which the step reported done, or undefined.
 */
function run(
  s: Scenario,
  ticks: number,
  health: Health,
  progress: number,
  check: (before: RolloutApp, step: ReturnType<typeof rollingStep>) => void,
): number | undefined {
  const w: World = { tasks: [], seq: 0 };
  for (let i = 0; i < s.old; i++) {
    w.tasks.push({
      id: `old-${i}`,
      current: false,
      state: 'TASK_RUNNING',
      stagedAt: i,
      killRequested: false,
      healthy: true,
    });
  }
  let d = 0;
  const draw = () => s.draws[d++ % s.draws.length]!;
  for (let tick = 0; tick < ticks; tick++) {
    // Fairness: a start or kill takes a random while but does finish. Without it, a cyclic draw
    // sequence can starve one task forever, which no agent does and no strategy can outrun.
    const fair = tick % 50 === 49;
    w.tasks = w.tasks
      .map((t) => {
        if (isTerminal(t.state)) return t;
        if (isKilling(t)) return fair || draw() < progress ? { ...t, state: 'TASK_KILLED' as const } : t;
        if (t.state === 'TASK_STAGING')
          return fair || draw() < progress ? { ...t, state: 'TASK_RUNNING' as const } : t;
        return { ...t, ...health(t, draw()) };
      })
      .filter((t) => !isTerminal(t.state));
    const before = rolloutOf(s, w);
    const step = rollingStep(before);
    check(before, step);
    if (step.done) return tick;
    const killed = new Set(step.kill.map((k) => k.taskId));
    w.tasks = w.tasks.map((t) => (killed.has(t.id) ? { ...t, killRequested: true } : t));
    for (let i = 0; i < step.launch; i++) {
      w.seq += 1;
      w.tasks.push({
        id: `new-${w.seq}`,
        current: true,
        state: 'TASK_STAGING',
        stagedAt: 1000 + tick,
        killRequested: false,
      });
    }
  }
  return undefined;
}

function checkBounds(before: RolloutApp, step: ReturnType<typeof rollingStep>): void {
  const { minHealthy, maxRunning } = rolloutBounds(before.instances, before.upgradeStrategy);
  if (step.done) assert.ok(mayBeDone(before.instances, before.tasks), 'done implies mayBeDone');
  const occupying = before.tasks.filter((t) => !isTerminal(t.state)).length;
  if (step.launch > 0) {
    assert.ok(occupying + step.launch <= maxRunning, `runs ${occupying}+${step.launch} > ${maxRunning}`);
  }
  const killed = new Set(step.kill.map((k) => k.taskId));
  assert.equal(killed.size, step.kill.length, 'a task is killed once');
  for (const id of killed) {
    const t = before.tasks.find((x) => x.id === id);
    assert.ok(t && !isKilling(t) && !isTerminal(t.state), 'only live tasks are killed');
  }
  const servingBefore = before.tasks.filter((t) => isServing(t, before)).length;
  const servingAfter = before.tasks.filter((t) => !killed.has(t.id) && isServing(t, before)).length;
  assert.ok(
    servingAfter >= Math.min(minHealthy, servingBefore),
    `serving ${servingBefore} -> ${servingAfter}, minimum ${minHealthy}`,
  );
}

describe('rollingStep properties', () => {
  it('for any strategy, n and health sequence: never over the maximum, never below the minimum', () => {
    // Health flips at random for every task, old and new.
    const flaky: Health = (_t, r) => ({ healthy: r % 3 !== 0, ready: r % 5 !== 0 });
    fc.assert(
      fc.property(scenarioArb, (s) => {
        run(s, 80, flaky, 500, checkBounds);
      }),
      { numRuns: 300 },
    );
  });

  it('finishes once new tasks become healthy and ready', () => {
    const healthy: Health = () => ({ healthy: true, ready: true });
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const limit = 4 * (s.n + s.old) + 8;
        const doneAt = run(s, limit, healthy, 1000, checkBounds);
        assert.notEqual(doneAt, undefined, `not done within ${limit} ticks`);
      }),
      { numRuns: 300 },
    );
  });

  it('finishes even when kills and starts take a random while', () => {
    const healthy: Health = () => ({ healthy: true, ready: true });
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const doneAt = run(s, 2000, healthy, 300, checkBounds);
        assert.notEqual(doneAt, undefined);
      }),
      { numRuns: 100 },
    );
  });

  it('a new version that never becomes healthy never takes the old tasks below the minimum', () => {
    const broken: Health = (t) => (t.current ? { healthy: false, ready: false } : { healthy: true });
    fc.assert(
      fc.property(
        scenarioArb.filter((s) => s.n > 0 && s.hasHealthChecks),
        (s) => {
          const { minHealthy } = rolloutBounds(s.n, s.strategy);
          let oldLow = Number.POSITIVE_INFINITY;
          const doneAt = run(s, 60, broken, 700, (before, step) => {
            checkBounds(before, step);
            const killed = new Set(step.kill.map((k) => k.taskId));
            const oldServing = before.tasks.filter(
              (t) => !t.current && !killed.has(t.id) && isServing(t, before),
            ).length;
            oldLow = Math.min(oldLow, oldServing);
          });
          assert.equal(doneAt, undefined, 'never done');
          assert.ok(oldLow >= Math.min(minHealthy, s.old), `old serving fell to ${oldLow}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});
