/**
 * Issue 12's "limits that keep the master alive": one regression test per finding of the abuse
 * run, over a real master and job runtime (memory store, fake clock) through `inject`. Each
 * refused request must leave the store as it was.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import { storedApp } from '../../src/api/test-support/fixtures.js';
import { captureLog } from '../../src/control-plane/testing/log-capture.js';
import { MAX_APP_VERSIONS, MAX_INSTANCES } from '../../src/domain/limits.js';
import { JobSim } from './job-sim.js';

const T0 = Date.UTC(2026, 0, 1);
const JSON_HEADERS = { 'content-type': 'application/json' };
const send = (method: InjectOptions['method'], url: string, payload?: unknown): InjectOptions => ({
  method,
  url,
  headers: JSON_HEADERS,
  ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
});

describe('limits (simulation)', () => {
  let sim: JobSim;
  let api: FastifyInstance;
  const log = captureLog();
  afterEach(async () => {
    await api?.close();
    await sim?.stop();
  });

  async function setup() {
    sim = await JobSim.create({ start: T0, master: { logger: log.logger } });
    api = buildApiServer({ master: sim.master, jobs: sim.master.jobs, clock: sim.clock });
  }

  async function storeSnapshot() {
    const apps = await sim.store.listApps();
    return JSON.stringify({ apps, jobs: await sim.store.listJobs() });
  }

  async function refused(req: InjectOptions, status: number, pattern?: RegExp) {
    const before = await storeSnapshot();
    const res = await api.inject(req);
    assert.equal(
      res.statusCode,
      status,
      `${req.method} ${String(req.url).slice(0, 80)}: ${res.body.slice(0, 300)}`,
    );
    if (pattern) assert.match(res.body, pattern);
    assert.equal(await storeSnapshot(), before, 'a refused request changed the store');
    return res;
  }

  it('instances 1e9 and scaleBy 1e9 are 422s; a scaleBy whose result passes the limit too', async () => {
    await setup();
    await refused(send('POST', '/v2/apps', { id: '/big', cmd: 'sleep 1', instances: 1e9 }), 422, /10000/);
    await refused(send('POST', '/v2/apps', { id: '/big', cmd: 'sleep 1', instances: 1e6 }), 422);
    const ok = await api.inject(send('POST', '/v2/apps', { id: '/g/web', cmd: 'sleep 1', instances: 20 }));
    assert.equal(ok.statusCode, 201, ok.body);
    await refused(send('PUT', '/v2/groups/g', { scaleBy: 1e9 }), 422, /scaleBy/);
    await refused(send('PUT', '/v2/groups/g', { scaleBy: 600 }), 422, /would get 12000 instances/);
    const scaled = await api.inject(send('PUT', '/v2/groups/g?force=true', { scaleBy: 2 }));
    assert.equal(scaled.statusCode, 200, scaled.body);
    assert.equal((await sim.store.getApp('/g/web'))?.instances, 40);
  });

  it('ids, job names and users over their limits are 422s, not stored', async () => {
    await setup();
    await refused(
      send('POST', '/v2/apps', { id: `/${'a'.repeat(1024 * 1024)}`, cmd: 'x' }),
      422,
      /at most 255/,
    );
    await refused(send('POST', '/v2/apps', { id: `/${'a.'.repeat(200)}b`, cmd: 'x' }), 422, /at most 255/);
    await refused(send('POST', '/v2/groups', { id: '/g', apps: [{ id: 'a'.repeat(300), cmd: 'x' }] }), 422);
    // The agent protocol allows 256: a longer user used to pass here and loop the agent link.
    await refused(send('POST', '/v2/apps', { id: '/u', cmd: 'x', user: 'u'.repeat(257) }), 422, /user/);
    await refused(
      send('POST', '/scheduler/iso8601', {
        name: 'j'.repeat(1024 * 1024),
        command: 'true',
        schedule: 'R/2030-01-01T00:00:00Z/PT1H',
      }),
      400, // Chronos answers a bad job with a 400
      /at most 255/,
    );
  });

  it('env and label sizes are bounded (a 3.9 MB env value is a 422, not 4 MB kept per PUT)', async () => {
    await setup();
    await refused(send('POST', '/v2/apps', { id: '/e', cmd: 'x', env: { BIG: 'v'.repeat(3_900_000) } }), 422);
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`K${i}`, 'v']));
    await refused(send('POST', '/v2/apps', { id: '/e', cmd: 'x', env: many }), 422, /1000/);
    await refused(send('POST', '/v2/apps', { id: '/e', cmd: 'x', labels: many }), 422, /1000/);
    await refused(send('POST', '/v2/apps', { id: '/e', cmd: 'x', labels: { k: 'v'.repeat(9000) } }), 422);
    await refused(
      send('POST', '/scheduler/iso8601', {
        name: 'envjob',
        command: 'true',
        schedule: 'R/2030-01-01T00:00:00Z/PT1H',
        environmentVariables: [{ name: 'X', value: 'v'.repeat(70_000) }],
      }),
      400,
    );
  });

  it('a health-check interval that would overflow a timer is a 422', async () => {
    await setup();
    for (const field of ['intervalSeconds', 'timeoutSeconds', 'gracePeriodSeconds']) {
      await refused(
        send('POST', '/v2/apps', {
          id: '/hc',
          cmd: 'x',
          healthChecks: [{ protocol: 'COMMAND', command: { value: 'true' }, [field]: 2_147_484 }],
        }),
        422,
        /2147483 or less/,
      );
    }
    await refused(send('POST', '/v2/apps', { id: '/b', cmd: 'x', backoffSeconds: 1e12 }), 422);
  });

  it(`keeps at most ${MAX_APP_VERSIONS} versions of an app`, async () => {
    await setup();
    for (let i = 0; i < MAX_APP_VERSIONS + 8; i++) {
      sim.clock.jump(1000);
      const res = await api.inject(
        send('PUT', '/v2/apps/v?force=true', { cmd: 'sleep 1', env: { N: String(i) } }),
      );
      assert.ok(res.statusCode < 300, res.body);
    }
    const versions = await sim.store.listAppVersions('/v');
    assert.equal(versions.length, MAX_APP_VERSIONS);
    const listed = await api.inject({ method: 'GET', url: '/v2/apps/v/versions' });
    assert.equal((JSON.parse(listed.body) as { versions: string[] }).versions.length, MAX_APP_VERSIONS);
    assert.equal((await sim.store.getApp('/v'))?.env.N, String(MAX_APP_VERSIONS + 7));
  });

  it('%2F in a path is not a separator: a 400, never another app', async () => {
    await setup();
    assert.equal(
      (await api.inject(send('POST', '/v2/apps', { id: '/a/b', cmd: 'x', instances: 0 }))).statusCode,
      201,
    );
    assert.equal((await api.inject({ method: 'GET', url: '/v2/apps/a/b' })).statusCode, 200);
    for (const url of ['/v2/apps/a%2Fb', '/v2/apps/a%2fb', '/v2/groups/a%2Fb', '/v2/apps/a%5Cb']) {
      await refused({ method: 'GET', url }, 400, /encoded/);
    }
    await refused({ method: 'DELETE', url: '/v2/apps/a%2Fb' }, 400);
    await refused(send('PUT', '/v2/apps/a%2Fb', { cmd: 'y' }), 400);
    // In a query string it is just data.
    assert.equal((await api.inject({ method: 'GET', url: '/v2/apps?id=a%2Fb' })).statusCode, 200);
  });

  it('a run due time past the Date range is a 404 under both prefixes, not a 500', async () => {
    await setup();
    await sim.put('iso8601', { name: 'j', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/PT1H' });
    for (const prefix of ['/scheduler', '/v1/scheduler']) {
      for (const suffix of ['/logs', '/logs?stream=stderr', '']) {
        const res = await api.inject({
          method: 'GET',
          url: `${prefix}/job/j/runs/8640000000000001${suffix}`,
        });
        assert.equal(res.statusCode, 404, `${prefix} ${suffix}: ${res.body}`);
      }
      const bad = await api.inject({
        method: 'GET',
        url: `${prefix}/job/j/runs/99999999999999999999999/logs`,
      });
      assert.ok(bad.statusCode === 404 || bad.statusCode === 400, bad.body);
    }
  });

  it('a store already holding an out-of-bounds app starts, logs it and leaves the app suspended', async () => {
    await setup();
    const huge = storedApp({ id: '/huge', instances: 1_000_000_000, portDefinitions: [] });
    await sim.store.putApp(huge);
    await sim.store.putApp(storedApp({ id: '/fine', instances: 1, portDefinitions: [] }));
    await sim.restart();
    assert.ok(log.has('beyond the limits'), 'the suspension is logged');
    await api.close();
    api = buildApiServer({ master: sim.master, jobs: sim.master.jobs, clock: sim.clock });
    const res = await api.inject({ method: 'GET', url: '/v2/apps/huge' });
    assert.equal(res.statusCode, 200);
    assert.equal((JSON.parse(res.body) as { app: { instances: number } }).app.instances, 0);
    assert.equal(
      (await sim.store.getApp('/huge'))?.instances,
      1_000_000_000,
      'the stored definition is kept',
    );
    await sim.clock.advance(5_000);
    assert.equal(sim.executors.flatMap((e) => e.running()).filter((t) => t.spec.appId === '/huge').length, 0);
    // A valid definition brings it back.
    const put = await api.inject(send('PUT', '/v2/apps/huge?force=true', { cmd: 'sleep 1', instances: 2 }));
    assert.ok(put.statusCode < 300, put.body);
    assert.equal(sim.master.listApps().find((a) => a.id === '/huge')?.instances, 2);
    assert.ok(MAX_INSTANCES >= 2);
  });
});
