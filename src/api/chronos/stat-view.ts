/**
 * GET /job/stat/{name}: Chronos's shape, `{histogram: {75thPercentile, 95thPercentile,
 * 98thPercentile, 99thPercentile, median, mean, count}, taskStatHistory: [...]}`, computed from
 * stored history (ms, as Chronos's Dropwizard histogram). Drover adds `queueDelayHistogram`.
 */
import type { JobRun } from '../../domain/job.js';
import { runTimings, type Summary, summarize } from '../../schedules/run-stats.js';

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

/** `MM/dd/yy HH:mm:ss` in UTC, Chronos's taskStatHistory format. */
function chronosTime(ms: number | undefined): string {
  if (ms === undefined) return 'N/A';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d > 0 ? `${d}d` : ''}${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s % 60}s`;
}

export function statView(runs: readonly JobRun[]): Record<string, unknown> {
  const { runTimes, queueDelays } = runTimings(runs);
  const history = runs.flatMap((r) =>
    r.attempts.map((a) => ({
      taskId: a.taskId,
      jobName: r.job,
      slaveId: a.agentId,
      startTime: chronosTime(a.startedAt),
      endTime: chronosTime(a.endedAt),
      ...(a.startedAt !== undefined && a.endedAt !== undefined
        ? { duration: duration(a.endedAt - a.startedAt) }
        : {}),
      status: statusOf(a.state, a.endedAt),
    })),
  );
  return {
    histogram: histogramView(summarize(runTimes)),
    taskStatHistory: history,
    queueDelayHistogram: histogramView(summarize(queueDelays)),
  };
}

function statusOf(state: string | undefined, endedAt: number | undefined): string {
  if (endedAt === undefined) return 'RUNNING';
  if (state === 'TASK_FINISHED') return 'SUCCESS';
  if (state === 'TASK_KILLED') return 'KILLED';
  return 'FAILED';
}
