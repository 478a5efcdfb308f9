import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicates, Issues, marathonPath, showNumber } from './validation-issues.js';

test('marathonPath writes array elements as (i) and keeps object keys, even numeric ones', () => {
  const root = { constraints: [['a', 'B', 'c']], env: { '0': 'x', 'a/b': 'y' }, healthChecks: [{ port: 1 }] };
  assert.equal(marathonPath('', root), '/');
  assert.equal(marathonPath('/constraints/0/2', root), '/constraints(0)(2)');
  assert.equal(marathonPath('/healthChecks/0/port', root), '/healthChecks(0)/port');
  assert.equal(marathonPath('/env/0', root), '/env/0');
  assert.equal(marathonPath('/env/a~1b', root), '/env/a/b');
});

test('Issues groups errors by path, without repeats, under a prefix', () => {
  const issues = new Issues('/apps(1)');
  issues.add('/', 'a');
  issues.add('/cpus', 'b');
  issues.add('/cpus', 'b');
  issues.add('/cpus', 'c');
  assert.deepEqual(issues.details(), [
    { path: '/apps(1)', errors: ['a'] },
    { path: '/apps(1)/cpus', errors: ['b', 'c'] },
  ]);
});

test('showNumber prints doubles the way Scala does', () => {
  assert.equal(showNumber(-3, false), '-3.0');
  assert.equal(showNumber(-3, true), '-3');
  assert.equal(showNumber(1.2, false), '1.2');
});

test('duplicates', () => {
  assert.deepEqual(duplicates([1, 2, 1, 3, 2, 1]), [1, 2]);
  assert.deepEqual(duplicates([]), []);
});
