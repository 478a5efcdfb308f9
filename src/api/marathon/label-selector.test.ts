import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesLabels, parseLabelSelectors } from './label-selector.js';

const m = (query: string, labels: Record<string, string>) =>
  matchesLabels(labels, parseLabelSelectors(query));

test('existence, equality and set selectors, as in Marathon', () => {
  assert.equal(m('env', { env: 'prod' }), true);
  assert.equal(m('env', { tier: 'web' }), false);
  assert.equal(m('env==prod', { env: 'prod' }), true);
  assert.equal(m('env == prod', { env: 'qa' }), false);
  assert.equal(m('env!=prod', { env: 'qa' }), true);
  assert.equal(m('env in (qa, prod)', { env: 'prod' }), true);
  assert.equal(m('env in (qa,stage)', { env: 'prod' }), false);
  assert.equal(m('env notin (qa, stage)', { env: 'prod' }), true);
  assert.equal(m('env notin (qa, prod)', { env: 'prod' }), false);
});

test('every selector requires the label, even != and notin', () => {
  assert.equal(m('env!=prod', {}), false);
  assert.equal(m('env notin (prod)', {}), false);
});

test('comma-separated selectors are ANDed', () => {
  const labels = { a: 't1', b: 'x', c: '', d: '1' };
  assert.equal(m('a in (t1, t2, t3), b notin (t1), c, d', labels), true);
  assert.equal(m('a in (t1), b==y', labels), false);
});

test('backslash escapes characters outside [-A-Za-z0-9_.]', () => {
  assert.equal(m('\\!\\!\\! in (\\-\\-\\-, \\&\\&\\&)', { '!!!': '&&&' }), true);
  assert.equal(m('path==\\/srv\\/www', { path: '/srv/www' }), true);
});

test('an empty query matches everything', () => {
  assert.deepEqual(parseLabelSelectors('  '), []);
});

test('malformed queries are 400s', () => {
  for (const q of ['env==', 'env in (a', 'env in a', 'a b', 'a,,b', '==x', 'a=b']) {
    assert.throws(
      () => parseLabelSelectors(q),
      (e: { status?: number }) => e.status === 400,
      q,
    );
  }
});
