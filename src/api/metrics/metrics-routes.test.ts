import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { json, storedApp, taskOf, testApi } from '../test-support/fixtures.js';

describe('GET /metrics', () => {
  it("answers Dropwizard JSON with Marathon's metric names", async () => {
    const { server, master } = testApi();
    const app = storedApp({ id: '/web' });
    master.seedApp(app);
    master.seedTask(taskOf(app, 1));
    const res = await server.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const body = json<Record<string, Record<string, Record<string, unknown>>>>(res);
    assert.deepEqual(Object.keys(body), ['version', 'gauges', 'counters', 'histograms', 'meters', 'timers']);
    assert.deepEqual(body.gauges?.['marathon.apps.active.gauge'], { value: 1 });
    assert.deepEqual(body.gauges?.['marathon.instances.running.gauge'], { value: 1 });
    assert.deepEqual(body.gauges?.['marathon.deployments.active.gauge'], { value: 0 });
    const meter = body.meters?.['marathon.http.responses.2xx.rate.meter'];
    assert.deepEqual(Object.keys(meter ?? {}).sort(), [
      'count',
      'm15_rate',
      'm1_rate',
      'm5_rate',
      'mean_rate',
      'units',
    ]);
    assert.ok(body.timers?.['marathon.http.requests.duration.timer.seconds']);
  });

  it('counts responses by status code, including errors, over a real socket', async () => {
    const { server } = testApi();
    await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
      for (const path of ['/v2/apps', '/v2/apps/missing', '/no/such/route', '/v2/events'])
        await (await fetch(base + path)).arrayBuffer();
      const res = await fetch(`${base}/metrics/prometheus`);
      assert.equal(res.status, 200);
      assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      assert.match(text, /^drover_http_responses_total\{status_code="200"\} 1$/m);
      assert.match(text, /^drover_http_responses_total\{status_code="404"\} 2$/m);
      assert.match(text, /^drover_http_responses_total\{status_code="405"\} 1$/m);
      assert.match(text, /^drover_http_requests_active 1$/m, 'only the scrape itself is in flight');
      assert.match(text, /^# HELP drover_apps /m);

      const dw = (await (await fetch(`${base}/metrics`)).json()) as {
        meters: Record<string, { count: number }>;
      };
      assert.equal(dw.meters['marathon.http.responses.4xx.rate.meter']?.count, 3);
      assert.equal(dw.meters['marathon.http.responses.2xx.rate.meter']?.count, 2);
    } finally {
      await server.close();
    }
  });
});
