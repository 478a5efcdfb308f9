import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusEvent } from '../../control-plane/events/event-bus.js';
import { storedApp, testApi } from '../test-support/fixtures.js';

const body = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => ({
  method,
  url,
  headers: { 'content-type': 'application/json' },
  ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
});

function posts(events: BusEvent[]) {
  return events
    .filter((e) => e.eventType === 'api_post_event')
    .map(
      (e) => e.payload as { clientIp: string; uri: string; appDefinition: { id: string; instances: number } },
    );
}

describe('api_post_event', () => {
  it('is emitted for a created app with the client address, the path and the stored definition', async () => {
    const { server, master } = testApi();
    const res = await server.inject(
      body('POST', '/v2/apps?force=false', { id: 'web', cmd: 'sleep 1', instances: 2 }),
    );
    assert.equal(res.statusCode, 201);
    const [p, ...rest] = posts(master.events.since(0));
    assert.equal(rest.length, 0);
    assert.equal(p?.clientIp, '127.0.0.1');
    assert.equal(p?.uri, '/v2/apps');
    assert.equal(p?.appDefinition.id, '/web');
    assert.equal(p?.appDefinition.instances, 2);
  });

  it('is emitted for PUT and PATCH of one app and for each app of a bulk PUT', async () => {
    const { server, master } = testApi();
    master.seedApp(storedApp({ id: '/g/a' }));
    master.seedApp(storedApp({ id: '/b' }));
    assert.equal((await server.inject(body('PUT', '/v2/apps/g/a', { instances: 3 }))).statusCode, 200);
    assert.equal((await server.inject(body('PATCH', '/v2/apps/b/', { instances: 4 }))).statusCode, 200);
    const bulk = await server.inject(
      body('PUT', '/v2/apps', [
        { id: '/b', instances: 5 },
        { id: 'c', cmd: 'sleep 2' },
      ]),
    );
    assert.equal(bulk.statusCode, 200);
    assert.deepEqual(
      posts(master.events.since(0)).map((p) => [p.uri, p.appDefinition.id, p.appDefinition.instances]),
      [
        ['/v2/apps/g/a', '/g/a', 3],
        ['/v2/apps/b/', '/b', 4],
        ['/v2/apps', '/b', 5],
        ['/v2/apps', '/c', 1],
      ],
    );
  });

  it('is not emitted for rejected requests, reads, deletes or restarts', async () => {
    const { server, master } = testApi();
    master.seedApp(storedApp({ id: '/a' }));
    assert.equal(
      (await server.inject(body('POST', '/v2/apps', { id: 'bad', cpus: -1, cmd: 'x' }))).statusCode,
      422,
    );
    assert.equal((await server.inject(body('POST', '/v2/apps', { id: '/a', cmd: 'x' }))).statusCode, 409);
    assert.equal((await server.inject({ method: 'GET', url: '/v2/apps/a' })).statusCode, 200);
    assert.equal((await server.inject(body('DELETE', '/v2/apps/a'))).statusCode, 200);
    assert.deepEqual(posts(master.events.since(0)), []);
  });
});
