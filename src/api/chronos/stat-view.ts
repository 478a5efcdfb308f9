/**
 * GET /job/stat/{name} in Chronos's exact shape (JobStatWrapperSerializer):
 * `{histogram: {75thPercentile, 95thPercentile, 98thPercentile, 99thPercentile, median, mean,
 * count}, taskStatHistory: [{taskId, jobName, slaveId, startTime, endTime, duration?, status}]}`,
 * computed from stored history. Drover's own figures (queue delay) are at GET /job/{name}/stats.
 */
import type { JobRun, RunAttempt } from '../../domain/job.js';
import { runTimings, type Summary, summarize } from '../../schedules/run-stats.js';

/** Runs read for stats: the most recent ones (all of them for any job that ran under ~a week every minute). */
export const STATS_HISTORY = 10_000;

export function histogramView(s: Summary): Record<string, number> {
  return {
    '75thPercentile': s.p75,
    '95thPercentile': s.p95,
    '98thPercentile': s.p98,
    '99thPercentile': s.p99,
    median: s.median,
    mean: s.mean,
    count: s.count,
  };
}

export function runTimeSummary(runs: readonly JobRun[]): Summary {
  return summarize(runTimings(runs).runTimes);
}

/** `MM/dd/yy HH:mm:ss` in UTC (Joda's pattern in JobStatWrapperSerializer); `N/A` when unknown. */
export function chronosTime(ms: number | undefined): string {
  if (ms === undefined) return 'N/A';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * Joda's `Duration.toPeriod()` printed as `<h>h<m>m<s>s`: a Duration's period has no days (hours
 * run past 24), zero hours and minutes are left out, seconds always print, milliseconds never.
 */
export function chronosDuration(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s % 60}s`;
}

/** ChronosTaskStatus: Running until a terminal state, then Success (TASK_FINISHED) or Fail. */
function taskStatus(a: RunAttempt): 'Success' | 'Fail' | 'Running' {
  if (a.endedAt === undefined) return 'Running';
  return a.state === 'TASK_FINISHED' && (a.exitCode ?? 0) === 0 ? 'Success' : 'Fail';
}

export function statView(runs: readonly JobRun[]): Record<string, unknown> {
  // Chronos keeps a row per task once it ran or ended (not while only queued or staged).
  const attempts = runs.flatMap((r) =>
    r.attempts
      .filter((a) => a.startedAt !== undefined || a.endedAt !== undefined)
      .map((a) => ({ run: r, a })),
  );
  // Most recent start first; tasks without a start last (JobStats.recentDateCompareFnc).
  attempts.sort((x, y) => (y.a.startedAt ?? -1) - (x.a.startedAt ?? -1));
  return {
    histogram: histogramView(runTimeSummary(runs)),
    taskStatHistory: attempts.map(({ run, a }) => ({
      taskId: a.taskId,
      jobName: run.job,
      slaveId: a.agentId,
      startTime: chronosTime(a.startedAt),
      endTime: chronosTime(a.endedAt),
      ...(a.startedAt !== undefined && a.endedAt !== undefined
        ? { duration: chronosDuration(a.endedAt - a.startedAt) }
        : {}),
      status: taskStatus(a),
    })),
  };
}

/** Drover's GET /job/{name}/stats: run time and queue delay apart, with min and max (ms). */
export function droverStatsView(job: string, runs: readonly JobRun[]): Record<string, unknown> {
  const { runTimes, queueDelays } = runTimings(runs);
  return { job, runs: runs.length, runTimeMs: summarize(runTimes), queueDelayMs: summarize(queueDelays) };
}
