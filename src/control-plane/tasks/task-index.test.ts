import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { TaskRecord } from '../../domain/task.js';
import { StateRevision } from '../state-revision.js';
import { TaskIndex } from './task-index.js';

const task = (id: string, appId: string, agentId: string) =>
  ({
    id,
    appId,
    agentId,
    state: 'TASK_RUNNING',
    resources: { cpus: 0.1, mem: 32, disk: 0 },
    ports: [],
  }) as unknown as TaskRecord;

// A task never changes app or agent in the master, but the index must stay right if one did.
const sorted = (ts: TaskRecord[]) => ts.map((t) => t.id).sort();

for (const moving of [false, true]) {
  test(`the indexes list what filtering the whole map lists${moving ? ' (tasks moving: as sets)' : ', in its order'}`, () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        id: fc.constantFrom('t1', 't2', 't3', 't4', 't5'),
        app: fc.constantFrom('/a', '/b'),
        agent: fc.constantFrom('x', 'y', 'z'),
      }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom('t1', 't2', 't3', 't4', 't5') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const index = new TaskIndex(new StateRevision());
        for (const o of ops) {
          if (o.kind === 'set' && moving) index.set(o.id, task(o.id, o.app, o.agent));
          else if (o.kind === 'set')
            index.set(o.id, task(o.id, o.id < 't3' ? '/a' : '/b', o.id < 't2' ? 'x' : 'y'));
          else index.delete(o.id);
        }
        const all = [...index.values()];
        const same = (a: TaskRecord[], b: TaskRecord[]) =>
          moving ? assert.deepEqual(sorted(a), sorted(b)) : assert.deepEqual(a, b);
        for (const app of ['/a', '/b'])
          same(
            index.ofApp(app),
            all.filter((t) => t.appId === app),
          );
        for (const agent of ['x', 'y', 'z'])
          same(
            index.onAgent(agent),
            all.filter((t) => t.agentId === agent),
          );
      }),
      { numRuns: 300 },
    );
  });
}
