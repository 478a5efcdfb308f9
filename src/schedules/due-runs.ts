/**
 * The due-runs planner: given each scheduled job's next unhandled due time, the run records that
 * exist and the runs still active, decide for every occurrence up to `now` whether it fires or is
 * recorded as skipped (and why), and where each job's schedule goes next.
 *
 * Rules (README.md):
 * - Every occurrence is handled exactly once: it either fires or gets a skipped record. An
 *   occurrence that already has a run record (keyed by job and due time) is never fired again.
 * - Late runs (Chronos 3): after downtime, a failover or a slow pass, the latest occurrence due by
 *   `now` runs once, however late; the older ones are recorded as `missed`, superseded by it (no
 *   catch-up burst), and the schedule resumes at its first occurrence after `now`. `epsilon` does
 *   not decide whether it runs: it is the window in which a run still counts as on time, and a
 *   fired occurrence older than that is marked late (`lateMs`).
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
  /** Set when the occurrence fires more than `epsilon` after its due time: how late it is. */
  lateMs?: number;
  /** Older occurrences this plan recorded as superseded by this run (the late period it stands for). */
  superseded?: number;
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
    let superseded = 0;
    const standsFor =
      latest !== undefined
        ? `the occurrence of ${new Date(latest).toISOString()}`
        : `an occurrence after ${new Date(due[due.length - 1]!).toISOString()}`;
    for (const dueAt of due) {
      if (input.hasRun(job.name, dueAt)) continue;
      if (dueAt !== latest) {
        // Superseded, not skipped for lateness: one run stands for the whole late period.
        plan.skip.push({
          job: job.name,
          dueAt,
          reason: 'missed',
          detail: `superseded by ${standsFor}: a late run runs once`,
        });
        superseded += 1;
      } else if (!job.concurrent && active > 0) {
        plan.skip.push({
          job: job.name,
          dueAt,
          reason: 'overlap',
          detail: 'the previous run was still active (concurrent: false)',
        });
      } else {
        const late = input.now - dueAt;
        plan.fire.push({
          job: job.name,
          dueAt,
          ...(late > job.epsilonMs ? { lateMs: late } : {}),
          ...(superseded > 0 ? { superseded } : {}),
        });
        active += 1;
      }
    }
    plan.advance.push({ job: job.name, nextDueAt: next?.at });
    if (next === undefined) plan.exhausted.push(job.name);
  }
  return plan;
}
