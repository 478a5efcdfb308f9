/**
 * How long a kill the master asks for takes, in two parts (issue 13, item 5):
 *
 *   kill ─► TASK_KILLING, still serving ──drain──► SIGTERM ──grace──► SIGKILL
 *
 * - grace: `taskKillGracePeriodSeconds`, the time between SIGTERM and SIGKILL, as in Marathon.
 * - drain: Drover's own window before SIGTERM in which routers (reading the task list or the
 *   event stream) take the task out of rotation while it still answers. The master's
 *   `--kill-drain-ms` sets it for every app; the app label DROVER_KILL_DRAIN_MS overrides it.
 *   Marathon has no drain (Mesos sends SIGTERM at once): `--kill-drain-ms 0` gives that.
 *
 * A kill therefore ends within drain + grace (+ the executor's rounding, under 1 s).
 */
import type { AppDefinition } from './app.js';
import type { Issues } from './validation-issues.js';

export const KILL_DRAIN_LABEL = 'DROVER_KILL_DRAIN_MS';

/**
 * Short: long enough for a router that follows the event stream or polls the task list every
 * second to drop the task, short enough that a kill stays close to what the app's grace says.
 */
export const DEFAULT_KILL_DRAIN_MS = 2_000;

/** Marathon leaves an absent taskKillGracePeriodSeconds to Mesos, whose command executor uses 3 s. */
export const DEFAULT_KILL_GRACE_MS = 3_000;

/**
 * Default bound on the master's wait, before a kill proceeds, for every router to take the
 * routing table without the task (control-plane/agents/route-push.ts). An agent's router takes a table at once;
 * HAProxy needs a check and a reload (0.3 to 1.6 s measured on a loaded 2-core machine).
 */
export const DEFAULT_ROUTE_ACK_TIMEOUT_MS = 5_000;

/** A drain longer than an hour would outlive any router's refresh; it is a typo. */
const MAX_DRAIN_MS = 3_600_000;

const DRAIN_MESSAGE = `must be a whole number of milliseconds from 0 to ${MAX_DRAIN_MS}`;

export function killGraceMs(
  app: Pick<AppDefinition, 'taskKillGracePeriodSeconds'> | undefined,
  defaultMs: number,
): number {
  return app?.taskKillGracePeriodSeconds !== undefined ? app.taskKillGracePeriodSeconds * 1000 : defaultMs;
}

/**
 * A job run's task: Chronos has no kill grace of its own, so it gets what an app without
 * `taskKillGracePeriodSeconds` gets (the master's default, Mesos' 3 s unless configured), and no
 * drain, since nothing routes to a job.
 */
export function jobKillTiming(defaultGraceMs: number): { grace: number; drain: number } {
  return { grace: killGraceMs(undefined, defaultGraceMs), drain: 0 };
}

export function killDrainMs(app: Pick<AppDefinition, 'labels'> | undefined, defaultMs: number): number {
  const given = parseDrain(app?.labels[KILL_DRAIN_LABEL]);
  return given ?? defaultMs;
}

/** The label is checked when the app is written, so a bad value is a 422, not a silent default. */
export function checkKillDrainLabel(labels: Record<string, string>, issues: Issues): void {
  const raw = labels[KILL_DRAIN_LABEL];
  if (raw !== undefined && parseDrain(raw) === undefined)
    issues.add(`/labels/${KILL_DRAIN_LABEL}`, DRAIN_MESSAGE);
}

function parseDrain(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,7}$/.test(raw)) return undefined;
  const ms = Number(raw);
  return ms <= MAX_DRAIN_MS ? ms : undefined;
}
