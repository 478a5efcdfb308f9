import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Serial } from './serial.js';

test('pieces run one at a time, in order; a failed piece does not stop the next', async () => {
  const log: string[] = [];
  const s = new Serial();
  const a = s.run(async () => {
    log.push('a start');
    await new Promise((r) => setImmediate(r));
    log.push('a end');
  });
  const b = s.run(async () => {
    log.push('b');
    throw new Error('b failed');
  });
  const c = s.run(async () => log.push('c'));
  await a;
  await assert.rejects(b, /b failed/);
  await c;
  assert.deepEqual(log, ['a start', 'a end', 'b', 'c']);
});

test('alone, a piece is followed by `after` before its promise settles', async () => {
  let afters = 0;
  const s = new Serial(() => afters++);
  await s.run(async () => undefined);
  assert.equal(afters, 1);
  await assert.rejects(
    s.run(async () => {
      throw new Error('x');
    }),
  );
  assert.equal(afters, 2, 'a failed piece may have changed state too');
});

test('pieces queued together share one `after`, run behind them', async () => {
  const log: string[] = [];
  const s = new Serial(() => log.push('after'));
  const all = [1, 2, 3, 4].map((n) => s.run(async () => log.push(`piece ${n}`)));
  await Promise.all(all);
  assert.deepEqual(log, ['piece 1', 'piece 2', 'piece 3', 'piece 4', 'after']);
});

test('a queue that never empties still runs `after`, behind the pieces queued before it', async () => {
  const log: string[] = [];
  const s = new Serial(() => log.push('after'));
  // Each piece queues the next while it runs, as a busy master's group commits do.
  let n = 0;
  const piece = async (): Promise<void> => {
    n += 1;
    log.push(`piece ${n}`);
    if (n < 6) void s.run(piece);
  };
  await s.run(piece);
  await new Promise((r) => setTimeout(r, 10));
  const afters = log.filter((l) => l === 'after').length;
  assert.ok(afters >= 2, `after ran ${afters} times in ${log.join(', ')}`);
  assert.ok(afters < 6, 'fewer than once per piece');
  assert.equal(log.at(-1), 'after', 'the last change is pushed too');
  for (let i = 1; i < log.length; i++) {
    if (log[i] !== 'after') continue;
    // Never two pieces apart by more than the one queued while the previous ran.
    const since = log.slice(0, i).lastIndexOf('after');
    assert.ok(i - since - 1 <= 2, `after waited for ${i - since - 1} pieces: ${log.join(', ')}`);
  }
});
