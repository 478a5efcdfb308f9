/**
 * App versions through the Marathon API on a simulated cluster whose clock does not move between
 * writes: every change gets its own, strictly increasing version, and every version is kept.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import { createSim, type Sim } from './harness.js';

const web = (over: Record<string, unknown> = {}) => ({
  id: '/web',
  cmd: 'serve',
  instances: 1,
  cpus: 0.1,
  mem: 32,
  ...over,
});

describe('app versions (simulation, frozen clock)', () => {
  let sim: Sim;
  let api: FastifyInstance;
  afterEach(async () => {
    await api?.close();
    await sim?.stop();
  });

  async function setup() {
    sim = await createSim();
    api = buildApiServer({ master: sim.master, clock: sim.clock });
  }

  const versionsOf = async (id: string): Promise<string[]> => {
    const res = await api.inject(`/v2/apps${id}/versions`);
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { versions: string[] }).versions;
  };

  it('a PUT /v2/apps/web and a bulk PUT /v2/apps in the same millisecond keep both versions', async () => {
    await setup();
    const created = await api.inject({ method: 'POST', url: '/v2/apps', payload: web() });
    assert.equal(created.statusCode, 201, created.body);
    const t0 = sim.clock.now();

    const single = await api.inject({
      method: 'PUT',
      url: '/v2/apps/web?force=true',
      payload: web({ cmd: 'serve --one' }),
    });
    assert.equal(single.statusCode, 200, single.body);
    const bulk = await api.inject({
      method: 'PUT',
      url: '/v2/apps?force=true',
      payload: [web({ cmd: 'serve --two' })],
    });
    assert.equal(bulk.statusCode, 200, bulk.body);
    assert.equal(sim.clock.now(), t0, 'the clock did not move between the writes');

    const a = single.json() as { version: string; deploymentId: string };
    const b = bulk.json() as { version: string; deploymentId: string };
    assert.notEqual(a.deploymentId, b.deploymentId);
    assert.ok(b.version > a.version, `bulk version ${b.version} after ${a.version}`);

    const versions = await versionsOf('/web');
    assert.equal(versions.length, 3, JSON.stringify(versions));
    assert.equal(new Set(versions).size, 3);
    assert.ok(versions.includes(a.version) && versions.includes(b.version));
    const cmdAt = async (v: string) =>
      ((await api.inject(`/v2/apps/web/versions/${encodeURIComponent(v)}`)).json() as { cmd: string }).cmd;
    assert.equal(await cmdAt(a.version), 'serve --one');
    assert.equal(await cmdAt(b.version), 'serve --two');
    assert.equal((await api.inject('/v2/apps/web')).json().app.version, b.version);
  });

  it('versions stay strictly increasing when the wall clock steps back', async () => {
    await setup();
    await api.inject({ method: 'POST', url: '/v2/apps', payload: web() });
    const first = (await versionsOf('/web'))[0]!;
    sim.clock.jump(-60_000);
    const res = await api.inject({
      method: 'PUT',
      url: '/v2/apps/web?force=true',
      payload: web({ cmd: 'x' }),
    });
    assert.equal(res.statusCode, 200, res.body);
    const v = (res.json() as { version: string }).version;
    assert.ok(v > first, `${v} after ${first}`);
    assert.deepEqual(await versionsOf('/web'), [v, first]);
  });
});
