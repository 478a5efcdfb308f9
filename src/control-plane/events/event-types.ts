/**
 * Marathon's event types and their payloads, field for field as Marathon 1.x writes them
 * (core/event/Events.scala + EventFormats), so SSE clients written for Marathon parse ours. The bus
 * adds `eventType` and `timestamp`; payloads never carry them. Emitters and subscribers are
 * type-checked against this map: add an event here before emitting it.
 */
import type { AppDefinition, HealthCheck } from '../../domain/app.js';

/** One action of a deployment step, as Marathon writes it in events. */
export interface DeploymentActionJson {
  /** StartApplication, StopApplication, ScaleApplication, RestartApplication, ... */
  action: string;
  app: string;
}

export interface DeploymentStepJson {
  actions: DeploymentActionJson[];
}

/** Marathon's DeploymentPlan as written in events: the root group before and after, and the steps. */
export interface DeploymentPlanJson {
  id: string;
  /** The group tree before the change (Marathon's group JSON: id, apps, groups, dependencies, version). */
  original: unknown;
  /** The group tree after the change. */
  target: unknown;
  steps: DeploymentStepJson[];
  version: string;
}

/**
 * A job run as its events carry it (Drover's; Marathon and Chronos had no job events). `runId` is
 * the run's key within its job, its due time in epoch ms, as in
 * `/v1/scheduler/job/{jobName}/runs/{runId}`. Times are ISO, null until they happened.
 */
export interface JobRunEventJson {
  jobName: string;
  runId: string;
  dueAt: string;
  /** schedule, manual or dependency. */
  trigger: string;
  /** The run's status after the change: queued, running, retrying, succeeded, failed, killed, skipped. */
  outcome: string;
  /** Attempts launched so far. */
  attempt: number;
  taskId: string | null;
  host: string | null;
  createdAt: string;
  launchedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  queueDelayMs: number | null;
  runTimeMs: number | null;
  exitCode: number | null;
  retryAt: string | null;
  skipReason: string | null;
  message: string | null;
}

export interface DroverEvents {
  /** An app was created or updated through the API (not emitted for deletes, as in Marathon). */
  api_post_event: { clientIp: string; uri: string; appDefinition: AppDefinition };

  /** A task's state changed (Mesos status update). */
  status_update_event: {
    slaveId: string;
    taskId: string;
    taskStatus: string;
    message: string;
    appId: string;
    host: string;
    ipAddresses: Array<{ ipAddress: string; protocol: string }>;
    ports: number[];
    version: string;
  };
  /** The same change seen as the instance's condition (Marathon 1.4+). One task per instance. */
  instance_changed_event: {
    instanceId: string;
    /** Created, Staging, Starting, Running, Killing, Finished, Failed, Killed, Error, Unreachable, Gone, ... */
    condition: string;
    runSpecId: string;
    agentId: string;
    host: string;
    runSpecVersion: string;
  };

  // Health checks (emitted where health results reach the master).
  health_status_changed_event: { appId: string; instanceId: string; version: string; alive: boolean };
  instance_health_changed_event: {
    instanceId: string;
    runSpecId: string;
    runSpecVersion: string;
    /** null while unknown (no result yet). */
    healthy: boolean | null;
  };
  failed_health_check_event: { appId: string; instanceId: string; healthCheck: HealthCheck };
  unhealthy_instance_kill_event: {
    appId: string;
    taskId: string;
    instanceId: string;
    version: string;
    reason: string;
    host: string;
    slaveId: string | null;
  };
  /**
   * The same kill under its pre-1.4 name, sent right beside unhealthy_instance_kill_event for
   * clients written against Marathon's event-bus docs (which still show this one).
   */
  unhealthy_task_kill_event: {
    appId: string;
    taskId: string;
    version: string;
    reason: string;
    host: string;
    slaveId: string | null;
  };
  /**
   * An app version's health checks start being run (MarathonHealthCheckManager.add): its first
   * version, a new version deployed, or every active one when a master takes the lead.
   */
  add_health_check_event: { appId: string; version: string; healthCheck: HealthCheck };
  /** Health checks of an app version that is gone: no task runs it and it is not current, or the app was removed. */
  remove_health_check_event: { appId: string; healthCheck: HealthCheck };
  /**
   * A terminal update for a task the master does not know (Marathon's TaskStatusUpdateProcessor):
   * a task killed on an agent that re-registered with it, or an update re-sent after the task was
   * forgotten. `condition` as in instance_changed_event.
   */
  unknown_instance_terminated_event: { instanceId: string; runSpecId: string; condition: string };

  // Deployments.
  deployment_info: { plan: DeploymentPlanJson; currentStep: DeploymentStepJson };
  deployment_step_success: { plan: DeploymentPlanJson; currentStep: DeploymentStepJson };
  deployment_step_failure: { plan: DeploymentPlanJson; currentStep: DeploymentStepJson };
  deployment_success: { id: string; plan: DeploymentPlanJson };
  deployment_failed: { id: string; plan: DeploymentPlanJson };
  group_change_success: { groupId: string; version: string };
  group_change_failed: { groupId: string; version: string; reason: string };

  /** An app was removed (its tasks are being killed). */
  app_terminated_event: { appId: string };

  // Drover's router (control-plane/route-push.ts): a service port an agent cannot bind, and back.
  router_bind_failed_event: {
    agentId: string;
    host: string;
    appId: string;
    servicePort: number;
    address: string;
    error: string;
  };
  router_bind_recovered_event: { agentId: string; host: string; appId: string; servicePort: number };

  // Marathon's HTTP callback subscribers (/v2/eventSubscriptions; event-callbacks.ts).
  subscribe_event: { clientIp: string; callbackUrl: string };
  unsubscribe_event: { clientIp: string; callbackUrl: string };
  // Job runs (control-plane/jobs/run-events.ts), one event per change of a run's status.
  /** A run was recorded (its schedule came due, a user ran the job, or its parents finished). */
  job_run_queued_event: JobRunEventJson;
  /** An attempt of the run was launched on an agent (the run is now `running`). */
  job_run_started_event: JobRunEventJson;
  /** An attempt ended without success and another one will follow at `retryAt`. */
  job_run_retrying_event: JobRunEventJson;
  /** The run ended as succeeded, killed or skipped (`outcome` says which). */
  job_run_finished_event: JobRunEventJson;
  /** The run failed for good: its last attempt failed and no retry is left. */
  job_run_failed_event: JobRunEventJson;

  // The event stream's own clients.
  event_stream_attached: { remoteAddress: string };
  event_stream_detached: { remoteAddress: string };
}

/** Every type in the map, for validation and metrics (a test keeps it in sync with the map). */
export const EVENT_TYPES = [
  'api_post_event',
  'status_update_event',
  'instance_changed_event',
  'health_status_changed_event',
  'instance_health_changed_event',
  'failed_health_check_event',
  'unhealthy_instance_kill_event',
  'unhealthy_task_kill_event',
  'add_health_check_event',
  'remove_health_check_event',
  'unknown_instance_terminated_event',
  'deployment_info',
  'deployment_step_success',
  'deployment_step_failure',
  'deployment_success',
  'deployment_failed',
  'group_change_success',
  'group_change_failed',
  'app_terminated_event',
  'router_bind_failed_event',
  'router_bind_recovered_event',
  'subscribe_event',
  'unsubscribe_event',
  'job_run_queued_event',
  'job_run_started_event',
  'job_run_retrying_event',
  'job_run_finished_event',
  'job_run_failed_event',
  'event_stream_attached',
  'event_stream_detached',
] as const satisfies ReadonlyArray<keyof DroverEvents>;

type MissingFromList = Exclude<keyof DroverEvents, (typeof EVENT_TYPES)[number]>;
/** Fails to compile when an event type is added to the map but not to EVENT_TYPES. */
export const EVENT_TYPES_COMPLETE: [MissingFromList] extends [never] ? true : MissingFromList = true;
