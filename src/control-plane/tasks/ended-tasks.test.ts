import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EndedTasks } from './ended-tasks.js';

test('remembers the agent of an ended task', () => {
  const ended = new EndedTasks(3);
  ended.remember('web.1', 'agent-a');
  ended.remember('web.2', 'agent-b');
  assert.equal(ended.agentOf('web.1'), 'agent-a');
  assert.equal(ended.agentOf('web.2'), 'agent-b');
  assert.equal(ended.agentOf('web.3'), undefined);
});

test('keeps only the most recently ended tasks', () => {
  const ended = new EndedTasks(2);
  ended.remember('web.1', 'a');
  ended.remember('web.2', 'a');
  ended.remember('web.3', 'b');
  assert.equal(ended.size, 2);
  assert.equal(ended.agentOf('web.1'), undefined, 'the oldest is dropped');
  assert.equal(ended.agentOf('web.3'), 'b');
});

test('remembering a task again makes it the newest', () => {
  const ended = new EndedTasks(2);
  ended.remember('web.1', 'a');
  ended.remember('web.2', 'a');
  ended.remember('web.1', 'b');
  ended.remember('web.3', 'a');
  assert.equal(ended.agentOf('web.1'), 'b');
  assert.equal(ended.agentOf('web.2'), undefined);
});

test('a capacity of 0 remembers nothing; a negative one is refused', () => {
  const ended = new EndedTasks(0);
  ended.remember('web.1', 'a');
  assert.equal(ended.agentOf('web.1'), undefined);
  assert.throws(() => new EndedTasks(-1), RangeError);
});

test('property: never more than capacity entries, and the last `capacity` distinct ids are all kept', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 200 }),
      (cap, ids) => {
        const ended = new EndedTasks(cap);
        for (const [i, n] of ids.entries()) ended.remember(`t.${n}`, `agent-${i}`);
        assert.ok(ended.size <= cap);
        const recent: number[] = [];
        for (let i = ids.length - 1; i >= 0 && recent.length < cap; i--) {
          if (!recent.includes(ids[i]!)) recent.push(ids[i]!);
        }
        for (const n of recent) {
          assert.equal(ended.agentOf(`t.${n}`), `agent-${ids.lastIndexOf(n)}`);
        }
      },
    ),
  );
});
