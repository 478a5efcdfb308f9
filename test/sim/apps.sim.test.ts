/** Apps kept at their instance count, through crashes, scaling, deletion and master restarts. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Master } from '../../src/control-plane/master.js';
import { seededRandom, sequentialIds } from '../../src/platform/ids.js';
import { silentLogger } from '../../src/platform/logger.js';
import { createMemoryLinkPair } from '../../src/platform/memory-link.js';
import { createSim, type Sim } from './harness.js';

const web = (over: Record<string, unknown> = {}) => ({
  id: '/web',
  cmd: 'serve',
  instances: 3,
  cpus: 0.1,
  mem: 32,
  backoffSeconds: 1,
  ...over,
});

describe('apps in simulation', () => {
  let sim: Sim;
  afterEach(async () => {
    await sim?.stop();
  });

  it('launches every instance, spread over agents, each with its own host port', async () => {
    sim = await createSim();
    await sim.deploy(web());
    await sim.until(() => sim.running('/web').length === 3, { what: '3 running' });
    const tasks = sim.running('/web');
    assert.deepEqual(new Set(tasks.map((t) => t.host)).size, 2, 'both agents used');
    const hostPorts = tasks.map((t) => `${t.host}:${t.ports[0]}`);
    assert.equal(new Set(hostPorts).size, 3);
    const env = sim.executors.flatMap((e) => e.running()).map((t) => t.env);
    for (const e of env) {
      assert.equal(e.PORT0, e.PORT);
      assert.equal(e.MARATHON_APP_ID, '/web');
      assert.ok(e.MESOS_TASK_ID?.startsWith('web.'));
      assert.ok(e.MESOS_SANDBOX);
    }
  });

  it('replaces a crashed task after the backoff delay, growing the delay on repeated crashes', async () => {
    sim = await createSim();
    await sim.deploy(web({ instances: 1, backoffSeconds: 10, backoffFactor: 2 }));
    await sim.until(() => sim.running('/web').length === 1);
    const first = sim.running('/web')[0]!;
    const exec = sim.executors.find((e) => e.tasks.has(first.id))!;
    exec.exit(first.id, { exitCode: 1, signal: null });
    await sim.until(() => sim.tasks('/web').length === 0, { stepMs: 10, what: 'crashed task forgotten' });
    const crashedAt = sim.clock.now();
    assert.equal(sim.master.lastTaskFailure('/web')?.taskId, first.id);
    assert.equal(sim.master.queue()[0]?.delay.overdue ?? false, false);
    // Measured from the replacement's stagedAt (the pass that placed it), not from when the test saw
    // it running: the fake clock keeps stepping while the agent's real file I/O starts the task.
    await sim.until(() => sim.running('/web').length === 1, { stepMs: 100, what: 'replacement' });
    const waited = sim.running('/web')[0]!.stagedAt - crashedAt;
    assert.ok(waited >= 10_000 && waited < 12_000, `first delay ~10 s, was ${waited}`);

    const second = sim.running('/web')[0]!;
    sim.executors.find((e) => e.tasks.has(second.id))!.exit(second.id, { exitCode: 1, signal: null });
    await sim.until(() => sim.tasks('/web').length === 0, { stepMs: 10 });
    const crashed2 = sim.clock.now();
    await sim.until(() => sim.running('/web').length === 1, { stepMs: 100 });
    const waited2 = sim.running('/web')[0]!.stagedAt - crashed2;
    assert.ok(waited2 >= 20_000 && waited2 < 22_000, `second delay ~20 s, was ${waited2}`);
  });

  it('DELETE delay lets a delayed app launch at once', async () => {
    sim = await createSim();
    await sim.deploy(web({ instances: 1, backoffSeconds: 300 }));
    await sim.until(() => sim.running('/web').length === 1);
    const t = sim.running('/web')[0]!;
    sim.executors.find((e) => e.tasks.has(t.id))!.exit(t.id, { exitCode: 2, signal: null });
    await sim.until(() => sim.master.queue().length === 1, { stepMs: 10 });
    assert.ok(sim.master.queue()[0]!.delay.timeLeftSeconds > 200);
    await sim.master.resetDelay('/web');
    await sim.until(() => sim.running('/web').length === 1, { stepMs: 10, maxMs: 2_000 });
  });

  it('scales 3 -> 5 -> 1 killing the youngest first', async () => {
    sim = await createSim();
    await sim.deploy(web());
    await sim.until(() => sim.running('/web').length === 3 && sim.settled());
    const app = sim.master.getApp('/web')!;
    await sim.master.putApp({ ...app, instances: 5 }, { force: false });
    await sim.until(() => sim.running('/web').length === 5 && sim.settled());
    const byAge = [...sim.running('/web')].sort((a, b) => a.stagedAt - b.stagedAt);
    await sim.master.putApp({ ...sim.master.getApp('/web')!, instances: 1 }, { force: false });
    await sim.until(() => sim.tasks('/web').length === 1, { what: 'scaled to 1' });
    assert.equal(sim.tasks('/web')[0]!.id, byAge[0]!.id, 'the oldest task survives YOUNGEST_FIRST');
    const after = sim.master.getApp('/web')!;
    assert.equal(
      after.versionInfo.lastConfigChangeAt,
      app.versionInfo.lastConfigChangeAt,
      'scaling is no config change',
    );
  });

  it('kill with scale lowers instances; kill without scale gets a replacement', async () => {
    sim = await createSim();
    await sim.deploy(web());
    await sim.until(() => sim.running('/web').length === 3 && sim.settled());
    const [a, b] = sim.running('/web');
    await sim.master.killTasks([a!.id], { scale: true, force: false });
    await sim.until(() => sim.tasks('/web').length === 2);
    assert.equal(sim.master.getApp('/web')!.instances, 2);
    await sim.master.killTasks([b!.id], { scale: false, force: false });
    await sim.until(() => sim.running('/web').length === 2 && !sim.tasks('/web').some((t) => t.id === b!.id));
    assert.equal(sim.master.getApp('/web')!.instances, 2);
  });

  it('deleting an app kills all its tasks', async () => {
    sim = await createSim();
    await sim.deploy(web());
    await sim.until(() => sim.running('/web').length === 3 && sim.settled());
    await sim.master.deleteApp('/web', { force: false });
    await sim.until(() => sim.tasks().length === 0, { what: 'all tasks gone' });
    assert.equal(sim.executors.flatMap((e) => e.running()).length, 0);
    assert.equal(sim.master.getApp('/web'), undefined);
  });

  it('reports per-agent reasons for instances that cannot be placed', async () => {
    sim = await createSim();
    await sim.deploy(web({ instances: 3, constraints: [['hostname', 'UNIQUE']] }));
    await sim.until(() => sim.running('/web').length === 2 && sim.master.queue().length === 1);
    const q = sim.master.queue()[0]!;
    assert.equal(q.count, 1);
    assert.equal(q.rejections.length, 2);
    for (const r of q.rejections)
      assert.ok(
        r.reasons.some((x) => /UNIQUE|Constraint/i.test(x)),
        r.reasons.join(),
      );
  });

  it('a restarted master adopts the tasks it stored and kills the ones it did not', async () => {
    sim = await createSim();
    await sim.deploy(web({ instances: 3 }));
    await sim.until(() => sim.running('/web').length === 3);
    await sim.master.stop();
    // The agents keep their tasks; one of them is missing from the store (as if never stored).
    const [stray, ...known] = sim.running('/web').map((t) => t.id);
    await sim.store.deleteTask(stray!);
    const master2 = await Master.create({
      store: sim.store,
      clock: sim.clock,
      ids: sequentialIds(),
      random: seededRandom(2),
      logger: silentLogger(),
      http: { host: '127.0.0.1', port: 8080 },
    });
    master2.start();
    sim.master = master2;
    for (const agent of sim.agents) {
      const { agentEnd, masterEnd } = createMemoryLinkPair();
      master2.connectAgent(masterEnd);
      agent.connect(agentEnd);
    }
    await sim.until(
      () => sim.running('/web').length === 3 && sim.executors.every((e) => e.running().length <= 2),
      {
        what: 'stray killed and replaced',
      },
    );
    const strayTask = sim.executors.map((e) => e.tasks.get(stray!)).find((t) => t)!;
    assert.equal(strayTask.exited, true, 'the unknown task was killed');
    const now = sim.running('/web').map((t) => t.id);
    for (const id of known) assert.ok(now.includes(id), `known task ${id} adopted, not relaunched`);
    for (const id of known) {
      const launches = sim.executors.filter((e) => e.tasks.has(id)).length;
      assert.equal(launches, 1);
    }
  });
});

describe('restart in simulation', () => {
  it('replaces every task with a new one, keeping enough running on the way', async () => {
    const sim = await createSim();
    try {
      await sim.deploy(web({ instances: 2 }));
      await sim.until(() => sim.running('/web').length === 2 && sim.settled());
      const before = new Set(sim.running('/web').map((t) => t.id));
      let minRunning = 2;
      await sim.master.restartApp('/web', { force: false });
      await sim.until(
        () => {
          minRunning = Math.min(minRunning, sim.running('/web').length);
          const now = sim.tasks('/web');
          return now.length === 2 && now.every((t) => !before.has(t.id) && t.state === 'TASK_RUNNING');
        },
        { stepMs: 10, what: 'all tasks replaced' },
      );
      assert.equal(minRunning, 2, 'minimumHealthCapacity 1 keeps both serving');
    } finally {
      await sim.stop();
    }
  });
});
