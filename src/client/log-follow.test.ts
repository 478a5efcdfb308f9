import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TasksClient } from './cluster.js';
import { FOLLOW_WINDOW, followTaskLog, newLines, windowLines } from './log-follow.js';

test('windowLines holds back a line still being written', () => {
  assert.deepEqual(windowLines(''), { lines: [], raw: 0 });
  assert.deepEqual(windowLines('a\nb\n'), { lines: ['a', 'b'], raw: 2 });
  assert.deepEqual(windowLines('a\nb'), { lines: ['a'], raw: 2 });
});

test('newLines: exact while the window starts at the file start, overlap once it slides', () => {
  assert.deepEqual(newLines(['a', 'a'], ['a', 'a', 'a'], false), ['a']);
  assert.deepEqual(newLines(['a', 'b'], ['x'], false), ['x'], 'a replaced file is shown whole');
  assert.deepEqual(newLines(['a', 'b', 'c'], ['b', 'c', 'd', 'e'], true), ['d', 'e']);
  assert.deepEqual(newLines(['a', 'b'], ['c', 'd'], true), ['c', 'd'], 'no overlap: all new');
  assert.deepEqual(newLines(['x', 'a'], ['a', 'a'], true), ['a']);
});

test('followTaskLog prints the tail, then only lines written after it started', async () => {
  let file = 'one\ntwo\nthree\n';
  const asked: Array<number | undefined> = [];
  const tasks = {
    logs: async (_id: string, opts: { tail?: number }) => {
      asked.push(opts.tail);
      const lines = file.split('\n').slice(0, -1);
      return `${lines.slice(-(opts.tail ?? lines.length)).join('\n')}\n`;
    },
  } as unknown as TasksClient;
  const printed: string[] = [];
  const ac = new AbortController();
  const done = followTaskLog(tasks, 't1', {
    tail: 2,
    intervalMs: 5,
    signal: ac.signal,
    onLines: (l) => {
      printed.push(...l);
      if (printed.includes('five')) ac.abort();
    },
  });
  await new Promise((r) => setTimeout(r, 20));
  file += 'four\nfive\n';
  await done;
  assert.deepEqual(printed, ['two', 'three', 'four', 'five']);
  assert.ok(asked.every((t) => t === FOLLOW_WINDOW));
});
