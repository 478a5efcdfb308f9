/**
 * The log side of the event bus (DESIGN.md §5.8: one typed event map feeds the SSE stream, logs
 * and metrics). One short line per event with the ids an operator greps for (appId, deploymentId,
 * taskId, instanceId). Levels: what changes the cluster's apps (deployments, group changes, app
 * removals) at info; health trouble (a failed check, a kill for it) at warn; the per-task chatter
 * (status updates, instance and health changes, API posts, stream clients) at debug. Job runs:
 * retries and final failures at info, the rest at debug.
 */
import type { Logger } from '../../platform/logger.js';
import type { BusEvent, DroverEvents, EventBus, EventType } from './event-bus.js';
import type { DeploymentStepJson, JobRunEventJson } from './event-types.js';

export type EventLogLevel = 'debug' | 'info' | 'warn';

export interface EventLogLine {
  level: EventLogLevel;
  msg: string;
  fields: Record<string, unknown>;
}

type Describe<T extends EventType> = (p: DroverEvents[T]) => EventLogLine;

const line = (level: EventLogLevel, msg: string, fields: Record<string, unknown>): EventLogLine => ({
  level,
  msg,
  fields,
});

/** The apps a step acts on, as `Action /app` (short enough for one line). */
const actions = (step: DeploymentStepJson): string[] => step.actions.map((a) => `${a.action} ${a.app}`);

/** A job run's ids, as an operator greps for them. */
const runFields = (p: JobRunEventJson): Record<string, unknown> => ({
  job: p.jobName,
  runId: p.runId,
  attempt: p.attempt,
});

/** Complete by construction: a type added to DroverEvents fails to compile until described here. */
const DESCRIBE: { [T in EventType]: Describe<T> } = {
  deployment_info: (p) =>
    line('info', 'deployment step started', { deploymentId: p.plan.id, actions: actions(p.currentStep) }),
  deployment_step_success: (p) =>
    line('info', 'deployment step done', { deploymentId: p.plan.id, actions: actions(p.currentStep) }),
  deployment_step_failure: (p) =>
    line('info', 'deployment step failed', { deploymentId: p.plan.id, actions: actions(p.currentStep) }),
  deployment_success: (p) => line('info', 'deployment succeeded', { deploymentId: p.id }),
  deployment_failed: (p) => line('info', 'deployment failed', { deploymentId: p.id }),
  group_change_success: (p) => line('info', 'group changed', { groupId: p.groupId, version: p.version }),
  group_change_failed: (p) =>
    line('info', 'group change failed', { groupId: p.groupId, version: p.version, reason: p.reason }),
  app_terminated_event: (p) => line('info', 'app removed', { appId: p.appId }),
  unhealthy_instance_kill_event: (p) =>
    line('warn', 'killing unhealthy task', {
      appId: p.appId,
      taskId: p.taskId,
      host: p.host,
      reason: p.reason,
    }),
  // The old name of the kill just logged (unhealthy_instance_kill_event): not logged twice.
  unhealthy_task_kill_event: (p) =>
    line('debug', 'killing unhealthy task (old event name)', { taskId: p.taskId }),
  add_health_check_event: (p) =>
    line('debug', 'health check added', {
      appId: p.appId,
      version: p.version,
      protocol: p.healthCheck.protocol,
    }),
  remove_health_check_event: (p) =>
    line('debug', 'health check removed', { appId: p.appId, protocol: p.healthCheck.protocol }),
  unknown_instance_terminated_event: (p) =>
    line('debug', 'unknown task ended', {
      appId: p.runSpecId,
      instanceId: p.instanceId,
      condition: p.condition,
    }),
  failed_health_check_event: (p) =>
    line('warn', 'health check failed', {
      appId: p.appId,
      instanceId: p.instanceId,
      protocol: p.healthCheck.protocol,
    }),
  status_update_event: (p) =>
    line('debug', 'task status', {
      appId: p.appId,
      taskId: p.taskId,
      taskStatus: p.taskStatus,
      host: p.host,
      ...(p.message ? { message: p.message } : {}),
    }),
  instance_changed_event: (p) =>
    line('debug', 'instance changed', {
      appId: p.runSpecId,
      instanceId: p.instanceId,
      condition: p.condition,
    }),
  health_status_changed_event: (p) =>
    line('debug', 'health changed', { appId: p.appId, instanceId: p.instanceId, alive: p.alive }),
  instance_health_changed_event: (p) =>
    line('debug', 'instance health changed', {
      appId: p.runSpecId,
      instanceId: p.instanceId,
      healthy: p.healthy,
    }),
  api_post_event: (p) => line('debug', 'app posted', { appId: p.appDefinition.id, uri: p.uri }),
  router_bind_failed_event: (p) =>
    line('warn', 'router cannot bind a service port (retrying)', {
      appId: p.appId,
      servicePort: p.servicePort,
      agentId: p.agentId,
      address: p.address,
      error: p.error,
    }),
  router_bind_recovered_event: (p) =>
    line('info', 'router bound a service port', {
      appId: p.appId,
      servicePort: p.servicePort,
      agentId: p.agentId,
    }),
  subscribe_event: (p) =>
    line('info', 'event subscriber added', { callbackUrl: p.callbackUrl, clientIp: p.clientIp }),
  unsubscribe_event: (p) =>
    line('info', 'event subscriber removed', { callbackUrl: p.callbackUrl, clientIp: p.clientIp }),
  job_run_queued_event: (p) => line('debug', 'job run queued', runFields(p)),
  job_run_started_event: (p) => line('debug', 'job run started', { ...runFields(p), host: p.host }),
  job_run_retrying_event: (p) => line('info', 'job run retrying', { ...runFields(p), retryAt: p.retryAt }),
  job_run_finished_event: (p) => line('debug', 'job run finished', { ...runFields(p), outcome: p.outcome }),
  job_run_failed_event: (p) => line('info', 'job run failed', { ...runFields(p), exitCode: p.exitCode }),
  event_stream_attached: (p) => line('debug', 'event stream attached', { remoteAddress: p.remoteAddress }),
  event_stream_detached: (p) => line('debug', 'event stream detached', { remoteAddress: p.remoteAddress }),
};

/** What the log says about one event (exported for tests and for anything that wants the level). */
export function describeEvent(e: BusEvent): EventLogLine {
  const describe = DESCRIBE[e.eventType] as Describe<EventType>;
  return describe(e.payload);
}

/**
 * Logs every event on `bus` through a child of `logger` (`component: 'events'`). Returns the
 * unsubscribe. Status updates (the busiest type) are debug, so off at the default level.
 */
export function attachEventLog(bus: Pick<EventBus, 'subscribe'>, logger: Logger): () => void {
  const log = logger.child({ component: 'events' });
  return bus.subscribe((e) => {
    const { level, msg, fields } = describeEvent(e);
    if (!log.isLevelEnabled(level)) return;
    log[level]({ eventType: e.eventType, eventId: e.id, ...fields }, msg);
  });
}
