/**
 * A real Marathon client on our event stream: npm marathon-event-bus-client (EventSource under the
 * hood, dispatching on `event:` lines) against a simulated cluster (real Master, fake executors)
 * behind the real API server on a loopback port. The cluster runs on the fake clock; the stream
 * runs on real sockets, so the test drives the cluster first and then waits for the client.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import { createSim, type Sim } from './harness.js';

interface BusClient {
  subscribe(): void;
  on(event: string, fn: (data: unknown) => void): void;
  es?: { close(): void };
}
type BusClientCtor = new (opts: Record<string, unknown>) => BusClient;
const MarathonEventBusClient = createRequire(import.meta.url)('marathon-event-bus-client') as BusClientCtor;

interface Received {
  type: string;
  data: Record<string, unknown>;
}

// The client only subscribes to types on its own list, which lacks api_post_event (and
// unhealthy_instance_kill_event); those are covered by the SSE tests in src/api/events.
const TYPES = [
  'status_update_event',
  'instance_changed_event',
  'app_terminated_event',
  'deployment_info',
  'deployment_step_success',
  'deployment_success',
  'deployment_failed',
  'group_change_success',
];

/** Resolves once `pred` holds over what the client received; fails (not sleeps) after a bound. */
function waitForEvents(
  got: Received[],
  wake: Set<() => void>,
  what: string,
  pred: (g: Received[]) => boolean,
) {
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!pred(got)) return;
      clearTimeout(timer);
      wake.delete(check);
      resolve();
    };
    const timer = setTimeout(() => {
      wake.delete(check);
      reject(new Error(`client did not receive ${what}; got ${got.map((g) => g.type).join(', ')}`));
    }, 15_000);
    wake.add(check);
    check();
  });
}

function subscribeClient(port: number, got: Received[], wake: Set<() => void>): BusClient {
  const handlers = Object.fromEntries(
    TYPES.map((t) => [
      t,
      (_name: string, data: Record<string, unknown>) => {
        got.push({ type: t, data });
        for (const w of [...wake]) w();
      },
    ]),
  );
  const c = new MarathonEventBusClient({
    marathonHost: '127.0.0.1',
    marathonPort: port,
    eventTypes: TYPES,
    handlers,
  });
  c.subscribe();
  return c;
}

describe('npm marathon-event-bus-client against Drover', () => {
  let sim: Sim | undefined;
  let api: FastifyInstance | undefined;
  let client: BusClient | undefined;
  afterEach(async () => {
    client?.es?.close();
    await api?.close();
    await sim?.stop();
  });

  it('receives status updates, instance changes and app_terminated_event for an app lifecycle', async () => {
    sim = await createSim();
    api = buildApiServer({ master: sim.master });
    await api.listen({ host: '127.0.0.1', port: 0 });
    const port = (api.server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;

    const got: Received[] = [];
    const wake = new Set<() => void>();
    client = subscribeClient(port, got, wake);
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    await new Promise<void>((resolve) => client?.on('subscribed', () => resolve()));

    const created = await fetch(`${base}/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '/web', cmd: 'serve', instances: 2, cpus: 0.1, mem: 32 }),
    });
    assert.equal(created.status, 201);
    await sim.until(() => sim?.running('/web').length === 2, { what: '2 running' });
    const running = (g: Received[]) =>
      g.filter((e) => e.type === 'status_update_event' && e.data.taskStatus === 'TASK_RUNNING');
    await waitForEvents(got, wake, 'two TASK_RUNNING updates', (g) => running(g).length === 2);

    const first = running(got)[0];
    assert.equal(first?.data.eventType, 'status_update_event');
    assert.equal(typeof first?.data.timestamp, 'string');
    const taskIds = sim.running('/web').map((t) => t.id);
    assert.deepEqual(
      running(got)
        .map((e) => e.data.taskId)
        .sort(),
      [...taskIds].sort(),
    );
    for (const e of running(got)) {
      assert.equal(e.data.appId, '/web');
      assert.equal(e.data.slaveId, sim.running('/web').find((t) => t.id === e.data.taskId)?.agentId);
    }
    const conditions = got.filter(
      (e) => e.type === 'instance_changed_event' && e.data.condition === 'Running',
    );
    assert.deepEqual(conditions.map((e) => e.data.instanceId).sort(), [...taskIds].sort());

    const deleted = await fetch(`${base}/v2/apps/web`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    await sim.until(() => sim?.tasks('/web').length === 0, { what: 'tasks killed' });
    await waitForEvents(
      got,
      wake,
      'app_terminated_event and two TASK_KILLED',
      (g) =>
        g.some((e) => e.type === 'app_terminated_event' && e.data.appId === '/web') &&
        g.filter((e) => e.type === 'status_update_event' && e.data.taskStatus === 'TASK_KILLED').length === 2,
    );
    assert.deepEqual(errors, []);
  });
  it('receives each deployment as deployment_info ... deployment_success, in order', async () => {
    sim = await createSim();
    api = buildApiServer({ master: sim.master });
    await api.listen({ host: '127.0.0.1', port: 0 });
    const port = (api.server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;
    const got: Received[] = [];
    const wake = new Set<() => void>();
    client = subscribeClient(port, got, wake);
    await new Promise<void>((resolve) => client?.on('subscribed', () => resolve()));

    const created = await fetch(`${base}/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '/web', cmd: 'serve v1', instances: 2, cpus: 0.1, mem: 32 }),
    });
    assert.equal(created.status, 201);
    const first = created.headers.get('marathon-deployment-id');
    await sim.until(() => sim?.running('/web').length === 2 && sim?.master.deployments().length === 0, {
      what: 'first deployment done',
    });
    const upgraded = await fetch(`${base}/v2/apps/web`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cmd: 'serve v2' }),
    });
    assert.equal(upgraded.status, 200);
    const second = ((await upgraded.json()) as { deploymentId: string }).deploymentId;
    await sim.until(() => sim?.master.deployments().length === 0, { what: 'upgrade done' });

    const ofDeployment = (id: string | null) =>
      got
        .filter((e) => (e.data.plan as { id?: string } | undefined)?.id === id || e.data.id === id)
        .map((e) => e.type);
    for (const id of [first, second]) {
      await waitForEvents(got, wake, `deployment_success of ${id}`, () =>
        ofDeployment(id).includes('deployment_success'),
      );
      const seq = ofDeployment(id);
      assert.equal(seq[0], 'deployment_info', `${id}: ${seq.join(', ')}`);
      assert.equal(seq.at(-1), 'deployment_success', `${id}: ${seq.join(', ')}`);
      assert.ok(seq.includes('deployment_step_success'), `${id}: ${seq.join(', ')}`);
      assert.ok(!seq.includes('deployment_failed'));
    }
    const info = got.find(
      (e) => e.type === 'deployment_info' && (e.data.plan as { id?: string }).id === second,
    );
    const step = info?.data.currentStep as { actions: Array<{ action: string; app: string }> } | undefined;
    const actions = step?.actions ?? [];
    assert.deepEqual(
      actions.map((a) => [a.action, a.app]),
      [['RestartApplication', '/web']],
    );
    assert.ok(got.some((e) => e.type === 'group_change_success'));
  });
});
