/** Mesos/Marathon task state names, so existing clients understand them. */
export const TASK_STATES = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_UNREACHABLE',
  'TASK_GONE',
  'TASK_DROPPED',
  'TASK_UNKNOWN',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

const TERMINAL: ReadonlySet<TaskState> = new Set([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_GONE',
  'TASK_DROPPED',
]);

export function isTerminal(state: TaskState): boolean {
  return TERMINAL.has(state);
}

export function isActive(state: TaskState): boolean {
  return !TERMINAL.has(state);
}

/** One health check's last known result, Marathon's `healthCheckResults[]` shape. */
export interface HealthCheckResult {
  alive: boolean;
  consecutiveFailures: number;
  firstSuccess: string | null;
  lastFailure: string | null;
  lastSuccess: string | null;
  lastFailureCause: string | null;
  instanceId: string;
}

/**
 * One readiness check's last result, Marathon's `readinessCheckResults[]` shape (deployments show
 * it in `currentActions[]`). `lastResponse` only when the check says `preserveLastResponse`.
 */
export interface ReadinessCheckResult {
  name: string;
  taskId: string;
  ready: boolean;
  lastResponse?: { status: number; contentType: string; body: string };
}

/** A task of an app (or a job run) as the master stores it. */
export interface TaskRecord {
  id: string;
  /** App id (`/web`), or `chronos:<job>` style owner for job runs. */
  appId: string;
  /** App version this task runs. */
  version: string;
  agentId: string;
  /** Address clients on this machine can connect to (the agent's advertised address). */
  host: string;
  ports: number[];
  servicePorts: number[];
  state: TaskState;
  /** Epoch ms. */
  stagedAt: number;
  startedAt?: number;
  /** Epoch ms of the last status update applied. */
  updatedAt: number;
  /** Set when the master asked the agent to kill it. */
  killRequestedAt?: number;
  /**
   * Epoch ms its agent was found lost (state TASK_UNREACHABLE): the app's unreachableStrategy
   * counts from here (control-plane/agents/agent-loss.ts). Cleared when the agent comes back in time.
   */
  unreachableSince?: number;
  /**
   * The app's `versionInfo.lastConfigChangeAt` when the task was launched: which configuration it
   * runs (deploy/current-config.ts). Absent on tasks stored before it existed.
   */
  configVersion?: string;
  healthCheckResults?: HealthCheckResult[];
  /** Resources the task holds on its agent (from the app version it was launched with). */
  resources: { cpus: number; mem: number; disk: number };
  /** Undefined while unknown or when the app has no health checks. */
  healthy?: boolean;
  /** Undefined when the app has no readiness checks (or none has answered yet). */
  ready?: boolean;
  readinessCheckResults?: ReadinessCheckResult[];
  /** Agent-side message of the last update (exit code, reason). */
  message?: string;
  /** Set on tasks that run a scheduled job's attempt: the job runtime owns them, not app reconcile. */
  jobRun?: { job: string; dueAt: number; attempt: number };
}

/** Marathon's `lastTaskFailure`. */
export interface TaskFailure {
  appId: string;
  host: string;
  message: string;
  state: TaskState;
  taskId: string;
  timestamp: string;
  version: string;
  slaveId: string;
}
