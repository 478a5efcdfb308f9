import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sequentialIds } from '../platform/ids.js';
import { silentLogger } from '../platform/logger.js';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { Agent } from './agent.js';
import type { Executor, RunningTask, TaskExit } from './executors/executor.js';
import { FakeMaster } from './testing/fake-master.js';
import { shellTask } from './testing/task-spec.js';
import { tempDir } from './testing/temp-dir.js';

let root: { path: string; remove: () => Promise<void> };
before(async () => {
  root = await tempDir();
});
after(() => root.remove());

test('launch progress (an image pull) goes out as TASK_STARTING messages before TASK_RUNNING', async () => {
  let finish: (e: TaskExit) => void = () => {};
  const slow: Executor = {
    kind: 'docker',
    async launch(_spec, ctx): Promise<RunningTask> {
      ctx.progress?.('Pulling image x: 0/2 layers');
      ctx.progress?.('Pulling image x: 2/2 layers');
      const exited = new Promise<TaskExit>((r) => {
        finish = r;
      });
      return { exited, kill: async () => finish({ exitCode: null, signal: 'SIGTERM' }), detach: () => {} };
    },
  };
  const agent = new Agent({
    hostname: 'h',
    address: '127.0.0.1',
    resources: { cpus: 1, mem: 128, disk: 0, ports: [] },
    attributes: {},
    workDir: join(root.path, 'agent'),
    executors: { process: slow, docker: slow },
    clock: new FakeClock(),
    ids: sequentialIds(),
    logger: silentLogger(),
    heartbeatIntervalMs: 1_000,
  });
  const master = FakeMaster.connect(agent, { autoAck: true });
  const reg = await master.accept(agent, 'a1');
  assert.deepEqual(reg.capabilities, { docker: true, privileged: false, limits: false });
  const spec = {
    ...shellTask('d.1', 'x'),
    container: {
      type: 'DOCKER' as const,
      docker: { image: 'x', privileged: false, parameters: [], forcePullImage: false },
      volumes: [],
    },
  };
  master.send({ type: 'launch', task: spec });
  await master.untilState('d.1', 'TASK_RUNNING');
  const updates = master.received.flatMap((m) =>
    m.type === 'statusUpdate' && m.taskId === 'd.1' ? [[m.state, m.message]] : [],
  );
  assert.deepEqual(updates, [
    ['TASK_STARTING', undefined],
    ['TASK_STARTING', 'Pulling image x: 0/2 layers'],
    ['TASK_STARTING', 'Pulling image x: 2/2 layers'],
    ['TASK_RUNNING', undefined],
  ]);
  await agent.stop({ killTasks: true });
});
