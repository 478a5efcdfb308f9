import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  constraintPattern,
  constraintProblem,
  CONSTRAINT_MESSAGES as M,
  normalizeConstraints,
} from './constraint-rules.js';
import { Issues } from './validation-issues.js';

test('all seven operators accept their valid forms', () => {
  for (const c of [
    ['hostname', 'UNIQUE'],
    ['rack_id', 'CLUSTER', 'rack-1'],
    ['rack_id', 'GROUP_BY'],
    ['rack_id', 'GROUP_BY', '3'],
    ['rack_id', 'LIKE', 'rack-[1-3]'],
    ['rack_id', 'UNLIKE', 'rack-[7-9]'],
    ['rack_id', 'MAX_PER', '2'],
    ['os', 'IS', 'linux'],
  ]) {
    assert.equal(constraintProblem(c), undefined, JSON.stringify(c));
  }
});

test("Marathon's messages for invalid constraints", () => {
  const cases: [string[], string][] = [
    [['hostname'], M.arity],
    [['hostname', 'UNIQUE', 'a', 'b'], M.arity],
    [['', 'UNIQUE'], M.missingField],
    [['hostname', 'unique'], M.operator],
    [['hostname', 'NEAR'], M.operator],
    [['hostname', 'UNIQUE', 'x'], M.valueNotUsed],
    [['hostname', 'CLUSTER'], M.missingValue],
    [['hostname', 'CLUSTER', ''], M.missingValue],
    [['os', 'IS'], M.missingValue],
    [['rack', 'GROUP_BY', 'three'], M.groupByNumber],
    [['rack', 'MAX_PER'], M.maxPerNumber],
    [['rack', 'MAX_PER', '2.5'], M.maxPerNumber],
    [['rack', 'MAX_PER', '99999999999'], M.maxPerNumber],
    [['rack', 'LIKE'], M.regexMissing],
    [['rack', 'UNLIKE'], M.regexMissing],
    [['rack', 'LIKE', '[a-'], "'[a-' is not a valid regular expression"],
  ];
  for (const [c, message] of cases) assert.equal(constraintProblem(c), message, JSON.stringify(c));
});

test('LIKE patterns match the whole value, like Java String.matches', () => {
  const re = constraintPattern('rack-[1-3]');
  assert.ok(re?.test('rack-2'));
  assert.ok(!re?.test('rack-22'));
  assert.ok(!re?.test('my-rack-2'));
  assert.ok(constraintPattern('a|b')?.test('b'));
});

test('normalizeConstraints reports at /constraints(i) and drops duplicates', () => {
  const issues = new Issues();
  const out = normalizeConstraints(
    [
      ['hostname', 'UNIQUE'],
      ['hostname', 'UNIQUE'],
      ['rack', 'MAX_PER', 'x'],
    ],
    issues,
  );
  assert.deepEqual(out, [['hostname', 'UNIQUE']]);
  assert.deepEqual(issues.details(), [{ path: '/constraints(2)', errors: [M.maxPerNumber] }]);
});
