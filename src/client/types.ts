/**
 * What the API answers, as the client sees it. Stored shapes come from src/domain (type-only
 * imports, so nothing of the server is bundled); the read-only fields the API adds to them are
 * declared here, with Marathon's names.
 */
import type { AgentCapabilities, Resources } from '../domain/agent.js';
import type { AppDefinition, AppSpec } from '../domain/app.js';
import type { JobSpec, RunStatus, RunTrigger } from '../domain/job.js';
import type { TaskFailure, TaskState } from '../domain/task.js';

export type { AppDefinition, AppSpec, JobSpec, TaskFailure, TaskState };

/**
 * What a client sends for an app: Marathon JSON with any field left to the master's defaults
 * (nested objects too, so the stored types are too strict here; the master validates).
 */
export type AppInput = { id: string; instances?: number; cmd?: string } & Record<string, unknown>;

export interface Task {
  id: string;
  appId: string;
  host: string;
  ports: number[];
  servicePorts: number[];
  slaveId: string;
  stagedAt: string;
  startedAt?: string;
  version: string;
  state: TaskState;
  ipAddresses: Array<{ ipAddress: string; protocol: 'IPv4' | 'IPv6' }>;
  healthCheckResults: Array<{ alive?: boolean; lastFailureCause?: string; [k: string]: unknown }>;
}

export type AppEmbed = 'tasks' | 'counts' | 'deployments' | 'readiness' | 'lastTaskFailure' | 'taskStats';

/** An app as GET shows it; the optional fields appear when embedded. */
export interface App extends AppDefinition {
  tasksStaged?: number;
  tasksRunning?: number;
  tasksHealthy?: number;
  tasksUnhealthy?: number;
  deployments?: Array<{ id: string }>;
  tasks?: Task[];
  lastTaskFailure?: TaskFailure;
  readinessCheckResults?: unknown[];
  taskStats?: Record<string, unknown>;
}

/** What every deploying call answers. */
export interface DeploymentRef {
  deploymentId: string;
  version: string;
}

export interface DeploymentAction {
  action: string;
  app: string;
}

export interface Deployment {
  id: string;
  version: string;
  affectedApps: string[];
  affectedPods: string[];
  steps: Array<{ actions: DeploymentAction[] }>;
  currentActions: Array<DeploymentAction & { readinessCheckResults?: unknown[] }>;
  currentStep: number;
  totalSteps: number;
}

export interface Group {
  id: string;
  apps: App[];
  groups: Group[];
  pods: unknown[];
  dependencies: string[];
  version?: string;
}

export interface QueueItem {
  count: number;
  delay: { timeLeftSeconds: number; overdue: boolean };
  since: string;
  app: App;
  processedOffersSummary: OffersSummary;
  lastUnusedOffers: UnusedOffer[];
}

/** Marathon's `processedOffersSummary`: Drover counts each agent tried as one offer. */
export interface OffersSummary {
  processedOffersCount: number;
  unusedOffersCount: number;
  lastUnusedOfferAt?: string;
  rejectSummaryLastOffers: Array<{ reason: string; declined: number; processed: number }>;
  rejectSummaryLaunchAttempt: Array<{ reason: string; declined: number; processed: number }>;
}

/** One agent that could not take the app's task, as a Marathon `lastUnusedOffers` entry. */
export interface UnusedOffer {
  offer: {
    id: string;
    agentId: string;
    hostname: string;
    resources: unknown[];
    attributes: Array<{ name: string; text: string }>;
  };
  timestamp: string;
  reason: string[];
}

export interface Agent {
  id: string;
  hostname: string;
  address: string;
  connected: boolean;
  draining: boolean;
  attributes: Record<string, string>;
  capabilities: AgentCapabilities;
  resources: { total: Resources; used: { cpus: number; mem: number; disk: number; ports: number[] } };
  registeredAt: string;
  lastHeartbeatAt: string;
  tasks: Array<{ id: string; appId: string; state: string; job?: string }>;
}

export interface Info {
  name: string;
  version: string;
  leader: string;
  frameworkId: string;
  elected: boolean;
  http_config: { http_port: number | null; https_port: number | null };
  [k: string]: unknown;
}

/** `GET /v2/whoami`: the caller's credential and what its role may do. */
export interface Whoami {
  name: string;
  role: 'admin' | 'deployer' | 'viewer';
  /** Whether task and job-run logs are readable. */
  logs: boolean;
}

/** One entry of `GET /v2/audit`: a call that could change something, refused ones included. */
export interface AuditEntry {
  /** ISO time. */
  at: string;
  who: string;
  role: string;
  method: string;
  path: string;
  /** The app, group, job, deployment or secret the call names, when it names one. */
  target?: string;
  remote: string;
  status: number;
}

/**
 * A job as Chronos's GET shows it: the spec plus its counters. A scheduled job has no
 * `parents` key, a dependent one no `schedule`.
 */
export interface Job extends Omit<JobSpec, 'parents'> {
  parents?: string[];
  successCount: number;
  errorCount: number;
  lastSuccess: string;
  lastError: string;
  errorsSinceLastSuccess: number;
}

/** What a client sends for a job (Chronos JSON): the master fills in the defaults. */
export type JobInput = { name: string; command?: string; parents?: string[]; schedule?: string } & Record<
  string,
  unknown
>;

export interface JobSummary {
  name: string;
  status: 'success' | 'failure' | 'fresh';
  /** `idle`, `queued` or `N running`. */
  state: string;
  schedule: string;
  parents: string[];
  disabled: boolean;
}

export interface RunAttemptView {
  attempt: number;
  taskId: string;
  agentId: string;
  host: string;
  launchedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  state: TaskState | null;
  exitCode: number | null;
  message: string | null;
}

export interface JobRunView {
  job: string;
  dueAt: string;
  dueAtMs: number;
  trigger: RunTrigger;
  outcome: RunStatus;
  skipReason: string | null;
  skipDetail: string | null;
  /** Fired later than the job's epsilon (still run once, Chronos 3). */
  late: boolean;
  lateDetail: string | null;
  createdAt: string;
  firingLatenessMs: number;
  startedAt: string | null;
  endedAt: string | null;
  queueDelayMs: number | null;
  runTimeMs: number | null;
  exitCode: number | null;
  attempt: number;
  retryAt: string | null;
  message: string | null;
  attempts: RunAttemptView[];
}

export interface JobRuns {
  runs: JobRunView[];
  nextDueAt: string | null;
}

export interface JobStat {
  histogram: Record<string, number>;
  taskStatHistory: unknown[];
  [k: string]: unknown;
}

export type LogStream = 'stdout' | 'stderr';

/** One service port of one app and its tasks (`GET /v2/routes`). */
export interface RouteView {
  appId: string;
  servicePort: number;
  portIndex: number;
  mode: 'tcp' | 'http';
  vhosts: string[];
  paths: string[];
  backends: Array<{ taskId: string; host: string; port: number }>;
  bindFailures: Array<{ agentId: string; address: string; error: string; since: string }>;
}

export interface RouteTableView {
  /** Increases with every change of the table. */
  version: number;
  routes: RouteView[];
}
