import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ID_MESSAGES, parentGroup, resolveAppId } from './app-id.js';

const ok = (raw: string, base?: string) => {
  const r = resolveAppId(raw, base);
  assert.ok(r.ok, `${raw} should resolve: ${JSON.stringify(r)}`);
  return r.id;
};
const errors = (raw: string, base?: string) => {
  const r = resolveAppId(raw, base);
  assert.ok(!r.ok, `${raw} should be refused`);
  return r.errors;
};

test('relative ids are made absolute against the base group', () => {
  assert.equal(ok('web'), '/web');
  assert.equal(ok('web', '/prod'), '/prod/web');
  assert.equal(ok('a/b', '/prod/'), '/prod/a/b');
});

test('slashes are normalised: trailing and doubled slashes disappear', () => {
  assert.equal(ok('/a/b/'), '/a/b');
  assert.equal(ok('//a//b'), '/a/b');
});

test('. and .. resolve in relative ids', () => {
  assert.equal(ok('./web', '/prod'), '/prod/web');
  assert.equal(ok('../web', '/prod/eu'), '/prod/web');
  assert.equal(ok('a/../b', '/'), '/b');
});

test('an id that climbs above the root is refused', () => {
  assert.deepEqual(errors('../x'), [ID_MESSAGES.escapesRoot]);
  assert.deepEqual(errors('a/../../b'), [ID_MESSAGES.escapesRoot]);
  assert.deepEqual(errors('../../x', '/prod'), [ID_MESSAGES.escapesRoot]);
});

test('. or .. in an absolute id is refused', () => {
  assert.deepEqual(errors('/../x'), [ID_MESSAGES.dotsInAbsolute]);
  assert.deepEqual(errors('/a/../../b'), [ID_MESSAGES.dotsInAbsolute]);
  assert.deepEqual(errors('/a/./b'), [ID_MESSAGES.dotsInAbsolute]);
  assert.deepEqual(errors('/a/..'), [ID_MESSAGES.dotsInAbsolute]);
});

test("segments follow Marathon's id rule", () => {
  for (const bad of [
    'a b',
    'a#$%^&*b',
    '-dash-at-start',
    'dash-at-end-',
    'uppercaseNoGood',
    'under_score',
    'a..b',
  ]) {
    assert.deepEqual(errors(`/${bad}`), [ID_MESSAGES.segment], bad);
  }
  for (const good of ['a', '0', 'a-b', 'a.b', 'my-app.v2', 'x1-2-3'])
    assert.equal(ok(`/g/${good}`), `/g/${good}`);
});

test('the message quotes the pattern as Marathon does', () => {
  assert.equal(
    ID_MESSAGES.segment,
    "must fully match regular expression '^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])$'",
  );
});

test('empty ids and the root are refused', () => {
  assert.deepEqual(errors(''), [ID_MESSAGES.empty]);
  assert.deepEqual(errors('/'), [ID_MESSAGES.empty]);
  assert.deepEqual(errors('a/..'), [ID_MESSAGES.empty]);
});

test('ids may not end with a reserved sub-resource name', () => {
  assert.deepEqual(errors('/a/tasks'), [ID_MESSAGES.reserved]);
  assert.deepEqual(errors('/versions'), [ID_MESSAGES.reserved]);
  assert.equal(ok('/restart/a'), '/restart/a');
});

test('parentGroup', () => {
  assert.equal(parentGroup('/a/b'), '/a');
  assert.equal(parentGroup('/a'), '/');
});
