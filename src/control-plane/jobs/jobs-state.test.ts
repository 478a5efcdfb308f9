import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type JobDefinition, type StoredJob, ZERO_COUNTERS } from '../../domain/job.js';
import { parseJob } from '../../domain/job-validate.js';
import { childrenOf } from '../../schedules/dependency-dag.js';
import { JobsState } from './jobs-state.js';

function stored(name: string, parents: string[]): StoredJob {
  const spec = parents.length
    ? parseJob({ name, command: 'true', parents }, 'dependency')
    : parseJob({ name, command: 'true', schedule: 'R/2030-01-01T00:00:00Z/PT1H' }, 'iso8601');
  const job: JobDefinition = { ...spec, ...ZERO_COUNTERS };
  return { job, anchorAt: 0, ...(parents.length ? {} : { nextDueAt: 0 }) };
}

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('jobs state: children by parent', () => {
  test('follows writes, counter updates, parent changes and deletes', () => {
    const s = new JobsState();
    s.byName.set('a', stored('a', []));
    s.byName.set('b', stored('b', ['a']));
    s.byName.set('c', stored('c', ['a', 'b']));
    assert.deepEqual(sorted(s.childrenOf('a')), ['b', 'c']);
    assert.deepEqual(s.childrenOf('b'), ['c']);
    const b = s.byName.get('b')!;
    s.byName.set('b', { ...b, job: { ...b.job, successCount: 3 } });
    assert.deepEqual(sorted(s.childrenOf('a')), ['b', 'c']);
    s.byName.set('c', stored('c', ['b']));
    assert.deepEqual(s.childrenOf('a'), ['b']);
    s.forget('b');
    assert.deepEqual(s.childrenOf('a'), []);
    assert.deepEqual(s.childrenOf('b'), ['c'], 'a child naming a gone parent still names it');
  });

  test('agrees with the filter over every job after any sequence of writes and deletes', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        name: fc.constantFrom(...names),
        parents: fc.uniqueArray(fc.constantFrom(...names), { maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('forget' as const), name: fc.constantFrom(...names) }),
      fc.record({ kind: fc.constant('ask' as const), name: fc.constantFrom(...names) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const s = new JobsState();
        for (const o of ops) {
          if (o.kind === 'set')
            s.byName.set(
              o.name,
              stored(
                o.name,
                o.parents.filter((p) => p !== o.name),
              ),
            );
          else if (o.kind === 'forget') s.forget(o.name);
          else s.childrenOf(o.name);
        }
        const all = [...s.byName.values()].map((j) => j.job);
        for (const n of names) assert.deepEqual(sorted(s.childrenOf(n)), sorted(childrenOf(all, n)));
      }),
      { numRuns: 300 },
    );
  });
});
