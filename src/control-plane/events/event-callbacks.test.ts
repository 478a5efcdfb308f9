/**
 * The delivery shell of /v2/eventSubscriptions with a fake clock, a fake POST and a memory store:
 * events in order per subscriber, retries, the 60 s drop (store, unsubscribe_event), and a new
 * leader on the same store delivering to a subscription made through the old one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../platform/logger.js';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import { createMemoryStore } from '../../store/memory-store.js';
import { EventBus } from './event-bus.js';
import { EventCallbacks } from './event-callbacks.js';

const T0 = Date.UTC(2026, 0, 1);
const GOOD = 'http://127.0.0.1:1/good';
const BAD = 'http://127.0.0.1:2/bad';

function setup(store = createMemoryStore(), clock = new FakeClock(T0)) {
  const events = new EventBus(() => clock.now());
  const got = new Map<string, Array<Record<string, unknown>>>();
  let leads = true;
  const callbacks = new EventCallbacks({
    store,
    events,
    clock,
    logger: silentLogger(),
    leads: () => leads,
    post: async (url, body) => {
      if (url === BAD) return false;
      got.set(url, [...(got.get(url) ?? []), JSON.parse(body) as Record<string, unknown>]);
      return true;
    },
  });
  return { store, clock, events, callbacks, got, setLeads: (v: boolean) => (leads = v) };
}

const settle = async (c: EventCallbacks) => {
  for (let i = 0; i < 5; i++) {
    await c.idle();
    await new Promise((r) => setImmediate(r));
  }
};

describe('EventCallbacks', () => {
  it('POSTs every event as the SSE JSON, in order, its own subscribe_event first', async () => {
    const s = setup();
    const sub = await s.callbacks.subscribe(GOOD, '127.0.0.1');
    s.events.emit('app_terminated_event', { appId: '/a' });
    s.events.emit('app_terminated_event', { appId: '/b' });
    await settle(s.callbacks);
    assert.deepEqual(s.got.get(GOOD), [
      { clientIp: '127.0.0.1', callbackUrl: GOOD, eventType: 'subscribe_event', timestamp: sub.timestamp },
      { appId: '/a', eventType: 'app_terminated_event', timestamp: new Date(T0).toISOString() },
      { appId: '/b', eventType: 'app_terminated_event', timestamp: new Date(T0).toISOString() },
    ]);
    assert.deepEqual(await s.callbacks.list(), [GOOD]);
  });

  it('a subscriber failing for 60 s is dropped from the store, with an unsubscribe_event to the others', async () => {
    const s = setup();
    await s.callbacks.subscribe(GOOD, '127.0.0.1');
    await s.callbacks.subscribe(BAD, '10.0.0.9');
    await settle(s.callbacks);
    for (let t = 0; t < 59; t++) {
      await s.clock.advance(1000);
      await settle(s.callbacks);
    }
    assert.deepEqual(await s.callbacks.list(), [GOOD, BAD], 'still there after 59 s');
    for (let t = 0; t < 3; t++) {
      await s.clock.advance(1000);
      await settle(s.callbacks);
    }
    assert.deepEqual(await s.callbacks.list(), [GOOD]);
    const last = s.got.get(GOOD)!.at(-1)!;
    assert.deepEqual(
      [last.eventType, last.callbackUrl, last.clientIp],
      ['unsubscribe_event', BAD, '10.0.0.9'],
    );
  });

  it('a standby delivers nothing; the next leader loads the subscription from the store', async () => {
    const old = setup();
    await old.callbacks.subscribe(GOOD, '127.0.0.1');
    await settle(old.callbacks);
    // Another master on the same store, standby until the old leader goes.
    const next = setup(old.store, old.clock);
    next.setLeads(false);
    next.events.emit('app_terminated_event', { appId: '/while-standby' });
    await settle(next.callbacks);
    assert.equal(next.got.get(GOOD), undefined);
    old.setLeads(false);
    next.setLeads(true);
    next.events.emit('app_terminated_event', { appId: '/after-failover' });
    await settle(next.callbacks);
    assert.deepEqual(
      next.got.get(GOOD)?.map((e) => e.appId),
      ['/after-failover'],
    );
    await next.callbacks.unsubscribe(GOOD, '127.0.0.1');
    assert.deepEqual(await old.callbacks.list(), []);
  });
});
