/**
 * The secrets of a job's run task, read from the vault for each launch (never stored with the task
 * or the run). A run whose secrets cannot be read (secrets off, a secret gone, the wrong key) does
 * not launch: its attempt ends at once as TASK_ERROR with the reason, which names the secret and
 * never holds a value, and the run is retried per the job's retries like any failed attempt.
 */
import type { JobDefinition, JobRun } from '../../domain/job.js';
import { jobSecretEnvSources, jobSecretFileSources } from '../../domain/job-secrets.js';
import { commit } from './commit-effects.js';
import type { JobsContext } from './job-context.js';
import { notifyFailed, settleRun } from './run-outcome.js';
import type { RunSecretValues } from './run-task-spec.js';

/** Job name -> its values, or why they cannot be read now. One read per job per pass. */
export async function readRunSecrets(
  jc: JobsContext,
  jobs: readonly JobDefinition[],
): Promise<Map<string, RunSecretValues | { problem: string }>> {
  const out = new Map<string, RunSecretValues | { problem: string }>();
  for (const job of jobs) {
    if (out.has(job.name)) continue;
    const envSources = jobSecretEnvSources(job);
    const fileSources = jobSecretFileSources(job);
    if (Object.keys(envSources).length === 0 && Object.keys(fileSources).length === 0) {
      out.set(job.name, { env: {}, files: {} });
      continue;
    }
    const vault = jc.master.deps.secrets;
    try {
      if (!vault) throw new Error('secrets are off (no --secret-key-file)');
      out.set(job.name, {
        env: await vault.valuesFor(envSources),
        files: await vault.valuesFor(fileSources),
      });
    } catch (err) {
      // The vault's and the cipher's messages name the secret, never its content.
      out.set(job.name, { problem: `cannot read the job's secrets: ${(err as Error).message}` });
    }
  }
  return out;
}

/** Ends the run's next attempt before it launched, as TASK_ERROR with `problem`; retried or failed. */
export async function failUnreadable(
  jc: JobsContext,
  run: JobRun,
  taskId: string,
  problem: string,
  now: number,
): Promise<void> {
  const stored = jc.jobs.byName.get(run.job);
  if (!stored) return;
  const attempt = run.attempts.length + 1;
  jc.master.deps.logger.error(
    { job: run.job, dueAt: new Date(run.dueAt).toISOString(), attempt, reason: problem },
    'job run not launched',
  );
  const ended: JobRun = {
    ...run,
    attempts: [
      ...run.attempts,
      // No agent took it: the attempt is only the record of why it did not start.
      {
        attempt,
        taskId,
        agentId: '',
        host: '',
        launchedAt: now,
        endedAt: now,
        state: 'TASK_ERROR',
        message: problem,
      },
    ],
  };
  const failedFinal = await commit(jc, (tx, fx) =>
    settleRun(jc, tx, fx, stored, ended, { succeeded: false, now, taskId, reason: `TASK_ERROR: ${problem}` }),
  );
  if (failedFinal) notifyFailed(jc, failedFinal, now);
}
