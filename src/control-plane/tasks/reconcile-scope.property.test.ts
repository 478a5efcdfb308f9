/**
 * The incremental reconcile pass against the full one: over random apps, tasks, phases and
 * changes, planning only the apps appsToVisit names gives exactly the plan of planning every app,
 * pass after pass, when each pass's plan is carried out as the master does (kills marked,
 * launches placed or left waiting) and every write notes its app (AppChanges).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { TaskState } from '../../domain/task.js';
import {
  planReconcile,
  type ReconcileApp,
  type ReconcilePhase,
  type ReconcileTask,
} from '../../scheduler/reconcile-plan.js';
import type { AppPhase } from '../deployments/deployments-state.js';
import { AppChanges, appsToVisit, FULL_SWEEP_MS } from './reconcile-scope.js';

const STATES: TaskState[] = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FAILED'];
const PHASES: ReconcilePhase[] = ['steady', 'rolling', 'frozen'];

type Change =
  | { kind: 'instances'; app: number; n: number }
  | { kind: 'state'; app: number; task: number; state: TaskState; healthy: boolean | undefined }
  | { kind: 'remove'; app: number; task: number }
  | { kind: 'config'; app: number }
  | { kind: 'phase'; app: number; phase: ReconcilePhase }
  | { kind: 'delay'; app: number; until: number | undefined };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('instances' as const), app: fc.nat(5), n: fc.nat(6) }),
  fc.record({
    kind: fc.constant('state' as const),
    app: fc.nat(5),
    task: fc.nat(8),
    state: fc.constantFrom(...STATES),
    healthy: fc.constantFrom(true, false, undefined),
  }),
  fc.record({ kind: fc.constant('remove' as const), app: fc.nat(5), task: fc.nat(8) }),
  fc.record({ kind: fc.constant('config' as const), app: fc.nat(5) }),
  fc.record({ kind: fc.constant('phase' as const), app: fc.nat(5), phase: fc.constantFrom(...PHASES) }),
  fc.record({
    kind: fc.constant('delay' as const),
    app: fc.nat(5),
    until: fc.constantFrom(undefined, 50, 5_000),
  }),
);

const scenario = fc.record({
  apps: fc.array(
    fc.record({
      instances: fc.nat(5),
      phase: fc.constantFrom(...PHASES),
      minimumHealthCapacity: fc.constantFrom(0, 0.5, 1),
      maximumOverCapacity: fc.constantFrom(0, 0.5, 1),
      youngestFirst: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  // Per pass: the changes before it, and how many of each launch get placed (the rest wait).
  passes: fc.array(fc.record({ changes: fc.array(change, { maxLength: 6 }), placeEvery: fc.nat(3) }), {
    minLength: 1,
    maxLength: 8,
  }),
});

describe('incremental reconcile scope (reconcile-scope.ts)', () => {
  it('plans the same as a full pass, pass after pass', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const changes = new AppChanges();
        let seq = 0;
        const apps: ReconcileApp[] = sc.apps.map((a, i) => ({
          id: `/app-${i}`,
          instances: a.instances,
          configVersion: 'c1',
          killSelection: a.youngestFirst ? 'YOUNGEST_FIRST' : 'OLDEST_FIRST',
          upgradeStrategy: {
            minimumHealthCapacity: a.minimumHealthCapacity,
            maximumOverCapacity: a.maximumOverCapacity,
          },
          phase: a.phase,
          tasks: [],
        }));
        for (const a of apps) changes.touch(a.id);
        const waiting = new Set<string>();
        // As deployments-state.ts gives them: steady apps are absent.
        const phasesOf = () =>
          new Map<string, AppPhase>(
            apps.flatMap((a) => (a.phase && a.phase !== 'steady' ? [[a.id, a.phase] as const] : [])),
          );
        const setTasks = (app: ReconcileApp, tasks: ReconcileTask[]) => {
          app.tasks = tasks;
          changes.touch(app.id);
        };
        let lastFullAt: number | undefined;
        let mark = 0;
        let phasesBefore = new Map<string, AppPhase>();
        // Time stays within one sweep: only the scope decides what is visited.
        const now = 100;
        for (const pass of sc.passes) {
          for (const c of pass.changes) {
            const app = apps[c.app % apps.length]!;
            switch (c.kind) {
              case 'instances':
                app.instances = c.n;
                changes.touch(app.id);
                break;
              case 'config':
                app.configVersion = `c${++seq}`;
                changes.touch(app.id);
                break;
              case 'phase':
                app.phase = c.phase;
                break;
              case 'delay':
                // A delay starts or ends with a task's end, or a reset through the API: both write.
                if (c.until === undefined) delete app.delayedUntil;
                else app.delayedUntil = c.until;
                changes.touch(app.id);
                break;
              case 'state': {
                const t = app.tasks[c.task % Math.max(1, app.tasks.length)];
                if (!t) break;
                setTasks(
                  app,
                  app.tasks.map((x) =>
                    x === t
                      ? {
                          ...t,
                          state: c.state,
                          ...(c.healthy !== undefined ? { healthy: c.healthy } : {}),
                        }
                      : x,
                  ),
                );
                break;
              }
              case 'remove': {
                const t = app.tasks[c.task % Math.max(1, app.tasks.length)];
                if (t)
                  setTasks(
                    app,
                    app.tasks.filter((x) => x !== t),
                  );
                break;
              }
            }
          }

          const phases = phasesOf();
          const newMark = changes.mark();
          const scope = appsToVisit({
            now,
            lastFullAt,
            changed: changes.since(mark),
            waiting,
            phases,
            phasesBefore,
          });
          if (scope === 'all') lastFullAt = now;
          mark = newMark;
          phasesBefore = phases;

          const full = planReconcile(apps, now);
          const visited = apps.filter((a) => scope === 'all' || scope.has(a.id));
          assert.deepEqual(planReconcile(visited, now), full);

          // Carried out as the master does: kills marked, launches placed (some), the rest wait.
          for (const k of full.kill) {
            const app = apps.find((a) => a.id === k.appId)!;
            setTasks(
              app,
              app.tasks.map((t) => (t.id === k.taskId ? { ...t, killRequested: true } : t)),
            );
          }
          const stillWaiting = new Set<string>(full.delayed.map((d) => d.appId));
          for (const l of full.launch) {
            const app = apps.find((a) => a.id === l.appId)!;
            const placed = pass.placeEvery === 0 ? 0 : Math.ceil(l.count / pass.placeEvery);
            if (placed < l.count) stillWaiting.add(app.id);
            if (placed === 0) continue;
            const fresh = Array.from({ length: placed }, () => ({
              id: `t${++seq}`,
              version: 'v',
              configVersion: app.configVersion,
              state: 'TASK_STAGING' as TaskState,
              stagedAt: seq,
              killRequested: false,
              hasHealthChecks: false,
            }));
            setTasks(app, [...app.tasks, ...fresh]);
          }
          for (const id of [...waiting]) if (!stillWaiting.has(id)) waiting.delete(id);
          for (const id of stillWaiting) waiting.add(id);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('visits every app once a sweep is due, and only what changed before', () => {
    const base = { changed: ['/a'], waiting: ['/b'], phases: new Map(), phasesBefore: new Map() };
    assert.equal(appsToVisit({ ...base, now: 0, lastFullAt: undefined }), 'all');
    assert.equal(appsToVisit({ ...base, now: FULL_SWEEP_MS, lastFullAt: 0 }), 'all');
    const some = appsToVisit({
      ...base,
      now: 1,
      lastFullAt: 0,
      phases: new Map<string, AppPhase>([['/c', 'rolling']]),
      phasesBefore: new Map<string, AppPhase>([['/d', 'frozen']]),
    });
    assert.deepEqual(some === 'all' ? some : [...some].sort(), ['/a', '/b', '/c', '/d']);
  });
});
