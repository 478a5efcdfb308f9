/** Draining an agent: no new tasks land on it, and its tasks move within the upgrade strategy. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createSim, type Sim } from './harness.js';

const web = (over: Record<string, unknown> = {}) => ({
  id: '/web',
  cmd: 'serve',
  instances: 4,
  cpus: 0.1,
  mem: 32,
  ...over,
});

describe('agent drain in simulation', () => {
  let sim: Sim;
  afterEach(async () => {
    await sim?.stop();
  });

  it('moves every task off a draining agent, never dropping below the minimum healthy', async () => {
    sim = await createSim();
    await sim.deploy(web());
    await sim.until(() => sim.running('/web').length === 4, { what: '4 running' });
    const onA = () => sim.tasks('/web').filter((t) => t.agentId === 'agent-agent-a');
    assert.ok(onA().length > 0, 'some tasks start on agent a');

    let minRunning = Number.POSITIVE_INFINITY;
    await sim.master.drainAgent('agent-agent-a');
    await sim.until(
      () => {
        minRunning = Math.min(minRunning, sim.running('/web').length);
        return onA().length === 0 && sim.running('/web').length === 4;
      },
      { what: 'all tasks moved to agent b' },
    );
    assert.ok(minRunning >= 4, `minimumHealthCapacity 1 keeps 4 running, saw ${minRunning}`);
    assert.ok(sim.tasks('/web').every((t) => t.agentId === 'agent-agent-b'));
    assert.equal(sim.master.agents().find((a) => a.id === 'agent-agent-a')?.draining, true);
    assert.equal((await sim.store.getAgent('agent-agent-a'))?.draining, true, 'persisted');

    // Scaling up while drained places nothing on the drained agent; undrain lets it take tasks.
    await sim.master.putApp({ ...sim.master.getApp('/web')!, instances: 6 }, { force: false });
    await sim.until(() => sim.running('/web').length === 6, { what: '6 running' });
    assert.equal(onA().length, 0);
    await sim.master.undrainAgent('agent-agent-a');
    assert.equal(sim.master.agents().find((a) => a.id === 'agent-agent-a')?.draining, undefined);
  });

  it('refuses to drain an unknown agent', async () => {
    sim = await createSim();
    await assert.rejects(sim.master.drainAgent('nope'), /does not exist/);
  });
});
