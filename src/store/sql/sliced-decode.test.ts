import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSlicedById } from './sliced-decode.js';

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const id = `t-${String((i * 7919) % n).padStart(6, '0')}`;
    return { id, json: JSON.stringify({ id, n: i }) };
  });

test('decodes every row, ordered by id', async () => {
  const out = await decodeSlicedById<{ id: string }>(rows(5_000));
  assert.equal(out.length, 5_000);
  assert.deepEqual(
    out.map((r) => r.id),
    out.map((r) => r.id).sort(),
  );
  assert.equal(new Set(out.map((r) => r.id)).size, 5_000);
});

test('a large list gives the event loop turns while it decodes; a small one decodes at once', async () => {
  let turned = false;
  setImmediate(() => {
    turned = true;
  });
  await decodeSlicedById(rows(10));
  assert.equal(turned, false);
  await decodeSlicedById(rows(10_000));
  assert.equal(turned, true);
});
