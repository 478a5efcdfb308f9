// What the UI reads from a master, in the API's own JSON shapes (Marathon v2, Chronos, Drover's
// extensions). Only the fields the pages use are named.

export interface HealthCheckResult {
  alive: boolean;
  consecutiveFailures?: number;
  lastFailure?: string | null;
  lastFailureCause?: string | null;
  lastSuccess?: string | null;
}

export interface Task {
  id: string;
  appId: string;
  host: string;
  ports: number[];
  slaveId: string;
  stagedAt: string;
  startedAt?: string;
  version: string;
  state: string;
  healthCheckResults: HealthCheckResult[];
}

export interface TaskFailure {
  appId: string;
  host: string;
  message: string;
  state: string;
  taskId: string;
  timestamp: string;
  version: string;
}

export interface App {
  id: string;
  cmd?: string | null;
  args?: string[] | null;
  cpus: number;
  mem: number;
  instances: number;
  labels?: Record<string, string>;
  container?: { type?: string; docker?: { image?: string } } | null;
  healthChecks?: unknown[];
  version: string;
  tasksStaged?: number;
  tasksRunning?: number;
  tasksHealthy?: number;
  tasksUnhealthy?: number;
  deployments?: Array<{ id: string }>;
  tasks?: Task[];
  lastTaskFailure?: TaskFailure;
  [key: string]: unknown;
}

export interface QueueItem {
  count: number;
  delay: { timeLeftSeconds: number; overdue: boolean };
  since: string;
  app: { id: string };
  lastUnusedOffers?: Array<{ offer?: { hostname?: string; agentId?: string }; reason: string[] }>;
  processedOffersSummary?: { rejectSummaryLastOffers?: Array<{ reason: string; declined: number }> };
}

export interface DeploymentAction {
  action: string;
  app: string;
}

export interface Deployment {
  id: string;
  version: string;
  affectedApps: string[];
  steps: Array<{ actions: DeploymentAction[] }>;
  currentActions: DeploymentAction[];
  currentStep: number;
  totalSteps: number;
}

export interface AgentResources {
  cpus: number;
  mem: number;
  disk: number;
  ports?: unknown;
}

export interface Agent {
  id: string;
  hostname: string;
  address: string;
  connected: boolean;
  draining: boolean;
  attributes: Record<string, string>;
  capabilities?: unknown;
  resources: { total: AgentResources; used: AgentResources };
  registeredAt: string;
  lastHeartbeatAt: string;
  tasks: Array<{ id: string; appId: string; state: string; job?: string }>;
}

export interface Job {
  name: string;
  command?: string;
  schedule?: string;
  scheduleTimeZone?: string;
  parents?: string[];
  disabled?: boolean;
  lastSuccess?: string;
  lastError?: string;
  successCount?: number;
  errorCount?: number;
  retries?: number;
  owner?: string;
  description?: string;
  cpus?: number;
  mem?: number;
  [key: string]: unknown;
}

export interface JobAttempt {
  attempt: number;
  taskId: string;
  host?: string;
  startedAt: string | null;
  endedAt: string | null;
  state: string | null;
  exitCode: number | null;
  message: string | null;
}

export interface JobRun {
  job: string;
  dueAt: string;
  dueAtMs: number;
  trigger: string;
  outcome: string;
  skipReason: string | null;
  startedAt: string | null;
  endedAt: string | null;
  queueDelayMs: number | null;
  runTimeMs: number | null;
  exitCode: number | null;
  attempt: number;
  message: string | null;
  attempts: JobAttempt[];
}

/** One event of /v2/events: Marathon's flat JSON with its SSE id. */
export interface LiveEvent {
  id: string;
  eventType: string;
  timestamp: string;
  [key: string]: unknown;
}

/** An API refusal: status, Marathon's message and (for 400/422) the paths that are wrong. */
export interface ApiProblem {
  status: number;
  message: string;
  details: Array<{ path: string; errors: string[] }>;
}
