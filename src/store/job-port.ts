/**
 * The Store's job operations (part of StoreOps). The unique key of a run record, (job, dueAt), is
 * the exactly-once guarantee: `insertJobRun` refuses a second record for the same occurrence, so
 * a restarted or second master that plans the same occurrence again finds it taken.
 *
 * `insertJobRuns`, `putJobs` and `putJobRuns` are the batch forms the ticker uses when many jobs
 * come due at once (one multi-row statement per chunk instead of one statement per record): same
 * semantics as calling the single form for each element in order, but cheaper.
 */
import type { JobRun, StoredJob } from '../domain/job.js';

export interface JobProgress {
  /** The dependent job. */
  child: string;
  /** A parent that succeeded (or failed with softError) since the child last started. */
  parent: string;
  at: number;
}

export interface JobRunQuery {
  /** Most recent first; at most this many. */
  limit?: number;
  /** Only runs due strictly before this (paging back through history). */
  before?: number;
}

export interface JobStoreOps {
  putJob(job: StoredJob): Promise<void>;
  /** putJob for each, in order (a name given twice: the last wins); atomic. */
  putJobs(jobs: readonly StoredJob[]): Promise<void>;
  getJob(name: string): Promise<StoredJob | undefined>;
  /** Ordered by name. */
  listJobs(): Promise<StoredJob[]>;
  /** Deletes the job, its run records and its dependency progress (as child and as parent). */
  deleteJob(name: string): Promise<void>;

  /** Creates the record of one occurrence; false, writing nothing, when (job, dueAt) exists. */
  insertJobRun(run: JobRun): Promise<boolean>;
  /**
   * insertJobRun for each, in order, atomically: result[i] is false where (job, dueAt) already
   * had a record (or appears earlier in `runs`), which is then left unchanged.
   */
  insertJobRuns(runs: readonly JobRun[]): Promise<boolean[]>;
  /** Replaces a run record (its later states). */
  putJobRun(run: JobRun): Promise<void>;
  /** putJobRun for each, in order (a (job, dueAt) given twice: the last wins); atomic. */
  putJobRuns(runs: readonly JobRun[]): Promise<void>;
  getJobRun(job: string, dueAt: number): Promise<JobRun | undefined>;
  /** A job's runs, newest due time first. */
  listJobRuns(job: string, query?: JobRunQuery): Promise<JobRun[]>;
  /** Runs not yet final (queued, running, retrying) of every job, by job then due time. */
  listActiveJobRuns(): Promise<JobRun[]>;

  /** Idempotent per (child, parent): the latest `at` wins. */
  addJobProgress(progress: JobProgress): Promise<void>;
  /** Ordered by child, then parent. */
  listJobProgress(): Promise<JobProgress[]>;
  clearJobProgress(child: string): Promise<void>;
}

export const JOB_OP_KINDS: Readonly<Record<keyof JobStoreOps, 'read' | 'write'>> = {
  putJob: 'write',
  putJobs: 'write',
  getJob: 'read',
  listJobs: 'read',
  deleteJob: 'write',
  insertJobRun: 'write',
  insertJobRuns: 'write',
  putJobRun: 'write',
  putJobRuns: 'write',
  getJobRun: 'read',
  listJobRuns: 'read',
  listActiveJobRuns: 'read',
  addJobProgress: 'write',
  listJobProgress: 'read',
  clearJobProgress: 'write',
};
