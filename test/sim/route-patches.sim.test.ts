/**
 * Routing patches end to end in the simulation: real Master, real Agents with a router over the
 * in-memory links (which serialise every frame as a socket would). Whatever happens (apps
 * deployed, scaled, tasks crashing and killed, an app deleted, a new leader), every agent's router
 * ends up with exactly the master's routing table, built from the whole table it got at
 * registration and the patches after it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createSim, type Sim } from './harness.js';

const app = (id: string, port: number, instances: number) => ({
  id,
  cmd: 'serve',
  instances,
  cpus: 0.1,
  mem: 16,
  portDefinitions: [{ port }],
});

describe('routing patches (simulation)', () => {
  let sim: Sim;
  afterEach(async () => {
    await sim?.stop();
  });

  const routersAgree = () => {
    const want = JSON.stringify(sim.master.routingTable());
    return (
      sim.routerTables.size === sim.agents.length &&
      [...sim.routerTables.values()].every((t) => JSON.stringify(t) === want)
    );
  };

  it("every agent's router holds the master's table through scaling, crashes, kills, deletion and a new leader", async () => {
    sim = await createSim({
      routers: true,
      agents: [{ hostname: 'a' }, { hostname: 'b' }, { hostname: 'c' }],
    });
    await sim.deploy(app('/web', 10001, 4));
    await sim.deploy(app('/api', 10002, 2));
    // Settled too: a change to an app whose deployment still runs is refused (APP_LOCKED).
    await sim.until(() => sim.running().length === 6 && sim.settled() && routersAgree(), {
      what: '6 routed',
    });
    assert.equal(sim.master.routingTable().routes.find((r) => r.servicePort === 10001)?.backends.length, 4);

    // Scale up, then crash one task: the replacement comes and goes through patches only.
    await sim.master.putApp({ ...(sim.master.getApp('/web') as object), instances: 6 } as never, {
      force: false,
    });
    await sim.until(() => sim.running('/web').length === 6 && sim.settled() && routersAgree(), {
      what: 'scaled to 6',
    });
    const victim = sim.running('/web')[0]!;
    sim.executors.find((e) => e.tasks.has(victim.id))!.exit(victim.id, { exitCode: 1, signal: null });
    await sim.until(
      () =>
        !sim.master.routingTable().routes.some((r) => r.backends.some((b) => b.taskId === victim.id)) &&
        routersAgree(),
      { what: 'crashed task unrouted' },
    );

    // A kill through the API, then the whole /api app deleted (its route goes).
    await sim.master.killTasks([sim.running('/web')[1]!.id], { scale: true, force: false });
    await sim.master.deleteApp('/api', { force: false });
    await sim.until(
      () =>
        sim.tasks('/api').length === 0 && sim.running('/web').length >= 5 && sim.settled() && routersAgree(),
      { what: '/api gone, /web settled' },
    );
    assert.deepEqual(
      sim.master.routingTable().routes.map((r) => r.servicePort),
      [10001],
    );

    // A new leader starts at a new version: agents get its whole table, then its patches.
    sim.routerTables.clear();
    await sim.restartMaster();
    await sim.until(() => sim.settled() && routersAgree(), { what: 'routers on the new leader' });
    await sim.master.putApp({ ...(sim.master.getApp('/web') as object), instances: 2 } as never, {
      force: false,
    });
    await sim.until(() => sim.running('/web').length === 2 && sim.settled() && routersAgree(), {
      what: 'scaled down on the new leader',
    });
  });
});
