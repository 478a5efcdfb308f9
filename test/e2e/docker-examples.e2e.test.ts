/**
 * Issue 5: the seed demo in containers, from locally built images (examples/docker/): the busybox
 * date loop, the HTTP image on service port 8080 behind a BRIDGE port mapping, and the Chronos
 * job whose command runs in a DOCKER container.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildTestImages,
  containersUnder,
  deferrer,
  removeContainersUnder,
  requireDocker,
} from './support/docker-fixtures.js';
import { DroverProcess, http, repoRoot, waitFor } from './support/drover-process.js';

const example = (f: string) => JSON.parse(readFileSync(join(repoRoot, 'examples', 'docker', f), 'utf8'));

interface Task {
  id: string;
  host: string;
  ports: number[];
  state: string;
  servicePorts?: number[];
  healthCheckResults?: Array<{ alive: boolean }>;
}

test('seed demo in Docker: date loop, HTTP image on service port 8080 (BRIDGE), Chronos job in a container', {
  timeout: 180_000,
}, async (t) => {
  const defer = deferrer(t);
  const engine = await requireDocker();
  defer(() => engine.close());
  await buildTestImages();
  const drover = await DroverProcess.start();
  defer(() => removeContainersUnder(engine, drover.dataDir));
  defer(() => drover.cleanup());
  const { api } = drover;

  await api.json('POST', '/v2/apps', example('date-loop.json'), [201]);
  await api.json('POST', '/v2/apps', example('web.json'), [201]);
  await api.json('POST', '/scheduler/iso8601', example('job-date.json'), [204]);

  // The HTTP image: two healthy instances answering on their host ports, service port 8080.
  const web = await waitFor(
    async () => {
      const { app } = await api.get<{
        app: { container: { portMappings: Array<{ servicePort: number }> }; tasks: Task[] };
      }>('/v2/apps/demo/docker/web');
      const ok =
        app.tasks.length === 2 &&
        app.tasks.every(
          (x) => x.state === 'TASK_RUNNING' && (x.healthCheckResults ?? []).some((r) => r.alive),
        );
      return ok ? app : false;
    },
    { what: 'two healthy web tasks', timeoutMs: 90_000 },
  );
  assert.deepEqual(
    web.container.portMappings.map((m) => m.servicePort),
    [8080],
  );
  assert.deepEqual(
    web.tasks.map((x) => x.servicePorts),
    [[8080], [8080]],
  );
  for (const x of web.tasks) assert.equal((await http(`http://${x.host}:${x.ports[0]}/`)).text, 'v1\n');

  // The date loop prints a time every 10 s into its task log.
  const [dateTask] = await waitFor(
    async () => {
      const { tasks } = await api.get<{ tasks: Task[] }>('/v2/apps/demo/docker/date-loop/tasks');
      return tasks.length === 1 && tasks[0]!.state === 'TASK_RUNNING' ? tasks : false;
    },
    { what: 'the date loop running' },
  );
  await waitFor(
    async () => /^\d\d:\d\d:\d\d$/m.test((await api.raw('GET', `/v2/tasks/${dateTask!.id}/logs`)).text),
    { what: 'a time in the date loop log', timeoutMs: 30_000 },
  );

  // The job: started by hand, it runs in a container and succeeds; its output is in the run log.
  await api.json('PUT', '/scheduler/job/docker-print-date', undefined, [204]);
  const run = await waitFor(
    async () => {
      const { runs } = await api.get<{ runs: Array<{ outcome: string; dueAt: string }> }>(
        '/scheduler/job/docker-print-date/runs',
      );
      return runs.find((r) => r.outcome === 'succeeded');
    },
    { what: 'a succeeded run of the docker job', timeoutMs: 60_000 },
  );
  const log = await api.raw(
    'GET',
    `/scheduler/job/docker-print-date/runs/${encodeURIComponent(run.dueAt)}/logs`,
  );
  assert.match(log.text, /of docker-print-date in a container/);

  // Only the two app containers and the date loop remain: the job's container was removed.
  await waitFor(async () => (await containersUnder(engine, drover.dataDir)).length === 3, {
    what: 'the finished job container removed',
  });
});
