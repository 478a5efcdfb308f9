import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { FakeMaster } from '../test-support/fake-master.js';
import { json, testApi } from '../test-support/fixtures.js';
import { SseClient } from '../test-support/sse-client.js';

function statusUpdate(master: FakeMaster, taskId: string, taskStatus = 'TASK_RUNNING') {
  return master.events.emit('status_update_event', {
    slaveId: 'agent-1',
    taskId,
    taskStatus,
    message: '',
    appId: '/web',
    host: '127.0.0.2',
    ipAddresses: [{ ipAddress: '127.0.0.2', protocol: 'IPv4' }],
    ports: [31000],
    version: '2026-01-01T00:00:00.000Z',
  });
}

describe('GET /v2/events without Accept: text/event-stream', () => {
  for (const accept of [undefined, '*/*', 'application/json', 'text/event-stream;q=0']) {
    it(`answers 405 as Marathon does (Accept: ${accept ?? 'none'})`, async () => {
      const { server, master } = testApi();
      const before = master.events.subscriberCount;
      const res = await server.inject({
        method: 'GET',
        url: '/v2/events',
        ...(accept ? { headers: { accept } } : {}),
      });
      assert.equal(res.statusCode, 405);
      assert.match(String(json(res).message), /HTTP method GET is not supported by this URL/);
      assert.equal(master.events.subscriberCount, before, 'no stream was opened');
      assert.equal(master.events.lastId, 0, 'no event_stream_attached');
    });
  }
});

describe('GET /v2/events over a socket', () => {
  let server: FastifyInstance;
  let master: FakeMaster;
  let base: string;
  const clients: SseClient[] = [];
  const open = async (query = '', headers: Record<string, string> = {}) => {
    const c = await SseClient.open(`${base}/v2/events${query}`, headers);
    clients.push(c);
    return c;
  };

  before(async () => {
    ({ server, master } = testApi());
    await server.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('streams Marathon-shaped events with id, event and data lines', async () => {
    const c = await open();
    assert.equal(c.status, 200);
    assert.equal(c.headers['content-type'], 'text/event-stream;charset=UTF-8');
    assert.equal(c.headers['cache-control'], 'no-cache, no-store, must-revalidate');
    await c.waitFor('own attach', (x) => x.messages.length >= 1);
    const attached = c.messages[0];
    assert.equal(attached?.event, 'event_stream_attached');
    assert.equal(attached?.id, String(master.events.lastId));
    const a = JSON.parse(attached?.data ?? '{}');
    assert.equal(a.eventType, 'event_stream_attached');
    assert.equal(a.remoteAddress, '127.0.0.1');
    assert.equal(typeof a.timestamp, 'string');

    const e = statusUpdate(master, 'web.1');
    await c.waitFor('status update', (x) => x.messages.some((m) => m.id === String(e.id)));
    const m = c.messages.find((x) => x.id === String(e.id));
    assert.equal(m?.event, 'status_update_event');
    assert.deepEqual(JSON.parse(m?.data ?? '{}'), {
      ...e.payload,
      eventType: 'status_update_event',
      timestamp: e.timestamp,
    });
  });

  it('filters by event_type, repeatable', async () => {
    const c = await open('?event_type=status_update_event&event_type=app_terminated_event');
    master.events.emit('group_change_success', { groupId: '/', version: 'v' });
    statusUpdate(master, 'web.2');
    master.events.emit('app_terminated_event', { appId: '/gone' });
    await c.waitFor('app_terminated_event', (x) =>
      x.messages.some((m) => m.event === 'app_terminated_event'),
    );
    assert.deepEqual(
      c.messages.map((m) => m.event),
      ['status_update_event', 'app_terminated_event'],
      'neither its own attach nor group_change_success passes the filter',
    );
  });

  it('an unknown event_type: 200 and a comment saying so, known types still stream', async () => {
    const c = await open('?event_type=status_update_evnt&event_type=status_update_event');
    assert.equal(c.status, 200);
    await c.waitFor('the comment', (x) => x.comments.length >= 1);
    assert.deepEqual(c.comments, ["unknown event_type 'status_update_evnt'"]);
    const e = statusUpdate(master, 'web.u1');
    await c.waitFor('known type', (x) => x.messages.some((m) => m.id === String(e.id)));
    assert.deepEqual(
      c.messages.map((m) => m.event),
      ['status_update_event'],
    );
  });

  it('no comment when every event_type is known', async () => {
    const c = await open('?event_type=status_update_event&event_type=event_stream_attached');
    await c.waitFor('own attach', (x) => x.messages.length >= 1);
    assert.deepEqual(c.comments, []);
  });

  it('resumes after Last-Event-ID from the ring, then goes live', async () => {
    const first = statusUpdate(master, 'web.r1');
    statusUpdate(master, 'web.r2');
    statusUpdate(master, 'web.r3');
    const c = await open('?event_type=status_update_event&event_type=event_stream_attached', {
      'last-event-id': String(first.id),
    });
    await c.waitFor('replay and attach', (x) => x.messages.some((m) => m.event === 'event_stream_attached'));
    const live = statusUpdate(master, 'web.r4');
    await c.waitFor('live event', (x) => x.messages.some((m) => m.id === String(live.id)));
    assert.deepEqual(
      c.events().map((e) => e.taskId ?? e.eventType),
      ['web.r2', 'web.r3', 'event_stream_attached', 'web.r4'],
    );
    const ids = c.messages.map((m) => Number(m.id));
    assert.deepEqual(
      ids,
      [...ids].sort((x, y) => x - y),
      'ids increase',
    );
  });

  it('ignores a Last-Event-ID that is not a number or is not behind the newest event', async () => {
    for (const lastId of ['abc', String(master.events.lastId + 100)]) {
      const c = await open('?event_type=status_update_event', { 'last-event-id': lastId });
      await c.waitFor(
        'attach settles',
        () => master.events.since(0).at(-1)?.eventType === 'event_stream_attached',
      );
      const live = statusUpdate(master, `web.x-${lastId}`);
      await c.waitFor('live event', (x) => x.messages.length > 0);
      assert.deepEqual(
        c.messages.map((m) => m.id),
        [String(live.id)],
      );
    }
  });

  it('announces a detach and drops its bus subscription when the client goes away', async () => {
    const idle = master.events.subscriberCount;
    const c = await open();
    await c.waitFor('attach', (x) => x.messages.length >= 1);
    const other = await open('?event_type=event_stream_detached');
    await other.waitFor(
      'connected',
      () => master.events.since(0).at(-1)?.eventType === 'event_stream_attached',
    );
    c.close();
    await other.waitFor('detach', (x) => x.messages.length >= 1);
    const d = other.events()[0];
    assert.equal(d?.eventType, 'event_stream_detached');
    assert.equal(d?.remoteAddress, '127.0.0.1');
    other.close();
    await new Promise<void>((resolve) => {
      const off = master.events.subscribe((e) => {
        if (e.eventType === 'event_stream_detached') {
          off();
          resolve();
        }
      });
    });
    assert.ok(master.events.subscriberCount <= idle, 'the hub unsubscribed once its last client left');
  });

  it('counts attached clients in /metrics', async () => {
    const c = await open();
    await c.waitFor('attach', (x) => x.messages.length >= 1);
    const res = await server.inject({ method: 'GET', url: '/metrics' });
    const gauges = json<{ gauges: Record<string, { value: number }> }>(res).gauges;
    assert.ok((gauges['marathon.http.event-streams.active.gauge']?.value ?? 0) >= 1);
    c.close();
  });
});

describe('closing the server', () => {
  it('ends open streams instead of waiting for them', async () => {
    const { server } = testApi();
    await server.listen({ host: '127.0.0.1', port: 0 });
    const port = (server.server.address() as AddressInfo).port;
    const c = await SseClient.open(`http://127.0.0.1:${port}/v2/events`);
    await c.waitFor('attach', (x) => x.messages.length >= 1);
    await server.close();
    await c.waitFor('end of stream', (x) => x.ended);
  });
});
