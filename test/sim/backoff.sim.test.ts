/**
 * Launch backoff against config changes (docs/backoff.md): a new configuration version forgives
 * earlier crashes and launches at once, while a scale-only change keeps the delay in force.
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
  backoffSeconds: 600,
  maxLaunchDelaySeconds: 3600,
  ...over,
});

describe('backoff and config changes (simulation)', () => {
  let sim: Sim;
  let api: FastifyInstance;
  afterEach(async () => {
    await api?.close();
    await sim?.stop();
  });

  /** /web crashed once: its next launch is delayed by 600 s. */
  async function crashedOnce(): Promise<void> {
    sim = await createSim();
    api = buildApiServer({ master: sim.master, clock: sim.clock });
    const res = await api.inject({ method: 'POST', url: '/v2/apps', payload: web() });
    assert.equal(res.statusCode, 201, res.body);
    await sim.until(() => sim.running('/web').length === 1 && sim.settled(), { what: '/web running' });
    const t = sim.running('/web')[0]!;
    sim.executors.find((e) => e.tasks.has(t.id))!.exit(t.id, { exitCode: 1, signal: null });
    await sim.until(() => sim.tasks('/web').length === 0, { stepMs: 10, what: 'crashed task gone' });
    await sim.until(() => sim.master.queue().length === 1, { stepMs: 10, what: '/web queued' });
    assert.ok(sim.master.queue()[0]!.delay.timeLeftSeconds > 590, 'a 600 s delay is in force');
  }

  const put = async (body: Record<string, unknown>) => {
    const res = await api.inject({ method: 'PUT', url: '/v2/apps/web?force=true', payload: body });
    assert.equal(res.statusCode, 200, res.body);
  };

  it('a PUT with a changed config launches at once despite the active delay', async () => {
    await crashedOnce();
    const before = sim.master.getApp('/web')!.versionInfo.lastConfigChangeAt;
    await put(web({ cmd: 'serve --fixed' }));
    assert.notEqual(
      sim.master.getApp('/web')!.versionInfo.lastConfigChangeAt,
      before,
      'a new config version',
    );
    const start = sim.clock.now();
    await sim.until(() => sim.running('/web').length === 1, {
      stepMs: 10,
      maxMs: 2_000,
      what: 'launch at once',
    });
    assert.ok(sim.clock.now() - start < 2_000);
    assert.equal(sim.running('/web')[0]!.version, sim.master.getApp('/web')!.version, 'the new version runs');
    const queued = (await api.inject('/v2/queue')).json() as { queue: unknown[] };
    assert.deepEqual(queued.queue, []);
  });

  it('a scale-only PUT keeps the delay: nothing launches before it runs out', async () => {
    await crashedOnce();
    const config = sim.master.getApp('/web')!.versionInfo.lastConfigChangeAt;
    await put({ instances: 2 });
    assert.equal(
      sim.master.getApp('/web')!.versionInfo.lastConfigChangeAt,
      config,
      'scaling is no config change',
    );
    await sim.clock.advance(60_000);
    assert.equal(sim.tasks('/web').length, 0, 'still delayed a minute later');
    assert.ok(sim.master.queue()[0]!.delay.timeLeftSeconds > 500);
    // ...and a config change after it still lifts the delay at once.
    await put({ cmd: 'serve --fixed' });
    await sim.until(() => sim.running('/web').length === 2, {
      stepMs: 10,
      maxMs: 2_000,
      what: '2 launched at once',
    });
  });
});
