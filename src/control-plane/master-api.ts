/**
 * What the HTTP API (and anything else at the edge) may ask of the master. The API validates and
 * normalises input with domain/, then calls these; it never touches the store directly.
 */
import type { GroupChange } from '../deploy/group-change.js';
import type { RootGroup } from '../deploy/root-group.js';
import type { AgentInfo } from '../domain/agent.js';
import type { LogStream, RouteBindFailure, RouteTable } from '../domain/agent-protocol.js';
import type { AppDefinition, AppSpec } from '../domain/app.js';
import type { DeploymentAction, DeploymentStep } from '../domain/deployment.js';
import type { TaskFailure, TaskRecord } from '../domain/task.js';
import type { AgentRejection } from '../scheduler/placement-types.js';
import type { EventBus } from './events/event-bus.js';
import type { ViewRevision } from './state-revision.js';

export interface DeploymentRef {
  deploymentId: string;
  version: string;
}

export interface QueueEntry {
  app: AppDefinition;
  /** Instances still to launch. */
  count: number;
  delay: { timeLeftSeconds: number; overdue: boolean };
  /** ISO time the app started waiting. */
  since: string;
  /** Why the last placement attempt failed, per agent (empty when only delayed). */
  rejections: AgentRejection[];
}

export interface MasterInfo {
  name: string;
  version: string;
  frameworkId: string;
  leader: string;
  /** ISO time this master became leader. */
  electedAt: string;
  http: { host: string; port: number; https?: boolean };
  /** The settings /v2/info reports in `marathon_config`. */
  config?: {
    ha: boolean;
    reconcileIntervalMs: number;
  };
}

export interface MasterApi {
  /**
   * Every state change as a typed event, with a ring of recent ones: the API streams it
   * (`/v2/events`), emits api_post_event into it, and metrics count from it.
   */
  readonly events: EventBus;
  /**
   * Moves on every change to what `/v2/apps` and `/v2/tasks` show (apps, tasks, last failures,
   * running deployments): the API serves those from cached bytes while it stands still. Absent:
   * nothing is cached.
   */
  viewRevision?(): ViewRevision;
  listApps(): AppDefinition[];
  getApp(id: string): AppDefinition | undefined;
  /** Marathon's tasks (`/v2/tasks`, app views): job-run tasks are left out. */
  listTasks(appId?: string): TaskRecord[];
  /**
   * Every task the master tracks, job-run tasks included: what actually occupies agents
   * (`GET /v2/agents` sums these).
   */
  listAllTasks(): TaskRecord[];
  getTask(taskId: string): TaskRecord | undefined;
  lastTaskFailure(appId: string): TaskFailure | undefined;
  listAppVersions(appId: string): Promise<string[]>;
  getAppVersion(appId: string, version: string): Promise<AppDefinition | undefined>;
  queue(): QueueEntry[];
  agents(): AgentInfo[];
  info(): MasterInfo;

  /**
   * The app arrives validated and normalised but without version/versionInfo; the master stamps
   * them. Throws APP_EXISTS when the id is taken.
   */
  createApp(app: AppSpec): Promise<DeploymentRef>;
  /** Create or replace (PUT semantics). */
  putApp(app: AppSpec, opts: { force: boolean }): Promise<DeploymentRef>;
  /** Throws APP_NOT_FOUND. */
  deleteApp(id: string, opts: { force: boolean }): Promise<DeploymentRef>;
  /** Kill tasks; with `scale` the apps' instances drop by the number killed. */
  killTasks(
    taskIds: string[],
    opts: { scale: boolean; force: boolean },
  ): Promise<{ tasks: TaskRecord[]; deployment?: DeploymentRef }>;
  /** Throws APP_NOT_FOUND. */
  resetDelay(appId: string): Promise<void>;
  /**
   * A live or recently ended task's log, from the agent that ran it. Throws TASK_NOT_FOUND when
   * the master does not know where the task ran.
   */
  readTaskLog(taskId: string, stream: LogStream, tail?: number): Promise<string>;
  /**
   * Marathon's `POST /v2/apps/{id}/restart`: replace every task with a fresh one of the same
   * definition (a new version, config unchanged). Throws APP_NOT_FOUND.
   */
  restartApp(appId: string, opts: { force: boolean }): Promise<DeploymentRef>;

  /**
   * Agent maintenance (Drover): a draining agent gets no new tasks and its tasks are replaced on
   * other agents within each app's upgrade strategy; undrain ends that. Throw NOT_FOUND.
   */
  drainAgent(agentId: string): Promise<AgentInfo>;
  undrainAgent(agentId: string): Promise<AgentInfo>;

  /** The routing table pushed to the agents' routers (Drover: `GET /v2/routes`). */
  routingTable(): RouteTable;
  /** The routing table's version; it increases with every change. */
  routeTableVersion(): number;
  /**
   * Resolves when the table's version is past `after` or `waitMs` passed; with `router`, records
   * that this `drover router` has applied `after` (kills wait for it).
   */
  routeTableAfter(
    after: number,
    opts: { waitMs: number; router?: string; signal?: AbortSignal },
  ): Promise<void>;
  /** Service ports agents' routers cannot bind right now, with the agent; the routers retry. */
  routeBindFailures(): Array<RouteBindFailure & { agentId: string }>;

  // ---- deployments and groups ----

  /** Running deployments, oldest first. */
  deployments(): DeploymentStatus[];
  /** Ids of the running deployments that change the app (`deployments: [{id}]` in app views). */
  deploymentIdsFor(appId: string): string[];
  /**
   * `DELETE /v2/deployments/{id}`: without force a new deployment reverts it (its ref is returned);
   * with force it just stops (undefined). Throws DEPLOYMENT_NOT_FOUND.
   */
  cancelDeployment(id: string, force: boolean): Promise<DeploymentRef | undefined>;
  /** The current group tree. */
  rootGroup(): RootGroup;
  /** The versions at which the group changed, newest first (empty for an unknown group). */
  groupVersions(groupId: string): Promise<string[]>;
  /** The root group as it was when the group was at `version`; undefined when not stored. */
  groupAtVersion(groupId: string, version: string): Promise<RootGroup | undefined>;
  /**
   * Applies a group request (built by deploy/group-change.ts from the root current when it runs)
   * as one deployment, or only plans it (`dryRun`). Throws APP_LOCKED (409) while another
   * deployment holds an affected app, unless `force`.
   */
  changeGroups(request: GroupRequest, opts: GroupChangeOptions): Promise<GroupChangeResult>;
}

/** Marathon's TaskReadinessCheckResult. */
export interface ReadinessResult {
  name: string;
  taskId: string;
  ready: boolean;
  lastResponse?: { status: number; contentType: string; body: string };
}

export interface DeploymentStatus {
  id: string;
  version: string;
  affectedApps: string[];
  steps: DeploymentStep[];
  /** 1-based. */
  currentStep: number;
  currentActions: Array<DeploymentAction & { readinessCheckResults: ReadinessResult[] }>;
}

export type GroupRequest = (current: RootGroup) => GroupChange;

export interface GroupChangeOptions {
  force: boolean;
  dryRun: boolean;
  /** The group the request names, for group_change_success. */
  groupId: string;
}

export type GroupChangeResult = { deployment: DeploymentRef } | { plan: DeploymentStep[] };
