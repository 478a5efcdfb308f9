import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangedRoutes } from './route-changes.js';

test('notes changed apps and tasks until taken; then starts empty', () => {
  const c = new ChangedRoutes();
  assert.equal(c.empty, true);
  c.app('/a');
  c.task('a.1', '/a');
  c.task('a.1', '/a');
  assert.equal(c.empty, false);
  const taken = c.take(() => ['/a', '/b']);
  assert.deepEqual([...taken.apps], ['/a']);
  assert.deepEqual([...taken.tasks], [['a.1', '/a']]);
  assert.equal(c.empty, true);
});

test('past its bound it notes "everything": every app, no task list (a standby that never takes them)', () => {
  const c = new ChangedRoutes();
  for (let i = 0; i <= 100_000; i++) c.task(`a.${i}`, '/a');
  c.app('/gone');
  const taken = c.take(() => ['/a', '/b']);
  assert.deepEqual([...taken.apps].sort(), ['/a', '/b', '/gone']);
  assert.equal(taken.tasks.size, 0);
  assert.equal(c.empty, true);
});
