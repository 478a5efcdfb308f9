import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prefersTextPlain } from './accept.js';

test('JSON unless text/plain is asked for and ranked above JSON', () => {
  assert.equal(prefersTextPlain(undefined), false);
  assert.equal(prefersTextPlain('*/*'), false, 'curl');
  assert.equal(prefersTextPlain('application/json'), false, 'python3-marathon');
  assert.equal(prefersTextPlain('text/plain'), true, 'haproxy-marathon-bridge');
  assert.equal(prefersTextPlain('text/plain, */*;q=0.1'), true);
  assert.equal(prefersTextPlain('application/json, text/plain'), false);
  assert.equal(prefersTextPlain('application/json;q=0.5, text/plain'), true);
  assert.equal(prefersTextPlain('text/plain;q=0'), false);
});
