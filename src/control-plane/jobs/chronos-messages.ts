/**
 * The text of Chronos's owner notifications (NotifyingJobsObserver and JobScheduler in
 * mesos/chronos): a subject and a message, for a run's final failure and for a job disabled when
 * its schedule is spent. Chronos sends no notice for a skipped run; Drover's is worded alike. The
 * Slack and Mattermost text is `<subject>: <message>`, as Chronos's SlackClient writes it.
 */
import type { JobDefinition, JobRun } from '../../domain/job.js';

export interface OwnerNotice {
  kind: 'failed' | 'disabled' | 'skipped';
  job: JobDefinition;
  subject: string;
  message: string;
}

/** Chronos formats `[<cluster>] [Chronos] ...`; without a cluster name its leading space is dropped. */
const subject = (text: string) => `[Chronos] ${text}`;

/** The scheduler's message on the failed task: the run's reason, else its last attempt's. */
function lastError(run: JobRun): string | undefined {
  const last = run.attempts.at(-1);
  const parts = [
    run.message,
    last?.message,
    last?.exitCode !== undefined && last.exitCode !== 0 ? `exit code ${last.exitCode}` : undefined,
  ];
  const text = parts.filter((p): p is string => !!p).join('; ');
  return text === '' ? undefined : text;
}

export function failedNotice(job: JobDefinition, run: JobRun, now: number): OwnerNotice {
  const taskId = run.attempts.at(-1)?.taskId ?? '';
  const error = lastError(run);
  let message = `\n'${new Date(now).toISOString()}'. Retries attempted: ${job.retries}.\nTask id: ${taskId}\n`;
  if (error) message += `The scheduler provided this message:\n\n${error}`;
  return { kind: 'failed', job, subject: subject(`job '${job.name}' failed!`), message };
}

export function disabledNotice(job: JobDefinition): OwnerNotice {
  return {
    kind: 'disabled',
    job,
    subject: subject(`job '${job.name}' disabled`),
    message:
      `Job '${job.name}' has exhausted all of its recurrences and has been disabled.\n` +
      'Please consider either removing your job, or updating its schedule and re-enabling it.\n',
  };
}

export function skippedNotice(job: JobDefinition, skipped: readonly JobRun[]): OwnerNotice {
  const lines = skipped.map(
    (r) =>
      `'${new Date(r.dueAt).toISOString()}': ${r.skipReason ?? 'skipped'}${r.skipDetail ? ` (${r.skipDetail})` : ''}`,
  );
  return {
    kind: 'skipped',
    job,
    subject: subject(`job '${job.name}' skipped`),
    message: `\n${skipped.length === 1 ? 'A run was' : `${skipped.length} runs were`} skipped:\n${lines.join('\n')}\n`,
  };
}

/** Chronos's `owner` is a comma-separated list of addresses. */
export function ownerAddresses(job: JobDefinition): string[] {
  return job.owner
    .split(/\s*,\s*/)
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

export function chatText(n: OwnerNotice): string {
  return `${n.subject}: ${n.message}`;
}
