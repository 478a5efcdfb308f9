import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonLines, PullProgress } from './pull-progress.js';

test('layer milestones are news, byte counts are not', () => {
  const p = new PullProgress();
  assert.equal(p.summary(), 'starting');
  assert.equal(p.apply({ status: 'Pulling from drover/http', id: 'v1' }), false);
  assert.equal(p.apply({ status: 'Pulling fs layer', id: 'a' }), true);
  assert.equal(p.apply({ status: 'Pulling fs layer', id: 'b' }), true);
  assert.equal(
    p.apply({ status: 'Downloading', id: 'a', progressDetail: { current: 1e6, total: 2e6 } }),
    true,
  );
  assert.equal(
    p.apply({ status: 'Downloading', id: 'a', progressDetail: { current: 1.5e6, total: 2e6 } }),
    false,
  );
  assert.equal(p.apply({ status: 'Already exists', id: 'b' }), true);
  assert.equal(p.summary(), '1/2 layers, 1.5/2.0 MB');
  assert.equal(p.apply({ status: 'Pull complete', id: 'a' }), true);
  assert.equal(p.summary(), '2/2 layers, 2.0/2.0 MB');
  assert.equal(p.error, undefined);
});

test('an error line records the engine message', () => {
  const p = new PullProgress();
  p.apply({ errorDetail: { message: 'manifest unknown' }, error: 'manifest unknown' });
  assert.equal(p.error, 'manifest unknown');
});

test('JSON lines split anywhere parse whole; junk is skipped', () => {
  const j = new JsonLines();
  assert.deepEqual(j.push('{"status":"a"}\n{"sta'), [{ status: 'a' }]);
  assert.deepEqual(j.push('tus":"b"}\nnot json\n'), [{ status: 'b' }]);
  assert.deepEqual(j.push('{"error":"x"}'), []);
  assert.deepEqual(j.end(), [{ error: 'x' }]);
});
