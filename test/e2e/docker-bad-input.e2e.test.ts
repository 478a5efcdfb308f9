/**
 * Issue 5, bad input for Docker apps: definitions that can never run are refused with a 422
 * (missing image, unknown network mode, two mappings on one fixed host port, a docker parameter
 * outside the safe subset); an image that cannot be pulled fails its tasks with the engine's
 * message, retried with backoff, visible in lastTaskFailure and /v2/queue; and a cluster without
 * Docker keeps a DOCKER app waiting in /v2/queue with the reason, instead of failing silently.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deferrer, removeContainersUnder, requireDocker } from './support/docker-fixtures.js';
import { DroverProcess, waitFor } from './support/drover-process.js';

const docker = (dockerFields: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: '/bad/app',
  cpus: 0.1,
  mem: 32,
  container: { type: 'DOCKER', docker: { image: 'drover-test/busybox:latest', ...dockerFields } },
  ...extra,
});

interface Detail {
  path: string;
  errors: string[];
}

test('docker bad input: 422s, an unpullable image, and a cluster without Docker', {
  timeout: 180_000,
}, async (t) => {
  const defer = deferrer(t);
  const engine = await requireDocker();
  defer(() => engine.close());
  const drover = await DroverProcess.start();
  defer(() => removeContainersUnder(engine, drover.dataDir));
  defer(() => drover.cleanup());
  const { api } = drover;

  await t.test('definitions that can never run are a 422 with the path of the problem', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['missing image', { id: '/bad/app', container: { type: 'DOCKER', docker: {} } }, '/container/docker'],
      ['unknown network mode', docker({ network: 'OVERLAY' }), '/container/docker/network'],
      ['unknown networks mode', { ...docker({}), networks: [{ mode: 'overlay' }] }, '/networks'],
      [
        'hostPort conflict',
        docker({
          network: 'BRIDGE',
          portMappings: [
            { containerPort: 80, hostPort: 31555 },
            { containerPort: 81, hostPort: 31555 },
          ],
        }),
        '/container/docker/portMappings',
      ],
      [
        'hostPort conflict under requirePorts',
        docker(
          { network: 'HOST' },
          { requirePorts: true, portDefinitions: [{ port: 31555 }, { port: 31555 }] },
        ),
        '/portDefinitions',
      ],
      [
        'unsupported docker parameter',
        docker({ parameters: [{ key: 'userns', value: 'host' }] }),
        '/container/docker/parameters(0)/key',
      ],
      [
        'container network without a name',
        { ...docker({}), networks: [{ mode: 'container' }] },
        '/networks(0)/name',
      ],
      [
        'relative containerPath in a Docker container',
        {
          id: '/bad/app',
          container: {
            type: 'DOCKER',
            docker: { image: 'drover-test/busybox:latest' },
            volumes: [{ containerPath: 'data', hostPath: '/tmp', mode: 'RO' }],
          },
        },
        '/container/volumes(0)/containerPath',
      ],
      ['malformed image', docker({ image: 'UPPER::bad' }), '/container/docker/image'],
    ];
    for (const [what, body, path] of cases) {
      const res = await api.raw('POST', '/v2/apps', { body });
      assert.equal(res.status, 422, `${what}: ${res.text}`);
      const details = (res.json as { details: Detail[] }).details;
      assert.ok(
        details.some((d) => d.path.startsWith(path)),
        `${what}: expected a problem at ${path}, got ${JSON.stringify(details)}`,
      );
    }
    const { apps } = await api.get<{ apps: unknown[] }>('/v2/apps');
    assert.equal(apps.length, 0, 'nothing was created');
  });

  await t.test(
    'an image that cannot be pulled: TASK_FAILED with the engine message, retried with backoff',
    async () => {
      // Nothing listens on port 1: the engine's own error comes back.
      await api.json(
        'POST',
        '/v2/apps',
        docker(
          { image: '127.0.0.1:1/drover/missing:v1' },
          // A first delay of 3 s, then 30 s: wide apart, so no timing on a busy machine decides.
          { id: '/bad/unpullable', cmd: 'true', backoffSeconds: 3, backoffFactor: 10 },
        ),
        [201],
      );
      type Failure = { taskId: string; state: string; message: string; timestamp: string };
      const failureOf = async () =>
        (await api.get<{ app: { lastTaskFailure?: Failure } }>('/v2/apps/bad/unpullable')).app
          .lastTaskFailure;
      const first = await waitFor(failureOf, { what: 'a first lastTaskFailure', timeoutMs: 60_000 });
      assert.equal(first.state, 'TASK_FAILED');
      assert.match(
        first.message,
        /Failed to pull image 127\.0\.0\.1:1\/drover\/missing:v1: .*127\.0\.0\.1:1/,
      );
      assert.match(first.message, /connection refused/);

      // Right after the failure the app waits out its launch delay: backoffSeconds, no more.
      type Delay = { timeLeftSeconds: number; overdue: boolean };
      const delayOf = async () => {
        const { queue } = await api.get<{ queue: Array<{ app: { id: string }; delay: Delay }> }>('/v2/queue');
        return queue.find((q) => q.app.id === '/bad/unpullable')?.delay;
      };
      const firstDelay = await waitFor(
        async () => {
          const d = await delayOf();
          return d && !d.overdue ? d : false;
        },
        { what: '/bad/unpullable delayed in /v2/queue after its first failure', timeoutMs: 10_000 },
      );
      assert.ok(
        firstDelay.timeLeftSeconds > 0 && firstDelay.timeLeftSeconds <= 3,
        JSON.stringify(firstDelay),
      );

      // Retried once the delay is over: a later task fails the same way.
      const second = await waitFor(
        async () => {
          const f = await failureOf();
          return f && f.taskId !== first.taskId ? f : false;
        },
        { what: 'a retry failing too', timeoutMs: 60_000 },
      );
      assert.match(second.message, /Failed to pull image/);
      // The first delay was over before the retry, so the delay in force now is the second one:
      // backoffSeconds * backoffFactor = 30 s, longer than the first could ever be.
      const secondDelay = await waitFor(
        async () => {
          const d = await delayOf();
          return d && !d.overdue ? d : false;
        },
        { what: '/bad/unpullable delayed again after its second failure', timeoutMs: 10_000 },
      );
      assert.ok(
        secondDelay.timeLeftSeconds > 3,
        `second delay ${JSON.stringify(secondDelay)} should exceed the first (backoffFactor 10)`,
      );
      await api.json('DELETE', '/v2/apps/bad/unpullable', undefined, [200]);
    },
  );

  await t.test('without Docker, a DOCKER app waits in /v2/queue with NoDockerCapability', async () => {
    const plain = await DroverProcess.start({ args: ['--docker', 'off'] });
    defer(() => plain.cleanup());
    await waitFor(() => /Docker tasks disabled \(--docker off\)/.test(plain.output()), {
      what: 'drover up saying Docker is off',
    });
    await plain.api.json('POST', '/v2/apps', docker({}, { id: '/bad/nodocker', cmd: 'sleep 100' }), [201]);
    const entry = await waitFor(
      async () => {
        const { queue } = await plain.api.get<{
          queue: Array<{ app: { id: string }; unplacedReasons?: Array<{ reasons: string[] }> }>;
        }>('/v2/queue?embed=unplacedReasons');
        const e = queue.find((q) => q.app.id === '/bad/nodocker');
        return e && (e.unplacedReasons ?? []).length > 0 ? e : false;
      },
      { what: 'the app in the queue with its reasons' },
    );
    assert.ok(
      entry.unplacedReasons!.every((r) => r.reasons.includes('NoDockerCapability')),
      JSON.stringify(entry.unplacedReasons),
    );
    const { app } = await plain.api.get<{ app: { tasks: unknown[]; lastTaskFailure?: unknown } }>(
      '/v2/apps/bad/nodocker',
    );
    assert.deepEqual(app.tasks, [], 'nothing launched');
    assert.equal(app.lastTaskFailure, undefined, 'not failed: waiting');
  });
});
