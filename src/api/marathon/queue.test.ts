import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, storedApp, testApi } from '../test-support/fixtures.js';

function seeded() {
  const api = testApi();
  const web = storedApp({ id: '/web', instances: 3 });
  api.master.seedApp(web);
  api.master.queueEntries = [
    {
      app: web,
      count: 2,
      delay: { timeLeftSeconds: 0, overdue: true },
      since: '2026-01-02T03:00:00.000Z',
      rejections: [
        { agentId: 'a1', hostname: 'node-a', reasons: ['InsufficientCpus', 'InsufficientMemory'] },
        { agentId: 'a2', hostname: 'node-b', reasons: ['UnfulfilledConstraint'] },
      ],
    },
  ];
  api.master.agentList = [
    {
      id: 'a1',
      hostname: 'node-a',
      address: '10.0.0.1',
      resources: { cpus: 1, mem: 256, disk: 0, ports: [[31000, 31099]] },
      attributes: { rack: 'r1' },
      capabilities: { docker: false },
      registeredAt: 0,
      lastHeartbeatAt: 0,
      connected: true,
    },
  ];
  return { ...api, web };
}

type Queue = { queue: Array<Record<string, unknown>> };

test('GET /v2/queue: Marathon shape with per-agent reasons in lastUnusedOffers', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/queue' });
  assert.equal(res.statusCode, 200);
  const [item] = json<Queue>(res).queue;
  assert.deepEqual(Object.keys(item ?? {}).sort(), [
    'app',
    'count',
    'delay',
    'lastUnusedOffers',
    'processedOffersSummary',
    'since',
  ]);
  assert.equal(item?.count, 2);
  assert.deepEqual(item?.delay, { timeLeftSeconds: 0, overdue: true });
  assert.equal((item?.app as { id?: string } | undefined)?.id, '/web');
  const summary = item?.processedOffersSummary as Record<string, unknown>;
  assert.equal(summary.processedOffersCount, 2);
  assert.deepEqual(summary.rejectSummaryLastOffers, [
    { reason: 'InsufficientCpus', declined: 1, processed: 2 },
    { reason: 'InsufficientMemory', declined: 1, processed: 2 },
    { reason: 'UnfulfilledConstraint', declined: 1, processed: 2 },
  ]);
  const offers = item?.lastUnusedOffers as Array<{ offer: Record<string, unknown>; reason: string[] }>;
  assert.deepEqual(
    offers.map((o) => [o.offer.hostname, o.reason]),
    [
      ['node-a', ['InsufficientCpus', 'InsufficientMemory']],
      ['node-b', ['UnfulfilledConstraint']],
    ],
  );
  assert.deepEqual(
    ((offers[0]?.offer.resources ?? []) as Array<{ name: string }>).map((r) => r.name),
    ['cpus', 'mem', 'disk', 'ports'],
  );
});

test('GET /v2/queue?embed=unplacedReasons adds the Drover extension field', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/queue?embed=unplacedReasons' });
  const [item] = json<Queue>(res).queue;
  assert.deepEqual(item?.unplacedReasons, [
    { agentId: 'a1', hostname: 'node-a', reasons: ['InsufficientCpus', 'InsufficientMemory'] },
    { agentId: 'a2', hostname: 'node-b', reasons: ['UnfulfilledConstraint'] },
  ]);
});

test('DELETE /v2/queue/{id}/delay resets the backoff: 204; unknown app 404', async () => {
  const { server, master } = seeded();
  const res = await server.inject({
    method: 'DELETE',
    url: '/v2/queue/web/delay',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.statusCode, 204);
  assert.equal(res.body, '');
  assert.deepEqual(master.calls, [{ method: 'resetDelay', args: ['/web'] }]);
  assert.equal((await server.inject({ method: 'DELETE', url: '/v2/queue/nope/delay' })).statusCode, 404);
  assert.equal((await server.inject({ method: 'DELETE', url: '/v2/queue/web' })).statusCode, 404);
});
