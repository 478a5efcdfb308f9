/**
 * Kill drain (graceful kill, issue 3 part 9): a task the master kills stays TASK_KILLING, still
 * running and answering, for its kill grace period before SIGTERM, so whoever routes to it (a load
 * balancer reading the task list or the event stream) stops sending it requests before it stops
 * answering. Then it gets its whole grace again after SIGTERM, as in Mesos.
 *
 * The agent may cap the drain (`--kill-drain-ms N`; 0 = SIGTERM at once); without a cap it lasts
 * the whole grace. See the agent README for when there is no drain at all.
 */
import type { CancelTimer, Clock } from '../platform/clock.js';

/** No cap: the drain lasts the task's whole kill grace period (`drover up` / `drover agent` default). */
export const WHOLE_GRACE = Number.POSITIVE_INFINITY;

/** Longest delay a Node timer takes; longer ones fire at once, so longer drains are cut to this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The agent's drain cap for a `--kill-drain-ms` flag value: absent means the whole grace. */
export function killDrainCap(flagMs: number | undefined): number {
  return flagMs ?? WHOLE_GRACE;
}

/** How long a task killed with `graceMs` stays TASK_KILLING before SIGTERM, under cap `capMs`. */
export function drainMs(graceMs: number, capMs: number): number {
  const ms = Math.min(graceMs, capMs);
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

/**
 * Calls `terminate` once the drain for a kill with `graceMs` is over: at once (returning
 * undefined) when there is no drain, else from a timer whose cancel is returned.
 */
export function startDrain(
  clock: Clock,
  graceMs: number,
  capMs: number,
  terminate: () => void,
): CancelTimer | undefined {
  const ms = drainMs(graceMs, capMs);
  if (ms === 0) {
    terminate();
    return undefined;
  }
  return clock.setTimer(ms, terminate);
}
