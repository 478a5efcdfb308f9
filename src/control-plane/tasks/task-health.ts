/**
 * What the health and readiness an agent reports about a task change on the master, and which of
 * Marathon's health events they make. The agent decides everything (it runs the checks and kills
 * an unhealthy task itself); the master keeps the results for the API and the deployment logic,
 * announces them, and treats a kill for failed health checks as a failure of the app:
 *
 *   statusUpdate {healthCheckResults, healthy}  ─► failed_health_check_event (each new failure)
 *                                               ─► health_status_changed_event (a check's alive flips)
 *                                               ─► instance_health_changed_event (the task's verdict flips)
 *   statusUpdate TASK_KILLING, UNHEALTHY_KILL_REASON ─► unhealthy_instance_kill_event (and its old name
 *                                                       unhealthy_task_kill_event), launch backoff,
 *                                                       kill recorded (a replacement may start)
 *
 * Marathon's docs: "each time a task fails, is lost, or is killed due to failing too many health
 * checks, the launch delay for that app's tasks increases".
 */
import { type AgentToMaster, UNHEALTHY_KILL_REASON } from '../../domain/agent-protocol.js';
import type { HealthCheck } from '../../domain/app.js';
import type { HealthCheckResult, TaskRecord } from '../../domain/task.js';
import type { MasterContext } from '../context.js';
import { startLaunchDelay } from './launch-delay.js';

type UpdateMsg = Extract<AgentToMaster, { type: 'statusUpdate' }>;

/**
 * The task with the checks of `msg` applied. An update that carries results carries the whole
 * picture, so a verdict it leaves out is unknown again, not kept from before.
 */
export function withChecks(task: TaskRecord, msg: UpdateMsg): TaskRecord {
  const next: TaskRecord = { ...task };
  if (msg.healthCheckResults) {
    next.healthCheckResults = msg.healthCheckResults;
    if (msg.healthy === undefined) delete next.healthy;
    else next.healthy = msg.healthy;
  } else if (msg.healthy !== undefined) {
    next.healthy = msg.healthy;
  }
  if (msg.readinessCheckResults) {
    next.readinessCheckResults = msg.readinessCheckResults;
    if (msg.ready === undefined) delete next.ready;
    else next.ready = msg.ready;
  } else if (msg.ready !== undefined) {
    next.ready = msg.ready;
  }
  return next;
}

/** The agent killed this task for failing its health checks, and the master did not ask for a kill. */
export function isUnhealthyKill(task: TaskRecord, msg: UpdateMsg): boolean {
  return msg.reason === UNHEALTHY_KILL_REASON && task.killRequestedAt === undefined;
}

/** Announces the unhealthy kill and makes the app's next launch wait, as a crash would. */
export function recordUnhealthyKill(ctx: MasterContext, task: TaskRecord, now: number): void {
  const failing = task.healthCheckResults?.find((r) => !r.alive && r.lastFailureCause !== null);
  const kill = {
    appId: task.appId,
    taskId: task.id,
    version: task.version,
    reason: failing?.lastFailureCause ?? 'unknown',
    host: task.host,
    slaveId: task.agentId,
  };
  ctx.events.emit('unhealthy_instance_kill_event', { ...kill, instanceId: task.id });
  ctx.events.emit('unhealthy_task_kill_event', kill);
  const app = ctx.state.apps.get(task.appId);
  if (app) {
    startLaunchDelay(ctx, app, now);
  }
  ctx.deps.logger.info({ taskId: task.id, appId: task.appId }, 'task killed by its agent: unhealthy');
}

/** Marathon's health events for what changed between two versions of a task. */
export async function announceHealth(
  ctx: MasterContext,
  before: TaskRecord,
  after: TaskRecord,
): Promise<void> {
  const now = after.healthCheckResults ?? [];
  const was = before.healthCheckResults ?? [];
  let checks: HealthCheck[] | undefined;
  for (const [i, r] of now.entries()) {
    const prev: Pick<HealthCheckResult, 'alive' | 'lastFailure'> = was[i] ?? {
      alive: false,
      lastFailure: null,
    };
    if (r.lastFailure !== null && r.lastFailure !== prev.lastFailure) {
      checks ??= await healthChecksOf(ctx, after);
      const healthCheck = checks[i];
      if (healthCheck) {
        ctx.events.emit('failed_health_check_event', {
          appId: after.appId,
          instanceId: after.id,
          healthCheck,
        });
      }
    }
    if (r.alive !== prev.alive) {
      ctx.events.emit('health_status_changed_event', {
        appId: after.appId,
        instanceId: after.id,
        version: after.version,
        alive: r.alive,
      });
    }
  }
  if (before.healthy !== after.healthy) {
    ctx.events.emit('instance_health_changed_event', {
      instanceId: after.id,
      runSpecId: after.appId,
      runSpecVersion: after.version,
      healthy: after.healthy ?? null,
    });
  }
}

/** The checks the task was launched with: its own app version's (a scale keeps them, a config change may not). */
async function healthChecksOf(ctx: MasterContext, task: TaskRecord): Promise<HealthCheck[]> {
  const app = ctx.state.apps.get(task.appId);
  if (app?.version === task.version) return app.healthChecks;
  const launched = await ctx.deps.store.getAppVersion(task.appId, task.version).catch(() => undefined);
  return launched?.healthChecks ?? app?.healthChecks ?? [];
}
