/**
 * Chronos's job model (docs/docs/api.md "Job Configuration"), as Drover stores it, and the run
 * records that Chronos never kept. A job has either a `schedule` (ISO 8601 repeating interval or
 * cron) or `parents` (a dependent job), never both.
 */
import type { FetchUri } from './app.js';
import type { TaskState } from './task.js';

export type JobConstraintOperator = 'EQUALS' | 'LIKE' | 'UNLIKE';
export type JobConstraint = [string, JobConstraintOperator, string];

/**
 * Chronos's `{name, value}`, or (Drover, as Marathon's `env: {"X": {"secret": "ref"}}`) a variable
 * whose value is the secret `ref` names in the job's `secrets`: only the reference is stored and
 * shown; the value is read at each launch.
 */
export type EnvironmentVariable = { name: string; value: string } | { name: string; secret: string };

/** What a client may set. Validated and with Chronos's defaults filled in. */
export interface JobSpec {
  name: string;
  command: string;
  /** true: `/bin/sh -c command` and `arguments` ignored; false: command is the executable. */
  shell: boolean;
  arguments: string[];
  schedule?: string;
  scheduleTimeZone?: string;
  /**
   * ISO 8601 duration: the window in which a run still counts as on time. A later run still runs
   * once (Chronos 3) and is marked late; see src/schedules/README.md "Late runs".
   */
  epsilon: string;
  parents: string[];
  retries: number;
  owner: string;
  ownerName: string;
  description: string;
  disabled: boolean;
  concurrent: boolean;
  softError: boolean;
  highPriority: boolean;
  cpus: number;
  mem: number;
  disk: number;
  environmentVariables: EnvironmentVariable[];
  /**
   * Drover, as Marathon's `secrets`: a reference name -> the secret (`/v2/secrets/{source}`) it
   * stands for, used by `environmentVariables` entries and by `container.volumes` file secrets.
   */
  secrets?: Record<string, { source: string }>;
  uris: string[];
  fetch: FetchUri[];
  constraints: JobConstraint[];
  /** Stored as given; run once the docker executor exists. */
  container?: Record<string, unknown>;
  runAsUser: string;
  /** ms; 0 = no limit. An attempt running longer is killed. */
  maxCompletionTime: number;
  executor: string;
  executorFlags: string;
  taskInfoData: string;
  async: boolean;
  dataProcessingJobType: boolean;
  /** Drover: delay before a retry (Chronos had a fixed, global one). */
  retryDelaySeconds: number;
  /** Drover: each further retry waits this many times longer (1 = constant). */
  retryBackoffFactor: number;
  /** Drover: POSTed the run record on final failure, auto-disable and deletion. */
  webhookUrl?: string;
}

/** Read-only counters: the master keeps them; values a client posts are ignored. */
export interface JobCounters {
  successCount: number;
  errorCount: number;
  /** ISO time, or '' when never. */
  lastSuccess: string;
  lastError: string;
  errorsSinceLastSuccess: number;
}

export type JobDefinition = JobSpec & JobCounters;

/** What the master stores per job besides its definition. */
export interface StoredJob {
  job: JobDefinition;
  /** Stands in for an empty schedule start, and is where a cron schedule begins (epoch ms). */
  anchorAt: number;
  /** Earliest occurrence not yet handled; undefined when none is left or the job is dependent. */
  nextDueAt?: number;
}

export const ZERO_COUNTERS: JobCounters = {
  successCount: 0,
  errorCount: 0,
  lastSuccess: '',
  lastError: '',
  errorsSinceLastSuccess: 0,
};

export type RunTrigger = 'schedule' | 'manual' | 'dependency';

/**
 * queued: recorded, no attempt placed yet; running: an attempt is staged or running; retrying:
 * waiting for the next attempt; the rest are final.
 */
export type RunStatus = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'killed' | 'skipped';

export type RunSkipReason = 'missed' | 'overlap';

export interface RunAttempt {
  /** 1-based. */
  attempt: number;
  taskId: string;
  agentId: string;
  host: string;
  /** Epoch ms the launch was sent. */
  launchedAt: number;
  /** Epoch ms the agent reported TASK_RUNNING. */
  startedAt?: number;
  endedAt?: number;
  state?: TaskState;
  exitCode?: number;
  message?: string;
}

export interface JobRun {
  job: string;
  /** The occurrence (or trigger time) this run is for: with `job`, the unique key. */
  dueAt: number;
  trigger: RunTrigger;
  status: RunStatus;
  /**
   * Epoch ms the record was inserted (inside its transaction; the firing-lateness histogram uses
   * the clock after the commit).
   */
  createdAt: number;
  skipReason?: RunSkipReason;
  skipDetail?: string;
  /**
   * A scheduled run that fired later than the job's `epsilon` (the master was down, a failover,
   * a slow pass): it still ran once (Chronos 3); this says how late and what it stands for.
   */
  lateDetail?: string;
  attempts: RunAttempt[];
  /** When the next attempt may start (queued or retrying). */
  retryAt?: number;
  endedAt?: number;
  exitCode?: number;
  /** Manual runs: `?arguments=` appended to the command. */
  arguments?: string[];
  /** Why the run ended as it did (kill, maxCompletionTime, mark-success...). */
  message?: string;
  /** Set when a user asked to kill the run: it ends as `killed`, without retries. */
  killRequestedAt?: number;
  /**
   * `async` jobs: the task exited 0 at this time and the run waits for its completion callback
   * (PUT /scheduler/task/{taskId}) or for maxCompletionTime to pass.
   */
  awaitingCallbackSince?: number;
  /** `async` jobs: the callback's statusCode when it came while the task still ran. */
  callbackStatusCode?: number;
  /** Chronos's numElementsProcessed: the sum of the task progress updates for this run. */
  elementsProcessed?: number;
}

const ACTIVE: ReadonlySet<RunStatus> = new Set(['queued', 'running', 'retrying']);

export function isActiveRun(run: Pick<JobRun, 'status'>): boolean {
  return ACTIVE.has(run.status);
}

/** Due time to the first attempt's TASK_RUNNING: how long the run waited (null until it started). */
export function runQueueDelayMs(run: Pick<JobRun, 'dueAt' | 'attempts'>): number | null {
  const first = run.attempts[0];
  return first?.startedAt !== undefined ? Math.max(0, first.startedAt - run.dueAt) : null;
}

/** The last attempt's start to its end: how long the run ran (null until it ended). */
export function runTimeMs(run: Pick<JobRun, 'attempts'>): number | null {
  const last = run.attempts.at(-1);
  return last?.startedAt !== undefined && last.endedAt !== undefined
    ? Math.max(0, last.endedAt - last.startedAt)
    : null;
}

/** The task id prefix for a job's runs; agents and the API see `/chronos/<job>` as the appId. */
export function jobTaskAppId(job: string): string {
  return `/chronos/${job}`;
}
