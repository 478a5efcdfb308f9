import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSafeAppId, parsePathAppId } from './path-app-id.js';

test('path ids are made absolute and canonical', () => {
  assert.equal(parsePathAppId('web'), '/web');
  assert.equal(parsePathAppId('/group/web/'), '/group/web');
  assert.equal(parsePathAppId('group//web'), '/group/web');
});

test('dot segments, bad characters and empty ids are 400s, however written', () => {
  for (const raw of ['/../x', '../x', '/a/../../b', 'a/../b', 'a/./b', '.', '', '/', 'Web', 'a b', 'a_b']) {
    assert.throws(
      () => parsePathAppId(raw),
      (e: { status?: number }) => e.status === 400,
      raw,
    );
  }
});

test('ids from validated bodies must be absolute and canonical', () => {
  assert.doesNotThrow(() => assertSafeAppId('/a/b'));
  for (const id of ['a/b', '/a/../b', '/a/./b', '/a//b']) {
    assert.throws(
      () => assertSafeAppId(id),
      (e: { status?: number }) => e.status === 422,
      id,
    );
  }
});
