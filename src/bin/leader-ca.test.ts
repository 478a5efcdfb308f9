import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leaderCa } from './leader-ca.js';

test('a standby trusts --tls-ca when given, else its own --tls-cert, else the default CAs', () => {
  const tls = { cert: 'OWN CERT', key: 'KEY' };
  assert.deepEqual(leaderCa({ tls, tlsCa: 'CA BUNDLE' }), { ca: 'CA BUNDLE' });
  assert.deepEqual(leaderCa({ tlsCa: 'CA BUNDLE' }), { ca: 'CA BUNDLE' });
  assert.deepEqual(leaderCa({ tls }), { ca: 'OWN CERT' });
  assert.deepEqual(leaderCa({}), {});
});
