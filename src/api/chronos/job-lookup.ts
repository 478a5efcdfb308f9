/** What several Chronos routes need to say about a job: that it exists, and its current state. */
import type { JobsApi } from '../../control-plane/jobs/jobs-api.js';
import { DroverError } from '../../domain/errors.js';
import type { JobDefinition } from '../../domain/job.js';

export function requireJob(jobs: JobsApi, name: string): JobDefinition {
  const job = jobs.getJob(name);
  if (!job) throw new DroverError('JOB_NOT_FOUND', `Job '${name}' not found`);
  return job;
}

/** Chronos's current state (`JobStats.getJobState`): `idle`, `queued` or `<n> running`. */
export function jobState(jobs: JobsApi, name: string): string {
  const active = jobs.jobState(name).active;
  const running = active.filter((r) => r.status === 'running').length;
  if (running > 0) return `${running} running`;
  return active.length > 0 ? 'queued' : 'idle';
}
