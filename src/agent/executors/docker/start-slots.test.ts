import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartSlots } from './start-slots.js';

test('at most `size` run at once; the rest wait in order', async () => {
  const slots = new StartSlots(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const releases: Array<() => void> = [];
  const jobs = [0, 1, 2, 3].map((i) =>
    slots.run(async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise<void>((r) => releases.push(r));
      running--;
      return i;
    }),
  );
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [0, 1]);
  assert.equal(slots.queued, 2);
  releases.shift()!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [0, 1, 2]);
  while (releases.length > 0) {
    releases.shift()!();
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(await Promise.all(jobs), [0, 1, 2, 3]);
  assert.equal(peak, 2);
});

test('a failing job frees its slot', async () => {
  const slots = new StartSlots(1);
  await assert.rejects(
    slots.run(async () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(await slots.run(async () => 'next'), 'next');
  assert.throws(() => new StartSlots(0), /positive integer/);
});
