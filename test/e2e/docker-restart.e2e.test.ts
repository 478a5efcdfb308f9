/**
 * Issue 5: kill -9 of `drover up` while containers run. After the restart the containers are
 * adopted, not restarted: same container ids, same tasks, TASK_RUNNING, still answering, logs
 * still readable. A container of this cluster that no task accounts for is removed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LABEL } from '../../src/agent/executors/docker/container-config.js';
import {
  BUSYBOX_IMAGE,
  buildTestImages,
  containersUnder,
  deferrer,
  HTTP_IMAGE,
  removeContainersUnder,
  requireDocker,
} from './support/docker-fixtures.js';
import { DroverProcess, http, waitFor } from './support/drover-process.js';

interface Task {
  id: string;
  host: string;
  ports: number[];
  state: string;
}

test('kill -9 of drover up: running containers are adopted (ids unchanged), strays removed', {
  timeout: 180_000,
}, async (t) => {
  const defer = deferrer(t);
  const engine = await requireDocker();
  defer(() => engine.close());
  await buildTestImages();
  const drover = await DroverProcess.start();
  defer(() => removeContainersUnder(engine, drover.dataDir));
  defer(() => drover.cleanup());
  const tasks = async () => (await drover.api.get<{ tasks: Task[] }>('/v2/apps/adopt/web/tasks')).tasks;

  await drover.api.json(
    'POST',
    '/v2/apps',
    {
      id: '/adopt/web',
      instances: 2,
      cpus: 0.1,
      mem: 32,
      // Logs a line a second, so the log copy can be seen to continue after the restart.
      cmd: 'mkdir -p /www && echo adopted > /www/index.html && httpd -p 80 -h /www && while true; do echo tick; sleep 1; done',
      container: {
        type: 'DOCKER',
        docker: {
          image: HTTP_IMAGE('v1'),
          network: 'BRIDGE',
          portMappings: [{ containerPort: 80, hostPort: 0 }],
        },
      },
    },
    [201],
  );
  const before = await waitFor(
    async () => {
      const ts = await tasks();
      return ts.length === 2 && ts.every((x) => x.state === 'TASK_RUNNING') ? ts : false;
    },
    { what: '2 running tasks', timeoutMs: 60_000 },
  );
  for (const x of before) {
    await waitFor(async () => (await http(`http://${x.host}:${x.ports[0]}/`)).text === 'adopted\n', {
      what: `${x.id} answering`,
    });
  }
  const idsBefore = (await containersUnder(engine, drover.dataDir)).map((c) => c.Id).sort();
  assert.equal(idsBefore.length, 2);

  await drover.kill9();
  // Still running without any drover.
  const orphaned = await containersUnder(engine, drover.dataDir);
  assert.deepEqual(
    orphaned.map((c) => c.State),
    ['running', 'running'],
  );

  // A container with this cluster's labels that no task accounts for (as if its sandbox had been
  // wiped): the restarted agent must remove it.
  const owner = orphaned[0]!.Labels[LABEL.owner]!;
  const stray = await engine.createContainer(`drover-stray-${process.pid}`, {
    Image: BUSYBOX_IMAGE,
    Cmd: ['sleep', '600'],
    Labels: { [LABEL.owner]: owner, [LABEL.taskId]: 'stray.1', [LABEL.appId]: '/stray' },
  });
  defer(() => engine.removeContainer(stray.Id));
  await engine.startContainer(stray.Id);

  await drover.restart();
  const after = await waitFor(
    async () => {
      const ts = await tasks();
      return ts.length === 2 && ts.every((x) => x.state === 'TASK_RUNNING') ? ts : false;
    },
    { what: 'tasks running after the restart', timeoutMs: 60_000 },
  );
  assert.deepEqual(after.map((x) => x.id).sort(), before.map((x) => x.id).sort(), 'same tasks');
  await waitFor(async () => (await engine.inspectContainer(stray.Id)) === undefined, {
    what: 'the stray container removed',
  });
  const idsAfter = (await containersUnder(engine, drover.dataDir)).map((c) => c.Id).sort();
  assert.deepEqual(idsAfter, idsBefore, 'adopted, not restarted: container ids unchanged');
  for (const c of await containersUnder(engine, drover.dataDir)) {
    const info = await engine.inspectContainer(c.Id);
    assert.equal(info?.State.Running, true);
    assert.equal(info?.RestartCount, 0);
  }
  for (const x of after) {
    assert.equal((await http(`http://${x.host}:${x.ports[0]}/`)).text, 'adopted\n');
  }

  // The log copy resumed: new ticks reach the task log API.
  const victim = after[0]!;
  const ticks = async () =>
    ((await drover.api.raw('GET', `/v2/tasks/${victim.id}/logs?stream=stdout`)).text.match(/tick/g) ?? [])
      .length;
  const seen = await ticks();
  await waitFor(async () => (await ticks()) > seen, { what: 'new log lines after the restart' });

  // Still supervised: a kill through the API stops and removes its container.
  await drover.api.json('POST', `/v2/tasks/delete?scale=true`, { ids: [victim.id] }, [200]);
  await waitFor(async () => (await containersUnder(engine, drover.dataDir)).length === 1, {
    what: 'the killed task container removed',
    timeoutMs: 60_000,
  });
});
