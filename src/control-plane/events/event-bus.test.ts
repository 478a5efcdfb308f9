import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BusEvent, EventBus } from './event-bus.js';
import { EVENT_TYPES } from './event-types.js';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');

function appTerminated(bus: EventBus, appId: string): BusEvent {
  return bus.emit('app_terminated_event', { appId });
}

describe('EventBus', () => {
  it('numbers events from 1 and stamps them with the injected time', () => {
    const bus = new EventBus(() => T0);
    const e = appTerminated(bus, '/a');
    assert.deepEqual(e, {
      id: 1,
      eventType: 'app_terminated_event',
      timestamp: '2026-01-02T03:04:05.000Z',
      payload: { appId: '/a' },
    });
    assert.equal(appTerminated(bus, '/b').id, 2);
    assert.equal(bus.lastId, 2);
  });

  it('replays from the ring after an id, and forgets the oldest beyond its size', () => {
    const bus = new EventBus(() => T0, 3);
    assert.deepEqual(bus.since(0), []);
    assert.equal(bus.oldestId, 1);
    for (let i = 1; i <= 5; i++) appTerminated(bus, `/a${i}`);
    assert.equal(bus.oldestId, 3);
    assert.deepEqual(
      bus.since(0).map((e) => e.id),
      [3, 4, 5],
    );
    assert.deepEqual(
      bus.since(3).map((e) => e.id),
      [4, 5],
    );
    assert.deepEqual(bus.since(5), []);
    assert.equal(bus.get(2), undefined);
    assert.equal(bus.get(4)?.payload, bus.since(3)[0]?.payload);
    assert.equal(bus.get(6), undefined);
  });

  it('delivers to every subscriber and isolates a failing one', () => {
    const bus = new EventBus(() => T0);
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((e) => seen.push(e.id));
    appTerminated(bus, '/a');
    assert.deepEqual(seen, [1]);
  });

  it('delivers an event emitted by a subscriber after the current one, to everyone in id order', () => {
    const bus = new EventBus(() => T0);
    const first: number[] = [];
    const second: number[] = [];
    bus.subscribe((e) => {
      first.push(e.id);
      if (e.id === 1) appTerminated(bus, '/inner');
    });
    bus.subscribe((e) => second.push(e.id));
    appTerminated(bus, '/outer');
    assert.deepEqual(first, [1, 2]);
    assert.deepEqual(second, [1, 2]);
  });

  it('unsubscribes exactly the subscription it was given', () => {
    const bus = new EventBus(() => T0);
    const seen: string[] = [];
    const h = (e: BusEvent) => seen.push(String(e.id));
    const off1 = bus.subscribe(h);
    bus.subscribe(h);
    assert.equal(bus.subscriberCount, 2);
    off1();
    appTerminated(bus, '/a');
    assert.deepEqual(seen, ['1']);
    assert.equal(bus.subscriberCount, 1);
  });

  it('lists every event type of the map once', () => {
    assert.equal(new Set(EVENT_TYPES).size, EVENT_TYPES.length);
    assert.ok(EVENT_TYPES.includes('deployment_info'));
  });
});

describe('event ring bounded in bytes', () => {
  it('drops the oldest events once their payloads pass the byte bound, always keeping the newest', () => {
    const bus = new EventBus(() => 0, 1000, 10_000);
    const big = 'x'.repeat(3_000);
    for (let i = 0; i < 10; i++) bus.emit('app_terminated_event', { appId: big });
    assert.ok(bus.bytesHeld <= 10_000, `held ${bus.bytesHeld}`);
    assert.equal(bus.lastId, 10);
    assert.ok(bus.oldestId > 1 && bus.oldestId <= 10);
    const replay = bus.since(0);
    assert.equal(replay.length, bus.lastId - bus.oldestId + 1);
    assert.equal(replay.at(-1)?.id, 10);
    assert.equal(bus.get(1), undefined);
    // One event larger than the whole bound is still kept: a subscriber reads it from the ring.
    bus.emit('app_terminated_event', { appId: 'y'.repeat(50_000) });
    assert.equal(bus.oldestId, 11);
    assert.equal(bus.get(11)?.id, 11);
    bus.emit('app_terminated_event', { appId: 'small' });
    assert.equal(bus.oldestId, 12);
  });

  it('the count bound still applies and the byte total stays exact when slots are reused', () => {
    const bus = new EventBus(() => 0, 3, 1_000_000);
    for (let i = 0; i < 7; i++) bus.emit('app_terminated_event', { appId: `/a${i}` });
    assert.equal(bus.oldestId, 5);
    assert.deepEqual(
      bus.since(0).map((e) => e.id),
      [5, 6, 7],
    );
    assert.equal(bus.bytesHeld, 3 * JSON.stringify({ appId: '/a0' }).length);
  });
});
