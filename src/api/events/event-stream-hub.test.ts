import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { waitFor } from '../../agent/testing/wait-for.js';
import { EventBus } from '../../control-plane/events/event-bus.js';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import { SseClient } from '../test-support/sse-client.js';
import { EventStreamHub, type EventStreamOptions } from './event-stream-hub.js';

interface Rig {
  bus: EventBus;
  hub: EventStreamHub;
  clock: FakeClock;
  url: string;
  dropped: number;
  server: Server;
  close(): Promise<void>;
}

/** A hub on a plain node:http server: no Fastify, so only the hub's behaviour is under test. */
async function rig(ringSize: number, opts: EventStreamOptions = {}): Promise<Rig> {
  const clock = new FakeClock();
  const bus = new EventBus(() => clock.now(), ringSize);
  const r = { dropped: 0 } as Rig;
  const hub = new EventStreamHub(bus, clock, opts, { clientDropped: () => r.dropped++ });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hub.open({
      res,
      remoteAddress: req.socket.remoteAddress ?? '',
      eventTypes: url.searchParams.getAll('event_type'),
      lastEventId: req.headers['last-event-id'] as string | undefined,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(r, {
    bus,
    hub,
    clock,
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      hub.closeAll();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
  return r;
}

const connections = (server: Server) =>
  new Promise<number>((resolve, reject) =>
    server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );

const terminated = (bus: EventBus, appId: string) => bus.emit('app_terminated_event', { appId });

describe('EventStreamHub', () => {
  it('says so in a comment when the resume point has left the ring, and replays what is left', async () => {
    const r = await rig(3);
    for (let i = 1; i <= 6; i++) terminated(r.bus, `/a${i}`);
    const c = await SseClient.open(`${r.url}?event_type=app_terminated_event`, { 'last-event-id': '1' });
    await c.waitFor('replay', (x) => x.messages.length >= 2);
    assert.deepEqual(c.comments, ['events 2..3 are no longer available']);
    // The replay is written before the client's own attach (id 7) is emitted and pushes id 4 out
    // of the 3-event ring, so 4..6 all arrive.
    assert.deepEqual(
      c.messages.map((m) => m.id),
      ['4', '5', '6'],
    );
    c.close();
    await r.close();
  });

  it('sends heartbeat comments on the clock, only while clients are attached', async () => {
    const r = await rig(10, { heartbeatMs: 1_000 });
    assert.equal(r.clock.pendingTimers(), 0);
    const c = await SseClient.open(r.url);
    await r.clock.advance(1_000);
    await c.waitFor('first heartbeat', (x) => x.comments.length === 1);
    await r.clock.advance(1_000);
    await c.waitFor('second heartbeat', (x) => x.comments.length === 2);
    assert.deepEqual(c.comments, ['heartbeat', 'heartbeat']);
    c.close();
    await new Promise<void>((resolve) =>
      r.bus.subscribe((e) => e.eventType === 'event_stream_detached' && resolve()),
    );
    assert.equal(r.hub.size, 0);
    assert.equal(r.clock.pendingTimers(), 0, 'no timer left once the last client is gone');
    await r.close();
  });

  it('bounds what a client that stops reading holds, then drops it once it falls behind the ring', async () => {
    const ring = 64;
    const maxChunk = 64 * 1024;
    const r = await rig(ring, { maxChunk });
    const c = await SseClient.open(r.url);
    await c.waitFor('attach', (x) => x.messages.length === 1);
    c.pause();
    const big = 'x'.repeat(128 * 1024);
    // Each frame is ~128 KiB; the socket buffer and the client's kernel buffers fill within a few
    // hundred, after which the hub stops writing and only the cursor remains.
    let maxBuffered = 0;
    for (let i = 0; i < 2_000 && r.dropped === 0; i++) {
      terminated(r.bus, `/${big}${i}`);
      maxBuffered = Math.max(maxBuffered, r.hub.bufferedBytes);
      // Let the socket move data to the kernel between emits, as a real emitter would.
      if (i % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(r.dropped, 1, 'the stalled client was dropped');
    const frame = big.length + 200;
    // Node's default socket high-water mark (16 KiB) + one chunk + the frame that overflowed it.
    assert.ok(maxBuffered <= 16 * 1024 + maxChunk + frame, `buffered ${maxBuffered} bytes`);
    assert.equal(r.hub.size, 0);
    assert.equal(r.clock.pendingTimers(), 1, 'the grace period for the stalled client to read to the end');
    c.resume();
    await c.waitFor('end of the dropped stream', (x) => x.ended);
    // A clean end, saying why, so the client reconnects with Last-Event-ID instead of seeing a
    // network error; the grace timer went with the stream.
    assert.equal(c.complete, true, 'the stream was ended, not cut');
    assert.match(
      c.comments.at(-1) ?? '',
      /^this client fell \d+ events behind; reconnect with Last-Event-ID$/,
    );
    await waitFor(() => r.clock.pendingTimers() === 0, 'the grace timer cancelled');
    await r.close();
  });

  it('cuts a dropped stream that is not read to its end within the grace period', async () => {
    const r = await rig(64, { endGraceMs: 5_000 });
    const c = await SseClient.open(r.url);
    await c.waitFor('attach', (x) => x.messages.length === 1);
    c.pause();
    const big = 'x'.repeat(128 * 1024);
    for (let i = 0; i < 2_000 && r.dropped === 0; i++) {
      terminated(r.bus, `/${big}${i}`);
      if (i % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(r.dropped, 1);
    assert.equal(await connections(r.server), 1, 'ended, still open while its queue drains');
    await r.clock.advance(5_000);
    await waitFor(async () => (await connections(r.server)) === 0, 'the stalled connection cut');
    c.close();
    await r.close();
  });

  it('serves every client at its own pace: a stalled client does not delay another', async () => {
    const r = await rig(10_000);
    const slow = await SseClient.open(r.url);
    const fast = await SseClient.open(`${r.url}?event_type=app_terminated_event`);
    await slow.waitFor('attach', (x) => x.messages.length >= 1);
    slow.pause();
    const big = 'y'.repeat(64 * 1024);
    for (let i = 0; i < 200; i++) terminated(r.bus, `/${big}${i}`);
    await fast.waitFor('all 200 events', (x) => x.messages.length === 200, 20_000);
    assert.equal(r.dropped, 0, 'still within the ring: nobody dropped');
    slow.resume();
    await slow.waitFor(
      'slow client catches up',
      (x) => x.messages.some((m) => m.id === String(r.bus.lastId)),
      20_000,
    );
    slow.close();
    fast.close();
    await r.close();
  });
});
