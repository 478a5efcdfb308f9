import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendKey, ConnectionCounts } from './least-connections.js';

const b = (port: number) => ({ taskId: `t${port}`, host: '127.0.0.1', port });

test('picks the backend with the fewest open connections', () => {
  const c = new ConnectionCounts();
  const pool = [b(1), b(2), b(3)];
  c.opened(backendKey(b(1)));
  c.opened(backendKey(b(2)));
  assert.equal(c.pick(pool)?.port, 3);
  c.opened(backendKey(b(3)));
  c.opened(backendKey(b(3)));
  c.closed(backendKey(b(1)));
  assert.equal(c.pick(pool)?.port, 1);
});

test('ties rotate over the pool; excluded backends and an empty pool give what is left', () => {
  const c = new ConnectionCounts();
  const pool = [b(1), b(2), b(3)];
  const seen = new Set<number>();
  for (let i = 0; i < 3; i++) seen.add(c.pick(pool)!.port);
  assert.equal(seen.size, 3);
  assert.equal(c.pick(pool, new Set([backendKey(b(1)), backendKey(b(2))]))?.port, 3);
  assert.equal(c.pick(pool, new Set(pool.map(backendKey))), undefined);
  assert.equal(c.pick([]), undefined);
});

test('counts never go below zero', () => {
  const c = new ConnectionCounts();
  c.closed('x');
  assert.equal(c.count('x'), 0);
  c.opened('x');
  c.closed('x');
  c.closed('x');
  assert.equal(c.count('x'), 0);
});
