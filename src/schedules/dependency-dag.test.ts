import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  childrenOf,
  countsForChildren,
  findCycle,
  isReady,
  rewireChildren,
  unknownParents,
} from './dependency-dag.js';

const diamond = [
  { name: 'A', parents: [] },
  { name: 'B', parents: ['A'] },
  { name: 'C', parents: ['A'] },
  { name: 'D', parents: ['B', 'C'] },
];

describe('dependency DAG', () => {
  it('finds children, unknown parents and readiness', () => {
    assert.deepEqual(childrenOf(diamond, 'A'), ['B', 'C']);
    assert.deepEqual(unknownParents({ name: 'x', parents: ['A', 'Z'] }, new Set(['A'])), ['Z']);
    assert.equal(isReady(diamond[3]!, new Set(['B'])), false);
    assert.equal(isReady(diamond[3]!, new Set(['B', 'C'])), true);
    assert.equal(isReady(diamond[0]!, new Set()), false, 'a scheduled job is never dependency-ready');
  });

  it('detects cycles and reports the path', () => {
    assert.equal(findCycle(diamond), undefined);
    const cyclic = [...diamond.slice(1), { name: 'A', parents: ['D'] }];
    const cycle = findCycle(cyclic)!;
    assert.equal(cycle[0], cycle[cycle.length - 1]);
    assert.ok(cycle.includes('A') && cycle.includes('D'));
    assert.deepEqual(findCycle([{ name: 'S', parents: ['S'] }]), ['S', 'S']);
  });

  it('softError lets a failed parent count', () => {
    assert.equal(countsForChildren('failed', false), false);
    assert.equal(countsForChildren('failed', true), true);
    assert.equal(countsForChildren('succeeded', false), true);
  });

  it('rewires children as Chronos does when a parent is deleted', () => {
    assert.deepEqual(rewireChildren({ name: 'B', parents: ['A'] }, [diamond[3]!]), [
      { name: 'D', parents: ['C', 'A'] },
    ]);
    assert.deepEqual(
      rewireChildren({ name: 'A', parents: [], schedule: 'R//PT1H', scheduleTimeZone: 'UTC' }, [diamond[1]!]),
      [{ name: 'B', schedule: 'R//PT1H', scheduleTimeZone: 'UTC' }],
    );
    // A scheduled parent's schedule goes to every child, even one with other parents (Chronos).
    assert.deepEqual(rewireChildren({ name: 'B', parents: [], schedule: 'R//PT1H' }, [diamond[3]!]), [
      { name: 'D', schedule: 'R//PT1H' },
    ]);
    // A dependent parent's parents join each child's other parents, once each.
    assert.deepEqual(
      rewireChildren({ name: 'B', parents: ['A', 'X'] }, [
        { name: 'D', parents: ['B', 'C', 'X'] },
        { name: 'E', parents: ['B'] },
      ]),
      [
        { name: 'D', parents: ['C', 'X', 'A'] },
        { name: 'E', parents: ['A', 'X'] },
      ],
    );
  });
});
