import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { PassTrigger } from './pass-trigger.js';
import { Serial } from './serial.js';

/** A master-like queue: `updates` status updates each ask for a pass while they run. */
async function burst(updates: number): Promise<{ passes: number; sawAll: boolean[] }> {
  const clock = new FakeClock();
  const serial = new Serial();
  let applied = 0;
  const sawAll: boolean[] = [];
  let passes = 0;
  const trigger = new PassTrigger(clock, () => {
    void serial.run(async () => {
      trigger.started();
      passes++;
      sawAll.push(applied === updates);
    });
  });
  const done: Promise<void>[] = [];
  // The updates arrive together, as from many agents' sockets in one read; each waits for its
  // store write, so the trigger's timer fires (and queues the pass) while most still wait.
  for (let i = 0; i < updates; i++) {
    done.push(
      serial.run(async () => {
        await new Promise<void>((resolve) => clock.setTimer(1, resolve));
        applied++;
        trigger.request();
      }),
    );
  }
  await clock.advance(updates * 2);
  await Promise.all(done);
  await serial.run(async () => undefined);
  return { passes, sawAll };
}

test('a burst of updates queues one pass, and that pass sees every update of the burst', async () => {
  const { passes, sawAll } = await burst(200);
  assert.equal(passes, 1);
  assert.deepEqual(sawAll, [true]);
});

test('a request made while a pass runs gets a pass of its own after it', async () => {
  const clock = new FakeClock();
  const serial = new Serial();
  const seen: string[] = [];
  let passes = 0;
  const trigger = new PassTrigger(clock, () => {
    void serial.run(async () => {
      trigger.started();
      passes++;
      // The first pass changes something that needs another pass (a launch asks for one).
      if (passes === 1) trigger.request();
      seen.push(`pass ${passes}`);
    });
  });
  trigger.request();
  trigger.request();
  await clock.advance(0);
  await serial.run(async () => undefined);
  await clock.advance(0);
  await serial.run(async () => undefined);
  assert.deepEqual(seen, ['pass 1', 'pass 2']);
});

test('cancel drops a requested pass that has not been queued yet', async () => {
  const clock = new FakeClock();
  let queued = 0;
  const trigger = new PassTrigger(clock, () => queued++);
  trigger.request();
  trigger.cancel();
  await clock.advance(10);
  assert.equal(queued, 0);
});
