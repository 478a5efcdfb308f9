/**
 * Jobs in Chronos's JSON: every configuration field and the read-only counters; a scheduled job
 * shows `schedule` (and `scheduleTimeZone`), a dependent one `parents`, never both. Like Chronos's
 * GET, `uris` and `fetch` mirror each other when only one was given.
 */
import type { JobDefinition } from '../../domain/job.js';

export function jobView(job: JobDefinition): Record<string, unknown> {
  const { schedule, scheduleTimeZone, parents, uris, fetch, ...rest } = job;
  const view: Record<string, unknown> = {
    ...rest,
    uris: uris.length > 0 ? uris : fetch.map((f) => f.uri),
    fetch:
      fetch.length > 0 ? fetch : uris.map((uri) => ({ uri, executable: false, extract: true, cache: false })),
  };
  if (parents.length > 0) view.parents = parents;
  else {
    view.schedule = schedule ?? '';
    view.scheduleTimeZone = scheduleTimeZone ?? '';
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
