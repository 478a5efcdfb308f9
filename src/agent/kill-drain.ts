/**
 * Kill drain (graceful kill): a task the master kills stays TASK_KILLING, still running and
 * answering, for the drain the master asks for (domain/kill-timing.ts: `--kill-drain-ms` on the
 * master, the app label DROVER_KILL_DRAIN_MS) before SIGTERM, so whoever routes to it (a load
 * balancer reading the task list or the event stream) stops sending it requests before it stops
 * answering. Then it gets its grace period (`taskKillGracePeriodSeconds`) from SIGTERM to
 * SIGKILL, as in Mesos: a kill takes at most drain + grace.
 *
 * The agent may cap the drain (`drover agent --kill-drain-ms N`; 0 = SIGTERM at once). See the
 * agent README for when there is no drain at all.
 */
import type { CancelTimer, Clock } from '../platform/clock.js';

/** No cap: the drain lasts what the master asks (`drover agent` without `--kill-drain-ms`). */
export const NO_DRAIN_CAP = Number.POSITIVE_INFINITY;

/** Longest delay a Node timer takes; longer ones fire at once, so longer drains are cut to this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The agent's drain cap for a `--kill-drain-ms` flag value: absent means no cap. */
export function killDrainCap(flagMs: number | undefined): number {
  return flagMs ?? NO_DRAIN_CAP;
}

/** How long a task stays TASK_KILLING before SIGTERM when the master asks `askedMs`, under cap `capMs`. */
export function drainMs(askedMs: number, capMs: number): number {
  const ms = Math.min(askedMs, capMs);
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

/**
 * Calls `terminate` once the drain is over: at once (returning undefined) when there is none,
 * else from a timer whose cancel is returned.
 */
export function startDrain(
  clock: Clock,
  askedMs: number,
  capMs: number,
  terminate: () => void,
): CancelTimer | undefined {
  const ms = drainMs(askedMs, capMs);
  if (ms === 0) {
    terminate();
    return undefined;
  }
  return clock.setTimer(ms, terminate);
}
