/**
 * Status updates the master cannot apply: a task placed on another agent (a protocol oddity, logged
 * as a warning) or one it does not know (normal after a restart, debug only). Either way a live
 * task is killed on the reporting agent and nothing about the stored task changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentToMaster, MasterToAgent } from '../../domain/agent-protocol.js';
import type { TaskRecord, TaskState } from '../../domain/task.js';
import { systemClock } from '../../platform/clock.js';
import { seededRandom, systemIds } from '../../platform/ids.js';
import { createMemoryStore } from '../../store/memory-store.js';
import type { AgentHub } from '../agents/agent-hub.js';
import { RoutePush } from '../agents/route-push.js';
import type { MasterContext } from '../context.js';
import { DeploymentsState } from '../deployments/deployments-state.js';
import { EventBus } from '../events/event-bus.js';
import { MasterState } from '../master-state.js';
import { captureLog } from '../testing/log-capture.js';
import { applyStatusUpdate } from './task-lifecycle.js';

const task: TaskRecord = {
  id: 'web.t1',
  appId: '/web',
  version: '2026-01-01T00:00:00.000Z',
  agentId: 'agent-b',
  host: '10.0.0.2',
  ports: [],
  servicePorts: [],
  state: 'TASK_RUNNING',
  stagedAt: 1,
  updatedAt: 1,
  resources: { cpus: 0.1, mem: 16, disk: 0 },
};

function setup() {
  const log = captureLog();
  const state = new MasterState();
  state.tasks.set(task.id, task);
  const sent: Array<{ agentId: string; msg: MasterToAgent }> = [];
  const hub = {
    send(agentId: string, msg: MasterToAgent) {
      sent.push({ agentId, msg });
      return true;
    },
    // Routing table pushes go to every agent; these tests look only at what one agent is sent.
    broadcastRoutes() {},
  } as unknown as AgentHub;
  const events = new EventBus(() => Date.now());
  const ctx: MasterContext = {
    deps: {
      store: createMemoryStore(),
      clock: systemClock,
      ids: systemIds,
      random: seededRandom(1),
      logger: log.logger,
      http: { host: '127.0.0.1', port: 0 },
    },
    state,
    hub,
    events,
    trigger: () => {},
    routes: new RoutePush(hub, state, events, { clock: systemClock, logger: log.logger }),
    deployments: new DeploymentsState(),
    // No task here is a job run's: reaching the job runtime would be a routing bug.
    jobTasks: {
      statusUpdate: async () => assert.fail('routed to the job runtime'),
      taskGone: async () => assert.fail('routed to the job runtime'),
    },
  };
  return { ctx, log, sent, state, events };
}

const update = (taskId: string, state: TaskState): Extract<AgentToMaster, { type: 'statusUpdate' }> => ({
  type: 'statusUpdate',
  updateId: 'u1',
  agentId: 'agent-a',
  taskId,
  appId: '/web',
  state,
  timestamp: 2,
});

test("an update from an agent for another agent's task is killed there and logged as a warning", async () => {
  const { ctx, log, sent, state } = setup();
  await applyStatusUpdate(ctx, 'agent-a', update('web.t1', 'TASK_RUNNING'));
  assert.deepEqual(sent, [{ agentId: 'agent-a', msg: { type: 'kill', taskId: 'web.t1', gracePeriodMs: 0 } }]);
  const warns = log.lines.filter((l) => l.level === 40);
  assert.equal(warns.length, 1);
  assert.equal(warns[0]!.agentId, 'agent-a');
  assert.equal(warns[0]!.taskId, 'web.t1');
  assert.equal(warns[0]!.ownerAgentId, 'agent-b');
  assert.deepEqual(state.tasks.get('web.t1'), task);
});

test('an update for an unknown task is killed without a warning (debug only); a terminal one is just dropped', async () => {
  const { ctx, log, sent } = setup();
  await applyStatusUpdate(ctx, 'agent-a', update('gone.t9', 'TASK_RUNNING'));
  await applyStatusUpdate(ctx, 'agent-a', update('gone.t8', 'TASK_FINISHED'));
  assert.deepEqual(sent, [
    { agentId: 'agent-a', msg: { type: 'kill', taskId: 'gone.t9', gracePeriodMs: 0 } },
  ]);
  assert.equal(log.lines.filter((l) => (l.level as number) >= 40).length, 0, JSON.stringify(log.lines));
  const debug = log.lines.filter((l) => l.level === 20);
  assert.deepEqual(
    debug.map((l) => l.taskId),
    ['gone.t9', 'gone.t8'],
  );
  assert.equal(debug[0]!.agentId, 'agent-a');
});

test('a terminal update for an unknown task is announced as unknown_instance_terminated_event', async () => {
  const { ctx, events } = setup();
  const seen: Array<{ eventType: string; payload: unknown }> = [];
  events.subscribe((e) => seen.push(e));
  await applyStatusUpdate(ctx, 'agent-a', update('gone.t9', 'TASK_RUNNING'));
  await applyStatusUpdate(ctx, 'agent-a', update('gone.t8', 'TASK_KILLED'));
  // An agent that never knew the task reports no app: the id names it, as in Marathon.
  await applyStatusUpdate(ctx, 'agent-a', { ...update('prod_api.t7', 'TASK_LOST'), appId: '' });
  // Known task, other agent: not unknown, no such event.
  await applyStatusUpdate(ctx, 'agent-a', update('web.t1', 'TASK_FAILED'));
  assert.deepEqual(
    seen.filter((e) => e.eventType === 'unknown_instance_terminated_event').map((e) => e.payload),
    [
      { instanceId: 'gone.t8', runSpecId: '/web', condition: 'Killed' },
      { instanceId: 'prod_api.t7', runSpecId: '/prod/api', condition: 'Gone' },
    ],
  );
});
