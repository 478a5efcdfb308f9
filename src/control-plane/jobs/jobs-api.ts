/**
 * What the Chronos API (src/api/chronos/) may ask of the job runtime. Bodies arrive validated
 * (domain/job-validate.ts); the runtime checks what needs the other jobs (parents, cycles).
 */
import type { LogStream } from '../../domain/agent-protocol.js';
import type { JobDefinition, JobRun, JobSpec } from '../../domain/job.js';
import type { ViewRevision } from '../state-revision.js';

export interface JobState {
  /** Runs not yet final: queued, running or retrying. */
  active: JobRun[];
  /** Epoch ms of the next scheduled occurrence, when the job has one. */
  nextDueAt?: number;
}

export interface JobsApi {
  /** Moves on every change to the job definitions (`GET /scheduler/jobs` is cached until then). */
  viewRevision?(): ViewRevision;
  listJobs(): JobDefinition[];
  getJob(name: string): JobDefinition | undefined;
  jobState(name: string): JobState;
  /** Create or replace (Chronos's POST semantics). Throws BAD_REQUEST for unknown parents or a cycle. */
  putJob(spec: JobSpec): Promise<void>;
  /** Throws JOB_NOT_FOUND. Children are rewired as Chronos does. */
  deleteJob(name: string): Promise<void>;
  /** Run now, besides the schedule. Throws JOB_NOT_FOUND. */
  startJob(name: string, args?: string[]): Promise<JobRun>;
  /** Count a success and let children proceed, as if a run succeeded. Throws JOB_NOT_FOUND. */
  markSuccess(name: string): Promise<boolean>;
  /** Kill every active run of the job. Throws JOB_NOT_FOUND. */
  killJobTasks(name: string): Promise<number>;
  /**
   * An async job's completion callback (Chronos's PUT /task/{taskId}): statusCode 0 succeeds the
   * run, anything else fails the attempt. Throws TASK_NOT_FOUND for a task of no open run.
   */
  completeTask(taskId: string, statusCode: number): Promise<void>;
  /**
   * Adds to a run's elementsProcessed (Chronos's task progress). Throws JOB_NOT_FOUND,
   * BAD_REQUEST (task id format, job without dataProcessingJobType), TASK_NOT_FOUND.
   */
  addTaskProgress(name: string, taskId: string, additional: number): Promise<void>;
  /** Newest due time first. Throws JOB_NOT_FOUND. */
  listRuns(name: string, query?: { limit?: number; before?: number }): Promise<JobRun[]>;
  getRun(name: string, dueAt: number): Promise<JobRun | undefined>;
  /** The sandbox log of one attempt (default: the last). Throws JOB_NOT_FOUND / TASK_NOT_FOUND. */
  readRunLog(
    name: string,
    dueAt: number,
    stream: LogStream,
    opts?: { attempt?: number; tail?: number },
  ): Promise<string>;
  /** Host:port of the leader (Chronos's GET /leader). */
  leader(): string;
}
