/**
 * Route push versions and acknowledgements: a kill proceeds only once every router that
 * acknowledges tables (agents' routers, `drover router` processes) has taken the table without
 * the task, or once the bounded wait is over; the long poll of `GET /v2/routes?after=V`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MasterToAgent } from '../../domain/agent-protocol.js';
import type { AppDefinition } from '../../domain/app.js';
import type { TaskRecord } from '../../domain/task.js';
import { silentLogger } from '../../platform/logger.js';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import type { MasterContext } from '../context.js';
import { EventBus } from '../events/event-bus.js';
import { MasterState } from '../master-state.js';
import { requestKill } from '../tasks/launcher.js';
import type { AgentHub } from './agent-hub.js';
import { RoutePush } from './route-push.js';

function setup(ackTimeoutMs = 1_000) {
  const clock = new FakeClock();
  const state = new MasterState();
  state.apps.set('/web', {
    id: '/web',
    portDefinitions: [{ port: 10555, protocol: 'tcp' }],
    labels: {},
    healthChecks: [],
    readinessChecks: [],
  } as unknown as AppDefinition);
  for (const id of ['web.1', 'web.2']) {
    state.tasks.set(id, {
      id,
      appId: '/web',
      agentId: 'a1',
      host: '127.0.0.1',
      ports: [id === 'web.1' ? 25001 : 25002],
      resources: { cpus: 0.1, mem: 32, disk: 0 },
      state: 'TASK_RUNNING',
    } as TaskRecord);
  }
  const sent: Array<{ to: string; msg: MasterToAgent }> = [];
  const hub = {
    // An agent of each kind: one that applies patches, one that takes whole tables.
    broadcastRoutes: (patch: MasterToAgent, whole: () => MasterToAgent) => {
      sent.push({ to: '*', msg: whole() });
      sent.push({ to: 'patched', msg: patch });
    },
    send: (to: string, msg: MasterToAgent) => {
      sent.push({ to, msg });
      return true;
    },
  } as unknown as AgentHub;
  const routes = new RoutePush(hub, state, new EventBus(() => clock.now()), {
    clock,
    logger: silentLogger(),
    ackTimeoutMs,
  });
  const ctx = {
    deps: { store: { putTask: async () => undefined } },
    state,
    hub,
    routes,
  } as unknown as MasterContext;
  const kills = () =>
    sent.filter((s) => s.msg.type === 'kill').map((s) => (s.msg as { taskId: string }).taskId);
  const kill = (id: string) => requestKill(ctx, state.tasks.get(id)!, clock.now(), { grace: 1_000 });
  return { clock, state, sent, routes, kills, kill };
}

test('each changed table gets a higher version, starting at the clock; an unchanged one is not sent', () => {
  const { clock, routes, sent } = setup();
  const v1 = routes.refresh();
  assert.ok(v1 > clock.now(), 'versions start at the clock, so a new leader passes an old one');
  assert.equal(routes.refresh(), v1);
  assert.equal(sent.length, 2);
  assert.deepEqual(
    sent.map((s) => (s.msg as { version?: number }).version),
    [v1, v1],
  );
});

test('a change goes to patching agents as a patch from the version before; the whole table to others', () => {
  const { routes, sent, state } = setup();
  const v1 = routes.refresh();
  sent.length = 0;
  state.tasks.set('web.3', {
    ...state.tasks.get('web.1')!,
    id: 'web.3',
    ports: [25003],
  });
  const v2 = routes.refresh();
  assert.equal(v2, v1 + 1);
  const whole = sent.find((s) => s.to === '*')!.msg;
  const patch = sent.find((s) => s.to === 'patched')!.msg;
  assert.deepEqual(whole, { type: 'routes', table: routes.table(), version: v2 });
  assert.deepEqual(patch, {
    type: 'routesPatch',
    from: v1,
    version: v2,
    patch: {
      removed: [],
      routes: [],
      backends: [
        { servicePort: 10555, added: [{ taskId: 'web.3', host: '127.0.0.1', port: 25003 }], removed: [] },
      ],
    },
  });
});

test('without acknowledging routers a kill is sent at once', async () => {
  const { kill, kills } = setup();
  await kill('web.1');
  assert.deepEqual(kills(), ['web.1']);
});

test("a kill waits for an agent router's acknowledgement of the table without the task", async () => {
  const { routes, kill, kills, clock } = setup();
  routes.applied('a1', routes.refresh());
  await kill('web.1');
  assert.deepEqual(kills(), [], 'not before the router took the table');
  const table = routes.table();
  assert.deepEqual(
    table.routes[0]?.backends.map((b) => b.taskId),
    ['web.2'],
    'the pushed table has no web.1',
  );
  await clock.advance(100);
  assert.deepEqual(kills(), []);
  routes.applied('a1', routes.version());
  await clock.advance(0);
  assert.deepEqual(kills(), ['web.1']);
});

test('a router that does not acknowledge holds the kill only for the bounded wait', async () => {
  const { routes, kill, kills, clock } = setup(1_000);
  routes.applied('a1', routes.refresh());
  await kill('web.1');
  await clock.advance(999);
  assert.deepEqual(kills(), []);
  await clock.advance(1);
  assert.deepEqual(kills(), ['web.1']);
});

test('a router that disconnects is not waited for', async () => {
  const { routes, kill, kills, clock } = setup();
  routes.applied('a1', routes.refresh());
  routes.applied('a2', routes.version());
  await kill('web.1');
  routes.applied('a1', routes.version());
  await clock.advance(0);
  assert.deepEqual(kills(), [], 'a2 has not acknowledged yet');
  routes.disconnected('a2');
  await clock.advance(0);
  assert.deepEqual(kills(), ['web.1']);
});

test('a drover router acknowledges by asking for what follows; one gone silent is forgotten', async () => {
  const { routes, kill, kills, clock } = setup(60_000);
  const v = routes.refresh();
  routes.externalRouterApplied('haproxy-1', v);
  await kill('web.1');
  await clock.advance(10);
  assert.deepEqual(kills(), []);
  routes.externalRouterApplied('haproxy-1', routes.version());
  await clock.advance(0);
  assert.deepEqual(kills(), ['web.1']);
  // Silent for longer than a long poll could last: no longer waited for.
  await clock.advance(80_000);
  await kill('web.2');
  assert.deepEqual(kills(), ['web.1', 'web.2']);
});

test('the long poll answers on a change, after its wait, on abort, and at once for another version', async () => {
  const { routes, clock, state } = setup();
  const v = routes.refresh();
  let done = false;
  void routes.changedAfter(v, 25_000).then(() => {
    done = true;
  });
  await clock.advance(1_000);
  assert.equal(done, false);
  state.tasks.delete('web.2');
  routes.refresh();
  await clock.advance(0);
  assert.equal(done, true, 'a change answers');

  const v2 = routes.version();
  let timedOut = false;
  void routes.changedAfter(v2, 5_000).then(() => {
    timedOut = true;
  });
  await clock.advance(5_000);
  assert.equal(timedOut, true, 'the wait ends');

  const gone = new AbortController();
  let aborted = false;
  void routes.changedAfter(v2, 25_000, gone.signal).then(() => {
    aborted = true;
  });
  gone.abort();
  await clock.advance(0);
  assert.equal(aborted, true, 'a client that left ends its wait');

  let other = false;
  void routes.changedAfter(v2 - 7, 25_000).then(() => {
    other = true;
  });
  await clock.advance(0);
  assert.equal(other, true, 'a router behind (or following an earlier leader) gets the table at once');
});
