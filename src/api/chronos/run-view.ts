/**
 * Drover's run history (GET /v1/scheduler/job/{name}/runs): one entry per occurrence or trigger,
 * with queue delay (due to first start) and run time (last attempt's start to end) kept apart.
 */
import { type JobRun, runQueueDelayMs, runTimeMs } from '../../domain/job.js';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function runView(run: JobRun): Record<string, unknown> {
  const first = run.attempts[0];
  const last = run.attempts.at(-1);
  return {
    job: run.job,
    dueAt: iso(run.dueAt),
    dueAtMs: run.dueAt,
    trigger: run.trigger,
    outcome: run.status,
    skipReason: run.skipReason ?? null,
    skipDetail: run.skipDetail ?? null,
    late: run.lateDetail !== undefined,
    lateDetail: run.lateDetail ?? null,
    createdAt: iso(run.createdAt),
    firingLatenessMs: run.createdAt - run.dueAt,
    startedAt: iso(first?.startedAt),
    endedAt: iso(run.endedAt),
    queueDelayMs: runQueueDelayMs(run),
    runTimeMs: runTimeMs(run),
    exitCode: run.exitCode ?? last?.exitCode ?? null,
    attempt: run.attempts.length,
    retryAt: iso(run.retryAt),
    message: run.message ?? null,
    awaitingCallbackSince: iso(run.awaitingCallbackSince),
    elementsProcessed: run.elementsProcessed ?? null,
    attempts: run.attempts.map((a) => ({
      attempt: a.attempt,
      taskId: a.taskId,
      agentId: a.agentId,
      host: a.host,
      launchedAt: iso(a.launchedAt),
      startedAt: iso(a.startedAt),
      endedAt: iso(a.endedAt),
      state: a.state ?? null,
      exitCode: a.exitCode ?? null,
      message: a.message ?? null,
    })),
  };
}
