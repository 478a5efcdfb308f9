/**
 * What happens to a task when its agent reports on it. Terminal tasks leave the store (as in
 * Marathon, which keeps only live tasks plus the app's lastTaskFailure); an exit the master did
 * not ask for counts against the app's launch backoff.
 */
import type { AgentToMaster } from '../../domain/agent-protocol.js';
import { appIdOfTaskId } from '../../domain/app.js';
import { instanceCondition } from '../../domain/instance-condition.js';
import type { TaskRecord, TaskState } from '../../domain/task.js';
import { isTerminal } from '../../domain/task.js';
import type { MasterContext } from '../context.js';
import { startLaunchDelay } from './launch-delay.js';
import { announceHealth, isUnhealthyKill, recordUnhealthyKill, withChecks } from './task-health.js';

type UpdateMsg = Extract<AgentToMaster, { type: 'statusUpdate' }>;

/** States that delay the next launch (docs/backoff.md: failed and finished, never killed). */
const BACKOFF_STATES: ReadonlySet<TaskState> = new Set(['TASK_FAILED', 'TASK_FINISHED', 'TASK_ERROR']);

export async function applyStatusUpdate(ctx: MasterContext, agentId: string, msg: UpdateMsg): Promise<void> {
  const { state, deps } = ctx;
  const task = state.tasks.get(msg.taskId);
  if (!task || task.agentId !== agentId) {
    const fields = { agentId, taskId: msg.taskId, state: msg.state };
    if (task) {
      // The task is ours but placed on another agent: the agent should never report on it.
      deps.logger.warn(
        { ...fields, ownerAgentId: task.agentId },
        'status update for a task that belongs to another agent; killing it there',
      );
    } else {
      // Normal after a restart or failover: a re-sent update for a task already forgotten; or a
      // task an agent re-registered with that the master killed. Marathon announces the end.
      deps.logger.debug(fields, 'status update for an unknown task');
      if (isTerminal(msg.state)) {
        ctx.events.emit('unknown_instance_terminated_event', {
          instanceId: msg.taskId,
          runSpecId: msg.appId || appIdOfTaskId(msg.taskId),
          condition: instanceCondition(msg.state),
        });
      }
    }
    // A live task the master does not place on this agent must not run.
    if (!isTerminal(msg.state)) ctx.hub.send(agentId, { type: 'kill', taskId: msg.taskId, gracePeriodMs: 0 });
    return;
  }
  if (task.jobRun) return ctx.jobTasks.statusUpdate(msg, task);
  const now = deps.clock.now();
  // Killed by its agent for failing health checks: a failure of the app, unlike a kill we asked for.
  const unhealthyKill = isUnhealthyKill(task, msg);
  if (isTerminal(msg.state)) {
    if (unhealthyKill) recordUnhealthyKill(ctx, withChecks(task, msg), now);
    const unexpected = task.killRequestedAt === undefined && BACKOFF_STATES.has(msg.state);
    await forgetTask(ctx, task, msg.state, msg.message ?? msg.reason ?? '', unexpected);
    return;
  }
  // One copy, then the optional fields set on it: a conditional spread per field made a
  // temporary object each, on the path every status update takes.
  const base: TaskRecord = {
    ...task,
    // TASK_KILLING comes from the agent; never let a late RUNNING undo a requested kill.
    state: task.state === 'TASK_KILLING' && msg.state === 'TASK_RUNNING' ? task.state : msg.state,
    updatedAt: now,
  };
  if (msg.state === 'TASK_RUNNING' && task.startedAt === undefined) base.startedAt = msg.timestamp;
  if (msg.message !== undefined) base.message = msg.message;
  // Recorded as a kill, so the task no longer counts and its replacement may start.
  if (unhealthyKill) base.killRequestedAt = now;
  const next = withChecks(base, msg);
  await deps.store.putTask(next);
  state.tasks.set(next.id, next);
  await announceHealth(ctx, task, next);
  if (unhealthyKill) recordUnhealthyKill(ctx, next, now);
  // A new message in the same state is news too: pull progress while TASK_STARTING.
  const progress =
    next.state === 'TASK_STARTING' && msg.message !== undefined && msg.message !== task.message;
  if (next.state !== task.state || progress) announce(ctx, next, msg.message ?? '');
  ctx.trigger();
}

/** Marathon's status_update_event for a task's new state, and the instance_changed_event beside it. */
export function announce(ctx: MasterContext, task: TaskRecord, message: string): void {
  ctx.events.emit('status_update_event', {
    slaveId: task.agentId,
    taskId: task.id,
    taskStatus: task.state,
    message,
    appId: task.appId,
    host: task.host,
    ipAddresses: [{ ipAddress: task.host, protocol: 'IPv4' }],
    ports: task.ports,
    version: task.version,
  });
  ctx.events.emit('instance_changed_event', {
    instanceId: task.id,
    condition: instanceCondition(task.state),
    runSpecId: task.appId,
    agentId: task.agentId,
    host: task.host,
    runSpecVersion: task.version,
  });
}

/** Remove a finished task; record the failure and back off when it ended on its own. */
export async function forgetTask(
  ctx: MasterContext,
  task: TaskRecord,
  finalState: TaskState,
  message: string,
  countsAsFailure: boolean,
): Promise<void> {
  if (task.jobRun) return ctx.jobTasks.taskGone(task, finalState, message);
  const { state, deps } = ctx;
  const now = deps.clock.now();
  const app = state.apps.get(task.appId);
  const recordFailure =
    app !== undefined && finalState !== 'TASK_KILLED' && task.killRequestedAt === undefined;
  const failure = recordFailure
    ? {
        appId: task.appId,
        host: task.host,
        message,
        state: finalState,
        taskId: task.id,
        timestamp: new Date(now).toISOString(),
        version: task.version,
        slaveId: task.agentId,
      }
    : undefined;
  await deps.store.transaction(async (tx) => {
    await tx.deleteTask(task.id);
    if (failure) await tx.putTaskFailure(failure);
  });
  state.tasks.delete(task.id);
  state.ended.remember(task.id, task.agentId);
  announce(ctx, { ...task, state: finalState }, message);
  if (failure) state.failures.set(task.appId, failure);
  if (app && countsAsFailure) startLaunchDelay(ctx, app, now);
  deps.logger.info({ taskId: task.id, appId: task.appId, state: finalState, message }, 'task ended');
  ctx.trigger();
}
