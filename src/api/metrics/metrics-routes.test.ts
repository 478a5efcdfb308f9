import assert from 'node:assert/strict';
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

  it('counts responses by status code, including errors', async () => {
    const { server } = testApi();
    await server.inject({ method: 'GET', url: '/v2/apps' });
    await server.inject({ method: 'GET', url: '/v2/apps/missing' });
    await server.inject({ method: 'GET', url: '/no/such/route' });
    const res = await server.inject({ method: 'GET', url: '/metrics/prometheus' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(res.body, /^drover_http_responses_total\{status_code="200"\} 1$/m);
    assert.match(res.body, /^drover_http_responses_total\{status_code="404"\} 2$/m);
    assert.match(res.body, /^# HELP drover_apps /m);
  });

  it('counts a 4xx in the Dropwizard meters too', async () => {
    const { server } = testApi();
    await server.inject({ method: 'GET', url: '/v2/events' });
    const body = json<{ meters: Record<string, { count: number }> }>(
      await server.inject({ method: 'GET', url: '/metrics' }),
    );
    assert.equal(body.meters['marathon.http.responses.4xx.rate.meter']?.count, 1);
  });
});
