/**
 * The due-runs planner: given each scheduled job's next unhandled due time, the run records that
 * exist and the runs still active, decide for every occurrence up to `now` whether it fires or is
 * recorded as skipped (and why), and where each job's schedule goes next.
 *
 * Rules (README.md):
 * - Every occurrence is handled exactly once: it either fires or gets a skipped record. An
 *   occurrence that already has a run record (keyed by job and due time) is never fired again.
 * - After downtime only the latest occurrence still runs, and only if it is at most `epsilon` old;
 *   older ones are recorded as `missed`.
 * - `concurrent: false`: an occurrence due while a run of the job is active is recorded as
 *   `overlap`.
 * - A schedule whose count is spent (`R5` after five) leaves the job to be disabled.
 * - Time only moves the plan forward: a clock stepping back finds `nextDueAt > now` and fires
 *   nothing.
 */
import type { Schedule } from './schedule.js';

export type SkipReason = 'missed' | 'overlap';

export interface PlannerJob {
  name: string;
  schedule: Schedule;
  /** The earliest due time not yet handled; undefined = the schedule has nothing more. */
  nextDueAt: number | undefined;
  concurrent: boolean;
  epsilonMs: number;
}

export interface DuePlanInput {
  now: number;
  /** Scheduled, enabled jobs (dependent and disabled jobs are not planned here). */
  jobs: readonly PlannerJob[];
  hasRun(job: string, dueAt: number): boolean;
  /** Runs of the job not yet finished (running, or waiting to retry). */
  activeRuns(job: string): number;
  /**
   * Occurrences handled per job per pass (a PT1S job down for a day has 86,400); the rest are
   * handled by the next passes, since nextDueAt only moves past what was recorded.
   */
  maxPerJob?: number;
}

export interface Fire {
  job: string;
  dueAt: number;
}

export interface Skip {
  job: string;
  dueAt: number;
  reason: SkipReason;
  detail: string;
}

export interface DuePlan {
  fire: Fire[];
  skip: Skip[];
  /** New nextDueAt per job touched; undefined = count spent. */
  advance: Array<{ job: string; nextDueAt: number | undefined }>;
  /** Jobs whose schedule has no occurrence left: disable them. */
  exhausted: string[];
}

export function planDueRuns(input: DuePlanInput): DuePlan {
  const plan: DuePlan = { fire: [], skip: [], advance: [], exhausted: [] };
  const cap = input.maxPerJob ?? 1000;
  for (const job of input.jobs) {
    if (job.nextDueAt === undefined || job.nextDueAt > input.now) continue;
    const due: number[] = [job.nextDueAt];
    let next = job.schedule.firstAfter(job.nextDueAt);
    while (next !== undefined && next.at <= input.now && due.length < cap) {
      due.push(next.at);
      next = job.schedule.firstAfter(next.at);
    }
    // When the cap cut the list short, even its last entry is older than the true latest.
    const latest = next !== undefined && next.at <= input.now ? undefined : due[due.length - 1];
    let active = input.activeRuns(job.name);
    for (const dueAt of due) {
      if (input.hasRun(job.name, dueAt)) continue;
      const late = input.now - dueAt;
      if (dueAt !== latest || late > job.epsilonMs) {
        plan.skip.push({
          job: job.name,
          dueAt,
          reason: 'missed',
          detail:
            late > job.epsilonMs
              ? `missed by ${fmtS(late)} (epsilon ${fmtS(job.epsilonMs)})`
              : 'superseded by a later occurrence due by now',
        });
      } else if (!job.concurrent && active > 0) {
        plan.skip.push({
          job: job.name,
          dueAt,
          reason: 'overlap',
          detail: 'the previous run was still active (concurrent: false)',
        });
      } else {
        plan.fire.push({ job: job.name, dueAt });
        active += 1;
      }
    }
    plan.advance.push({ job: job.name, nextDueAt: next?.at });
    if (next === undefined) plan.exhausted.push(job.name);
  }
  return plan;
}

function fmtS(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
