import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isTerminal, TASK_STATES, type TaskRecord } from '../../domain/task.js';
import { demandMilli } from '../../scheduler/resources.js';
import { StateRevision } from '../state-revision.js';
import { TaskIndex } from './task-index.js';

const AGENTS = ['x', 'y', 'z'];
const IDS = ['t1', 't2', 't3', 't4', 't5', 't6'];

/** What the walk over every task (the old agents/cluster-capacity.ts) finds for one agent. */
function recomputed(index: TaskIndex, agentId: string) {
  const live = [...index.values()].filter((t) => t.agentId === agentId && !isTerminal(t.state));
  const sum = (f: (t: TaskRecord) => number) => live.reduce((n, t) => n + f(t), 0);
  return {
    cpusMilli: sum((t) => demandMilli(t.resources.cpus)),
    memMilli: sum((t) => demandMilli(t.resources.mem)),
    diskMilli: sum((t) => demandMilli(t.resources.disk)),
    ports: [...new Set(live.flatMap((t) => t.ports))].sort((a, b) => a - b),
    tasks: live.length,
  };
}

function incremental(index: TaskIndex, agentId: string) {
  const u = index.usage.of(agentId);
  return {
    cpusMilli: u.cpusMilli,
    memMilli: u.memMilli,
    diskMilli: u.diskMilli,
    ports: [...u.ports].sort((a, b) => a - b),
    tasks: u.tasks,
  };
}

test('per-agent usage kept on every set, delete and clear equals the walk over every task', () => {
  const amount = fc.constantFrom(0, 0.1, 0.25, 1 / 3, 0.0005, 1, 128, 1e-9, 2.5);
  const op = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('set' as const),
        id: fc.constantFrom(...IDS),
        agentId: fc.constantFrom(...AGENTS),
        state: fc.constantFrom(...TASK_STATES),
        cpus: amount,
        mem: amount,
        disk: amount,
        // Two tasks on one agent may name the same port; a port leaves only with its last task.
        ports: fc.array(fc.constantFrom(31000, 31001, 31002, 8080), { maxLength: 3 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom(...IDS) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const index = new TaskIndex(new StateRevision());
      for (const o of ops) {
        if (o.kind === 'set') {
          const t = {
            id: o.id,
            appId: '/a',
            agentId: o.agentId,
            state: o.state,
            resources: { cpus: o.cpus, mem: o.mem, disk: o.disk },
            ports: o.ports,
          } as TaskRecord;
          index.set(o.id, t);
        } else if (o.kind === 'delete') {
          index.delete(o.id);
        } else {
          index.clear();
        }
        for (const agentId of AGENTS) {
          assert.deepEqual(incremental(index, agentId), recomputed(index, agentId), `agent ${agentId}`);
        }
      }
    }),
    { numRuns: 500 },
  );
});
