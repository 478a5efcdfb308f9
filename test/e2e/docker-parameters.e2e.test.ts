/**
 * Issue 13, Docker parameters, on a real `drover up` and the real engine: an app with add-host,
 * log-opt, dns, label and cap-drop runs and `docker inspect` shows each; an app with cap-add
 * waits in /v2/queue with the reason when the agents lack --allow-privileged; an unknown key is
 * a 422 naming it and the supported list.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import {
  BUSYBOX_IMAGE,
  containersUnder,
  deferrer,
  removeContainersUnder,
  requireDocker,
} from './support/docker-fixtures.js';
import { DroverProcess, waitFor } from './support/drover-process.js';

interface Inspect {
  Config: { Labels: Record<string, string> };
  HostConfig: {
    ExtraHosts: string[] | null;
    Dns: string[] | null;
    CapDrop: string[] | null;
    LogConfig: { Type: string; Config: Record<string, string> };
  };
}

test('docker parameters reach the engine; host-widening ones need --allow-privileged', {
  timeout: 180_000,
}, async (t) => {
  const defer = deferrer(t);
  const engine = await requireDocker();
  defer(() => engine.close());
  const drover = await DroverProcess.start({ agents: 1 });
  defer(() => removeContainersUnder(engine, drover.dataDir));
  defer(() => drover.cleanup());
  const { api } = drover;

  await api.json('POST', '/v2/apps', {
    id: '/params',
    cmd: 'sleep 600',
    cpus: 0.1,
    mem: 32,
    container: {
      type: 'DOCKER',
      docker: {
        image: BUSYBOX_IMAGE,
        network: 'BRIDGE',
        parameters: [
          { key: 'add-host', value: 'db.internal:10.1.2.3' },
          { key: 'add-host', value: 'cache.internal:10.1.2.4' },
          { key: 'log-driver', value: 'json-file' },
          { key: 'log-opt', value: 'max-size=10m' },
          { key: 'log-opt', value: 'max-file=2' },
          { key: 'dns', value: '10.9.9.9' },
          { key: 'label', value: 'team=web' },
          { key: 'cap-drop', value: 'NET_RAW' },
        ],
      },
    },
  });
  const container = await waitFor(
    async () => {
      const tasks = (await api.get<{ tasks: Array<{ state: string }> }>('/v2/apps/params/tasks')).tasks;
      if (!tasks.some((x) => x.state === 'TASK_RUNNING')) return undefined;
      return (await containersUnder(engine, drover.dataDir))[0];
    },
    { what: 'the /params container running', timeoutMs: 90_000 },
  );
  const [inspect] = JSON.parse(execFileSync('docker', ['inspect', container.Id]).toString()) as Inspect[];
  assert.ok(inspect);
  assert.deepEqual(inspect.HostConfig.ExtraHosts, ['db.internal:10.1.2.3', 'cache.internal:10.1.2.4']);
  assert.deepEqual(inspect.HostConfig.Dns, ['10.9.9.9']);
  assert.deepEqual(inspect.HostConfig.CapDrop, ['NET_RAW']);
  assert.equal(inspect.HostConfig.LogConfig.Type, 'json-file');
  assert.deepEqual(inspect.HostConfig.LogConfig.Config, { 'max-size': '10m', 'max-file': '2' });
  assert.equal(inspect.Config.Labels.team, 'web');

  await api.json('POST', '/v2/apps', {
    id: '/widening',
    cmd: 'sleep 600',
    cpus: 0.1,
    mem: 32,
    container: {
      type: 'DOCKER',
      docker: { image: BUSYBOX_IMAGE, parameters: [{ key: 'cap-add', value: 'NET_ADMIN' }] },
    },
  });
  const waiting = await waitFor(
    async () => {
      const q = (
        await api.get<{ queue: Array<{ app: { id: string }; processedOffersSummary?: unknown }> }>(
          '/v2/queue',
        )
      ).queue;
      return q.find((e) => e.app.id === '/widening');
    },
    { what: '/widening waiting in the queue', timeoutMs: 30_000 },
  );
  const why = JSON.stringify(waiting);
  t.diagnostic(`queue entry: ${why.slice(0, 400)}`);
  assert.match(why, /NoPrivilegedCapability/);
  const tasks = (await api.get<{ tasks: unknown[] }>('/v2/apps/widening/tasks')).tasks;
  assert.deepEqual(tasks, [], 'nothing placed on an agent without --allow-privileged');

  const bad = await api.raw('POST', '/v2/apps', {
    body: {
      id: '/unknown-param',
      container: {
        type: 'DOCKER',
        docker: { image: BUSYBOX_IMAGE, parameters: [{ key: 'userns', value: 'host' }] },
      },
    },
  });
  assert.equal(bad.status, 422, bad.text);
  assert.match(bad.text, /docker parameter 'userns' is not supported; supported: .*add-host/);
});
