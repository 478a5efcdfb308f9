/**
 * Task logs through the API on a simulated cluster: a task that failed is gone from /v2/tasks, but
 * its stderr is still read from the agent that ran it (and after a master restart, through the
 * app's lastTaskFailure).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import { createSim, type Sim } from './harness.js';

const crasher = {
  id: '/crasher',
  cmd: 'echo starting; echo boom >&2; exit 1',
  instances: 1,
  cpus: 0.1,
  mem: 32,
  backoffSeconds: 3600,
};

describe('task logs after the task ended (simulation)', () => {
  let sim: Sim;
  let api: FastifyInstance;
  afterEach(async () => {
    await api?.close();
    await sim?.stop();
  });

  async function failedTask(): Promise<string> {
    // Every task writes its own id to stderr and exits 1 at once.
    sim = await createSim({
      program: (spec) => ({ stdout: 'starting\n', stderr: `boom from ${spec.taskId}\n`, exitCode: 1 }),
    });
    api = buildApiServer({ master: sim.master, clock: sim.clock });
    await sim.deploy(crasher);
    await sim.until(() => sim.master.lastTaskFailure('/crasher') !== undefined, {
      stepMs: 10,
      what: 'a failure',
    });
    const failed = sim.master.lastTaskFailure('/crasher')!;
    assert.equal(failed.state, 'TASK_FAILED');
    assert.equal(sim.master.getTask(failed.taskId), undefined, 'the failed task left the task list');
    return failed.taskId;
  }

  const logs = (taskId: string, q = '') => api.inject(`/v2/tasks/${encodeURIComponent(taskId)}/logs${q}`);

  it("serves a failed task's stderr and stdout from its agent", async () => {
    const taskId = await failedTask();
    const tasks = (await api.inject('/v2/tasks')).json() as { tasks: Array<{ id: string }> };
    assert.ok(!tasks.tasks.some((t) => t.id === taskId), 'not listed in /v2/tasks any more');

    const err = await logs(taskId, '?stream=stderr');
    assert.equal(err.statusCode, 200, err.body);
    assert.match(String(err.headers['content-type']), /^text\/plain/);
    assert.equal(err.body, `boom from ${taskId}\n`);
    const out = await logs(taskId, '?stream=stdout&tail=1');
    assert.equal(out.statusCode, 200, out.body);
    assert.equal(out.body, 'starting\n');
  });

  it("after a master restart, the app's lastTaskFailure still locates the failed task's logs", async () => {
    const taskId = await failedTask();
    await sim.restartMaster();
    await api.close();
    api = buildApiServer({ master: sim.master, clock: sim.clock });
    await sim.until(() => sim.master.agents().length === 2 && sim.master.agents().every((a) => a.connected), {
      what: 'agents back',
    });
    assert.equal(sim.master.lastTaskFailure('/crasher')?.taskId, taskId);
    const err = await logs(taskId, '?stream=stderr');
    assert.equal(err.statusCode, 200, err.body);
    assert.equal(err.body, `boom from ${taskId}\n`);
  });

  it('a task the master never knew is still 404', async () => {
    await failedTask();
    const res = await logs('crasher.00000000-0000-0000-0000-000000000000', '?stream=stderr');
    assert.equal(res.statusCode, 404, res.body);
    assert.match(res.json().message, /does not exist/);
  });
});
