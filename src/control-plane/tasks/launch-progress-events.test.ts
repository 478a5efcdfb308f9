/**
 * Slow launches (a Docker image pull) report progress as TASK_STARTING updates with a message; the
 * master keeps the message on the task and announces each new one on the event stream, so
 * `/v2/events` readers see a pull progress without polling.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Agent } from '../../agent/agent.js';
import type { Executor, RunningTask, TaskExit } from '../../agent/executors/executor.js';
import { tempDir } from '../../agent/testing/temp-dir.js';
import { waitFor } from '../../agent/testing/wait-for.js';
import { parseAppDefinition } from '../../domain/app-validate.js';
import { systemClock } from '../../platform/clock.js';
import { seededRandom, systemIds } from '../../platform/ids.js';
import { silentLogger } from '../../platform/logger.js';
import { createMemoryLinkPair } from '../../platform/memory-link.js';
import { createMemoryStore } from '../../store/memory-store.js';
import { Master } from '../master.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

test('pull progress messages become task messages and status_update_events', async () => {
  let pulled: () => void = () => {};
  const pulling = new Promise<void>((r) => {
    pulled = r;
  });
  const docker: Executor = {
    kind: 'docker',
    async launch(_spec, ctx): Promise<RunningTask> {
      ctx.progress?.('Pulling image reg/app:v1: 0/2 layers');
      ctx.progress?.('Pulling image reg/app:v1: 1/2 layers, 1.0/2.0 MB');
      await pulling;
      let end: (e: TaskExit) => void = () => {};
      const exited = new Promise<TaskExit>((r) => {
        end = r;
      });
      return { exited, kill: async () => end({ exitCode: null, signal: 'SIGKILL' }), detach: () => {} };
    },
  };
  const store = createMemoryStore();
  const master = await Master.create({
    store,
    clock: systemClock,
    ids: systemIds,
    random: seededRandom(1),
    logger: silentLogger(),
    http: { host: '127.0.0.1', port: 0 },
    reconcileIntervalMs: 50,
  });
  const events: Array<{ taskStatus: string; message: string }> = [];
  master.events.subscribe((e) => {
    if (e.eventType === 'status_update_event') {
      const p = e.payload as { taskStatus: string; message: string };
      events.push({ taskStatus: p.taskStatus, message: p.message });
    }
  });
  const dir = await tempDir('drover-progress-');
  const agent = new Agent({
    hostname: 'a1',
    address: '127.0.0.1',
    resources: { cpus: 2, mem: 1024, disk: 1000, ports: [[31000, 31100]] },
    attributes: {},
    workDir: dir.path,
    executors: { process: docker, docker },
    clock: systemClock,
    ids: systemIds,
    logger: silentLogger(),
    heartbeatIntervalMs: 1_000,
  });
  const { agentEnd, masterEnd } = createMemoryLinkPair();
  master.connectAgent(masterEnd);
  agent.connect(agentEnd);
  master.start();
  cleanups.push(async () => {
    await master.stop();
    await agent.stop({ killTasks: true });
    await dir.remove();
  });

  await master.createApp(
    parseAppDefinition({
      id: '/pulling',
      cpus: 0.1,
      mem: 16,
      container: { type: 'DOCKER', docker: { image: 'reg/app:v1' } },
      portDefinitions: [],
    }),
  );
  await waitFor(() => events.filter((e) => e.taskStatus === 'TASK_STARTING').length >= 3, 'progress events');
  assert.deepEqual(
    events.filter((e) => e.taskStatus === 'TASK_STARTING').map((e) => e.message),
    ['', 'Pulling image reg/app:v1: 0/2 layers', 'Pulling image reg/app:v1: 1/2 layers, 1.0/2.0 MB'],
  );
  const [task] = master.listTasks('/pulling');
  assert.equal(task?.message, 'Pulling image reg/app:v1: 1/2 layers, 1.0/2.0 MB');
  pulled();
  await waitFor(() => events.some((e) => e.taskStatus === 'TASK_RUNNING'), 'running');
});
