import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allReady, MAX_PRESERVED_BODY, readinessChanged, readinessResult } from './readiness-record.js';

const check = { name: 'ready', httpStatusCodesForReady: [200, 204], preserveLastResponse: false };

test('ready when the status is one of httpStatusCodesForReady; errors are not ready', () => {
  assert.deepEqual(readinessResult(check, 't.1', { kind: 'http', status: 204 }), {
    name: 'ready',
    taskId: 't.1',
    ready: true,
  });
  assert.equal(readinessResult(check, 't.1', { kind: 'http', status: 503 }).ready, false);
  assert.equal(readinessResult(check, 't.1', { kind: 'error', cause: 'refused' }).ready, false);
});

test('preserveLastResponse keeps status, content type and a bounded body', () => {
  const keep = { ...check, preserveLastResponse: true };
  const r = readinessResult(keep, 't.1', {
    kind: 'http',
    status: 503,
    contentType: 'application/json',
    body: 'x'.repeat(MAX_PRESERVED_BODY + 10),
  });
  assert.equal(r.lastResponse?.status, 503);
  assert.equal(r.lastResponse?.contentType, 'application/json');
  assert.equal(r.lastResponse?.body.length, MAX_PRESERVED_BODY);
  assert.equal(readinessResult(keep, 't.1', { kind: 'error', cause: 'x' }).lastResponse, undefined);
});

test('only a different result is a change', () => {
  const a = readinessResult(check, 't.1', { kind: 'http', status: 503 });
  const b = readinessResult(check, 't.1', { kind: 'http', status: 500 });
  const c = readinessResult(check, 't.1', { kind: 'http', status: 200 });
  assert.equal(readinessChanged(undefined, a), true);
  assert.equal(readinessChanged(a, b), false, 'still not ready, no response kept');
  assert.equal(readinessChanged(b, c), true);
  const keep = { ...check, preserveLastResponse: true };
  const x = readinessResult(keep, 't.1', { kind: 'http', status: 503, body: 'starting' });
  const y = readinessResult(keep, 't.1', { kind: 'http', status: 503, body: 'migrating' });
  assert.equal(readinessChanged(x, y), true, 'a new preserved body is shown');
});

test('all ready once every check answered ready', () => {
  const yes = { name: 'a', taskId: 't', ready: true };
  const no = { name: 'b', taskId: 't', ready: false };
  assert.equal(allReady([yes, yes]), true);
  assert.equal(allReady([yes, no]), false);
  assert.equal(allReady([yes, undefined]), undefined);
  assert.equal(allReady([no, undefined]), false);
  assert.equal(allReady([]), undefined);
});
