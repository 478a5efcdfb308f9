/**
 * Issue 5, the packaging pipeline end to end, as the README walks through it: two versions of a
 * tiny HTTP service image built FROM scratch with busybox-static, pushed to a local registry that
 * wants credentials, deployed from there (3 instances, HTTP health check on a BRIDGE port mapping),
 * then upgraded by changing the image tag. Every answer after the deployment comes from v2.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DockerEngine } from '../../src/agent/executors/docker/engine-client.js';
import {
  buildTestImages,
  containersUnder,
  deferrer,
  LocalRegistry,
  removeContainersUnder,
  removeImageTags,
  requireDocker,
} from './support/docker-fixtures.js';
import { DroverProcess, http, waitFor } from './support/drover-process.js';

interface Task {
  id: string;
  host: string;
  ports: number[];
  state: string;
  version: string;
  healthCheckResults?: Array<{ alive: boolean }>;
}

interface AppView {
  version: string;
  deployments: Array<{ id: string }>;
  tasks: Task[];
  tasksHealthy: number;
}

const healthy = (t: Task) =>
  t.state === 'TASK_RUNNING' &&
  (t.healthCheckResults ?? []).length > 0 &&
  t.healthCheckResults!.every((r) => r.alive);

async function body(t: Task): Promise<string> {
  const res = await http(`http://${t.host}:${t.ports[0]}/`, { timeoutMs: 2_000 });
  if (res.status !== 200) throw new Error(`${t.id} answered ${res.status}`);
  return res.text.trim();
}

test('pipeline: build v1 and v2, push to a local registry, deploy v1 x3 with health checks, roll to v2', {
  timeout: 240_000,
}, async (t) => {
  const defer = deferrer(t);
  const engine: DockerEngine = await requireDocker();
  defer(() => engine.close());
  const registry = await LocalRegistry.start({ auth: { username: 'drover', password: 'pipeline-secret' } });
  defer(() => registry.stop());
  const image = (v: string) => `${registry.address}/drover/http:${v}`;
  await buildTestImages({ pushTo: registry.address, dockerConfig: registry.dockerConfig });
  // Only the registry has these names now: the agents must pull, with the credentials.
  await removeImageTags([image('v1'), image('v2')]);
  defer(() => removeImageTags([image('v1'), image('v2')]));

  const drover = await DroverProcess.start({ args: ['--registry-auth', registry.writeAgentAuthFile()] });
  defer(() => removeContainersUnder(engine, drover.dataDir));
  defer(() => drover.cleanup());
  const { api } = drover;
  const app = async () => (await api.get<{ app: AppView }>('/v2/apps/pipeline/web')).app;

  const definition = {
    id: '/pipeline/web',
    instances: 3,
    cpus: 0.1,
    mem: 32,
    container: {
      type: 'DOCKER',
      docker: {
        image: image('v1'),
        network: 'BRIDGE',
        portMappings: [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp', name: 'http' }],
      },
    },
    healthChecks: [
      {
        protocol: 'HTTP',
        path: '/health',
        portIndex: 0,
        gracePeriodSeconds: 30,
        intervalSeconds: 1,
        timeoutSeconds: 1,
        maxConsecutiveFailures: 3,
      },
    ],
    // busybox httpd as PID 1 ignores SIGTERM: a short grace keeps the rollout quick.
    taskKillGracePeriodSeconds: 1,
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
  };
  await api.json('POST', '/v2/apps', definition, [201]);
  const v1 = await waitFor(
    async () => {
      const a = await app();
      return a.tasks.length === 3 && a.tasks.every(healthy) && a.deployments.length === 0 ? a : false;
    },
    { what: '3 healthy v1 tasks', timeoutMs: 90_000 },
  );
  for (const task of v1.tasks) assert.equal(await body(task), 'v1', `${task.id} serves v1`);
  const v1Containers = await containersUnder(engine, drover.dataDir);
  assert.equal(v1Containers.length, 3);
  assert.ok(v1Containers.every((c) => c.Image === image('v1')));

  const put = await api.json<{ version: string; deploymentId: string }>(
    'PUT',
    '/v2/apps/pipeline/web',
    {
      ...definition,
      container: { ...definition.container, docker: { ...definition.container.docker, image: image('v2') } },
    },
    [200],
  );
  assert.ok(put.deploymentId);
  const v2 = await waitFor(
    async () => {
      const a = await app();
      const done =
        a.deployments.length === 0 &&
        a.tasks.length === 3 &&
        a.tasks.every((x) => healthy(x) && x.version === put.version);
      return done ? a : false;
    },
    { what: 'the deployment to v2 to finish', timeoutMs: 120_000 },
  );

  // After the deployment, whoever answers is v2: every task, several rounds.
  const answers: string[] = [];
  for (let round = 0; round < 5; round++) {
    for (const task of v2.tasks) answers.push(await body(task));
  }
  assert.deepEqual([...new Set(answers)], ['v2']);
  const containers = await containersUnder(engine, drover.dataDir);
  assert.deepEqual(
    containers.map((c) => c.Image),
    [image('v2'), image('v2'), image('v2')],
    'no v1 container left',
  );

  await api.json('DELETE', '/v2/apps/pipeline/web', undefined, [200]);
  await waitFor(async () => (await containersUnder(engine, drover.dataDir)).length === 0, {
    what: 'containers removed after the app is deleted',
    timeoutMs: 60_000,
  });
});
