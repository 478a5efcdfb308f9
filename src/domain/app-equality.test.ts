import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isScaleOnly, jsonEqual, sameDefinition } from './app-equality.js';
import { parseAppDefinition } from './app-validate.js';
import { stampVersion } from './app-version.js';

const base = parseAppDefinition({ id: '/web', cmd: 'a', instances: 2 });
const t1 = '2024-05-01T10:00:00.000Z';
const t2 = '2024-05-01T11:00:00.000Z';
const t3 = '2024-05-01T12:00:00.000Z';

test('sameDefinition ignores version and versionInfo only', () => {
  const a = stampVersion(base, t1);
  const b = stampVersion(base, t2);
  assert.ok(sameDefinition(a, b));
  assert.ok(sameDefinition(a, base));
  assert.ok(!sameDefinition(a, { ...base, cmd: 'b' }));
  assert.ok(!sameDefinition(a, { ...base, instances: 3 }));
  assert.ok(!sameDefinition(base, { ...base, env: { A: '1' } }));
});

test('a JSON round trip (undefined keys dropped) is still the same definition', () => {
  const withUndefined = { ...base, user: undefined };
  assert.ok(sameDefinition(withUndefined, JSON.parse(JSON.stringify(withUndefined))));
});

test('isScaleOnly: instances differ and nothing else does', () => {
  assert.ok(isScaleOnly(base, { ...base, instances: 5 }));
  assert.ok(!isScaleOnly(base, base));
  assert.ok(!isScaleOnly(base, { ...base, instances: 5, cpus: 2 }));
  assert.ok(!isScaleOnly(base, { ...base, cpus: 2 }));
});

test('jsonEqual compares arrays in order and objects by keys', () => {
  assert.ok(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }));
  assert.ok(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 }));
  assert.ok(!jsonEqual([1, 2], [2, 1]));
  assert.ok(!jsonEqual({ a: null }, { a: undefined }));
  assert.ok(!jsonEqual([], {}));
});

test('stampVersion: a config change moves both timestamps, scaling and restarts only lastScalingAt', () => {
  const v1 = stampVersion(base, t1);
  assert.deepEqual(v1.versionInfo, { lastScalingAt: t1, lastConfigChangeAt: t1 });
  const scaled = stampVersion({ ...base, instances: 9 }, t2, v1);
  assert.equal(scaled.version, t2);
  assert.deepEqual(scaled.versionInfo, { lastScalingAt: t2, lastConfigChangeAt: t1 });
  const restarted = stampVersion(base, t3, scaled);
  assert.deepEqual(restarted.versionInfo, { lastScalingAt: t3, lastConfigChangeAt: t1 });
  const changed = stampVersion({ ...base, cmd: 'b' }, t3, scaled);
  assert.deepEqual(changed.versionInfo, { lastScalingAt: t3, lastConfigChangeAt: t3 });
});

test('stampVersion ignores a version the spec may carry', () => {
  const v1 = stampVersion(base, t1);
  assert.equal(stampVersion(v1, t2).version, t2);
});
