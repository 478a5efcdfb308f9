/**
 * Compatibility: the npm `marathon-node` client (its own request-promise calls and its EventSource)
 * drives a real `drover up`: info, apps (create, list, get, update/scale, versions, restart, tasks,
 * kill with scale), tasks (list, kill), deployments (list while one runs, destroy = rollback),
 * groups (create, get, update, destroy) and the event stream (createEventSource with an
 * event_type filter receives status updates and deployment events). Nothing is gated on the
 * version: /v2/info says 1.10.0. Its /v2/eventSubscriptions calls (create, list, delete) reach a
 * receiver on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';

// biome-ignore lint/suspicious/noExplicitAny: the client is untyped JavaScript
type Any = any;
const Marathon = createRequire(import.meta.url)('marathon-node') as (url: string) => Any;

interface Task {
  id: string;
  appId: string;
  state: string;
}

const app = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  cmd: 'sleep 600',
  cpus: 0.05,
  mem: 16,
  instances: 1,
  portDefinitions: [],
  ...over,
});

test('marathon-node drives apps, tasks, deployments, groups and the event stream', {
  timeout: 240_000,
}, async (t) => {
  const d = await DroverProcess.startFor(t, { agents: 2 });
  const client = Marathon(d.api.baseUrl);
  const running = async (appId: string, n: number): Promise<Task[]> =>
    waitFor(
      async () => {
        const { tasks } = (await client.app.getTasks(appId)) as { tasks: Task[] };
        const live = tasks.filter((x) => x.state === 'TASK_RUNNING');
        return live.length === n && tasks.length === n ? live : undefined;
      },
      { what: `${n} running tasks of ${appId}`, timeoutMs: 60_000 },
    );
  const settled = () =>
    waitFor(async () => ((await client.deployments.getList()) as unknown[]).length === 0 || undefined, {
      what: 'no deployment running',
      timeoutMs: 60_000,
    });

  // Event stream first, so it sees what follows.
  const seen: Array<{ type: string; data: Record<string, unknown> }> = [];
  const es = client.events.createEventSource({
    eventType: ['status_update_event', 'deployment_success', 'group_change_success'],
  });
  t.after(() => es.close());
  for (const type of ['status_update_event', 'deployment_success', 'group_change_success']) {
    es.addEventListener(type, (e: { data: string }) => seen.push({ type, data: JSON.parse(e.data) }));
  }
  await waitFor(() => es.readyState === 1 || undefined, { what: 'the event source open' });

  const info = (await client.info.get()) as { version: string; name: string };
  assert.equal(info.version, '1.10.0');

  // Apps.
  const created = (await client.app.create(app('/node/web'))) as { id: string; deployments: unknown[] };
  assert.equal(created.id, '/node/web');
  assert.equal(created.deployments.length, 1);
  await running('/node/web', 1);
  const list = (await client.app.getList({ id: 'node' })) as { apps: Array<{ id: string }> };
  assert.deepEqual(
    list.apps.map((a) => a.id),
    ['/node/web'],
  );
  const scaled = (await client.app.update('/node/web', { instances: 3 })) as { deploymentId: string };
  assert.equal(typeof scaled.deploymentId, 'string');
  const three = await running('/node/web', 3);
  const one = (await client.app.getOne('/node/web')) as { app: { instances: number; tasks: Task[] } };
  assert.equal(one.app.instances, 3);
  const versions = (await client.app.getVersions('/node/web')) as { versions: string[] };
  assert.ok(versions.versions.length >= 2);
  const v1 = (await client.app.getVersion('/node/web', versions.versions.at(-1))) as { instances: number };
  assert.equal(v1.instances, 1);
  await settled();

  // Tasks: kill one with scale through the app, one through /v2/tasks/delete with scale.
  await client.app.killTask('/node/web', three[0]!.id, true);
  await running('/node/web', 2);
  const all = (await client.tasks.getList()) as { tasks: Task[] };
  const mine = all.tasks.filter((x) => x.appId === '/node/web');
  assert.equal(mine.length, 2);
  await client.tasks.kill({ ids: [mine[0]!.id] }, true);
  await running('/node/web', 1);
  assert.equal(((await client.app.getOne('/node/web')) as { app: { instances: number } }).app.instances, 1);
  await settled();

  // Deployments: a version that never turns healthy stays listed; destroying it rolls back.
  await client.app.update('/node/web', {
    cmd: 'sleep 601',
    healthChecks: [{ protocol: 'COMMAND', command: { value: 'false' }, gracePeriodSeconds: 300 }],
  });
  const deployments = (await waitFor(
    async () => {
      const ds = (await client.deployments.getList()) as Array<{ id: string; affectedApps: string[] }>;
      return ds.length > 0 ? ds : undefined;
    },
    { what: 'the deployment listed' },
  )) as Array<{ id: string; affectedApps: string[] }>;
  assert.deepEqual(deployments[0]!.affectedApps, ['/node/web']);
  const rolledBack = (await client.deployments.destroy(deployments[0]!.id)) as { deploymentId: string };
  assert.notEqual(rolledBack.deploymentId, deployments[0]!.id);
  await settled();
  assert.equal(((await client.app.getOne('/node/web')) as { app: { cmd: string } }).app.cmd, 'sleep 600');
  await client.app.restart('/node/web');
  await settled();

  // Groups.
  await client.groups.create({ id: '/node/batch', apps: [app('/node/batch/worker')] });
  await running('/node/batch/worker', 1);
  const group = (await client.groups.getOne('/node/batch')) as { id: string; apps: Array<{ id: string }> };
  assert.equal(group.id, '/node/batch');
  assert.deepEqual(
    group.apps.map((a) => a.id),
    ['/node/batch/worker'],
  );
  await settled();
  await client.groups.update('/node/batch', { scaleBy: 2 });
  await running('/node/batch/worker', 2);
  await settled();
  await client.groups.destroy('/node/batch');
  await client.app.destroy('/node/web');
  await waitFor(
    async () => ((await client.tasks.getList()) as { tasks: Task[] }).tasks.length === 0 || undefined,
    { what: 'every task gone', timeoutMs: 60_000 },
  );
  const root = (await client.groups.getList()) as { groups: Array<{ id: string }> };
  assert.deepEqual(
    root.groups.flatMap((g) => g.id),
    ['/node'],
  );

  // Event subscriptions through the client's own calls: a receiver on 127.0.0.1 gets the events
  // as POSTs, starting with its own subscribe_event; after delete it is no longer listed.
  const posted: Array<{ eventType: string; callbackUrl?: string }> = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      posted.push(JSON.parse(body));
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(() => receiver.close());
  const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;
  const subscribed = (await client.subscriptions.create(callbackUrl)) as Record<string, unknown>;
  assert.equal(subscribed.eventType, 'subscribe_event');
  assert.equal(subscribed.callbackUrl, callbackUrl);
  assert.deepEqual(await client.subscriptions.getList(), { callbackUrls: [callbackUrl] });
  await waitFor(
    () => posted.some((e) => e.eventType === 'subscribe_event' && e.callbackUrl === callbackUrl) || undefined,
    { what: 'the receiver got its subscribe_event', timeoutMs: 30_000 },
  );
  const unsubscribed = (await client.subscriptions.delete(callbackUrl)) as Record<string, unknown>;
  assert.equal(unsubscribed.eventType, 'unsubscribe_event');
  assert.deepEqual(await client.subscriptions.getList(), { callbackUrls: [] });

  // The event stream saw it all, through the client's own EventSource and filter.
  const statuses = seen.filter((e) => e.type === 'status_update_event');
  assert.ok(statuses.some((e) => e.data.appId === '/node/web' && e.data.taskStatus === 'TASK_RUNNING'));
  assert.ok(statuses.some((e) => e.data.taskStatus === 'TASK_KILLED'));
  assert.ok(seen.some((e) => e.type === 'deployment_success'));
  assert.ok(seen.some((e) => e.type === 'group_change_success'));
  assert.ok(seen.every((e) => e.data.eventType === e.type && typeof e.data.timestamp === 'string'));
});
