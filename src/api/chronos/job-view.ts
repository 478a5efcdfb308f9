/**
 * Jobs in Chronos's JSON (JobSerializer in mesos/chronos), field for field and in its order: a
 * scheduled job shows `schedule` and `scheduleTimeZone`, a dependent one `parents`, never both;
 * `uris` and `fetch` mirror each other when only one was given (as Chronos's GET does). Chronos
 * 3's `concurrent` and `maxCompletionTime` (seconds) are shown too. Drover's own fields
 * (`retryDelaySeconds`, `retryBackoffFactor`, `webhookUrl`, `secrets`) appear only when a job sets them to
 * something other than the default, so a plain Chronos job reads back exactly as in Chronos.
 */
import type { JobDefinition } from '../../domain/job.js';
import { JOB_DEFAULTS } from '../../domain/job-validate.js';

export function jobView(job: JobDefinition): Record<string, unknown> {
  const view: Record<string, unknown> = {
    name: job.name,
    command: job.command,
    shell: job.shell,
    epsilon: job.epsilon,
    executor: job.executor,
    executorFlags: job.executorFlags,
    taskInfoData: job.taskInfoData,
    retries: job.retries,
    owner: job.owner,
    ownerName: job.ownerName,
    description: job.description,
    async: job.async,
    successCount: job.successCount,
    errorCount: job.errorCount,
    lastSuccess: job.lastSuccess,
    lastError: job.lastError,
    cpus: job.cpus,
    disk: job.disk,
    mem: job.mem,
    disabled: job.disabled,
    softError: job.softError,
    dataProcessingJobType: job.dataProcessingJobType,
    errorsSinceLastSuccess: job.errorsSinceLastSuccess,
    fetch:
      job.fetch.length > 0
        ? job.fetch
        : job.uris.map((uri) => ({ uri, executable: false, extract: true, cache: false })),
    uris: job.uris.length > 0 ? job.uris : job.fetch.map((f) => f.uri),
    environmentVariables: job.environmentVariables,
    arguments: job.arguments,
    highPriority: job.highPriority,
    runAsUser: job.runAsUser,
    ...(job.container ? { container: job.container } : {}),
    constraints: job.constraints,
    concurrent: job.concurrent,
    maxCompletionTime: job.maxCompletionTime,
  };
  if (job.retryDelaySeconds !== JOB_DEFAULTS.retryDelaySeconds)
    view.retryDelaySeconds = job.retryDelaySeconds;
  if (job.retryBackoffFactor !== JOB_DEFAULTS.retryBackoffFactor)
    view.retryBackoffFactor = job.retryBackoffFactor;
  if (job.webhookUrl) view.webhookUrl = job.webhookUrl;
  // References only (`{"pw": {"source": "db/password"}}`): a value never reaches a job.
  if (job.secrets) view.secrets = job.secrets;
  if (job.parents.length > 0) view.parents = job.parents;
  else {
    view.schedule = job.schedule ?? '';
    view.scheduleTimeZone = job.scheduleTimeZone ?? '';
  }
  return view;
}

/** Chronos's last state (`success`, `failure`, `fresh`), from the counters' timestamps. */
export function lastState(job: JobDefinition): 'success' | 'failure' | 'fresh' {
  if (job.lastSuccess === '' && job.lastError === '') return 'fresh';
  if (job.lastSuccess === '') return 'failure';
  if (job.lastError === '') return 'success';
  return Date.parse(job.lastSuccess) > Date.parse(job.lastError) ? 'success' : 'failure';
}
