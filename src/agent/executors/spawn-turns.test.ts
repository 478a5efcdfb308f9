import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setCappedTimeout } from '../../platform/capped-timer.js';
import { spawnTurn } from './spawn-turns.js';

describe('spawn turns', () => {
  it('callers go in call order, one per loop turn, and a due timer runs between them', async () => {
    const order: string[] = [];
    // Each "spawn" blocks the loop for 5 ms, as a fork on a busy machine does.
    const block = () => {
      const until = performance.now() + 5;
      while (performance.now() < until);
    };
    let timerFired = false;
    setCappedTimeout(() => {
      timerFired = true;
      order.push('timer');
    }, 1);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        spawnTurn().then(() => {
          block();
          order.push(`spawn-${i}`);
        }),
      ),
    );
    assert.ok(timerFired);
    const spawns = order.filter((o) => o !== 'timer');
    assert.deepEqual(
      spawns,
      Array.from({ length: 40 }, (_, i) => `spawn-${i}`),
    );
    // 40 x 5 ms of blocking: the 1 ms timer ran long before the last spawn, not after all of them.
    assert.ok(order.indexOf('timer') < order.length - 1, order.join(' '));
  });
});
