/**
 * Whether this process's agents limit their process tasks with cgroups (`--enforce-limits`, on by
 * default): found once at start, shared by the agents of `drover up`, and said once on stdout, so
 * an operator knows whether `mem` protects the machine or is only a placement number.
 */
import { describeCgroupHost, detectCgroups } from '../agent/executors/cgroups/cgroup-host.js';
import { TaskCgroups } from '../agent/executors/cgroups/task-cgroups.js';
import { setCappedInterval } from '../platform/capped-timer.js';
import { systemClock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';

/** How often groups left behind by killed agents are looked for (task-cgroups.ts sweepStale). */
const SWEEP_EVERY_MS = 5 * 60_000;

export interface LimitFlags {
  enforce: boolean;
  cpuQuota: boolean;
}

export async function openTaskLimits(
  flags: LimitFlags,
  logger: Logger,
): Promise<{ cgroups: TaskCgroups | undefined; statusLine: string }> {
  if (!flags.enforce) {
    return { cgroups: undefined, statusLine: 'process tasks run without limits (--no-enforce-limits)' };
  }
  const found = await detectCgroups();
  if ('unavailable' in found) {
    logger.warn({ reason: found.unavailable }, 'process tasks run without memory and cpu limits');
    return {
      cgroups: undefined,
      statusLine: `process tasks run WITHOUT memory and cpu limits: ${found.unavailable}`,
    };
  }
  const quota = flags.cpuQuota ? ', cpu quota' : '';
  const cgroups = new TaskCgroups(found.host, { cpuQuota: flags.cpuQuota });
  const sweep = async () => {
    const removed = await cgroups.sweepStale(systemClock.now());
    if (removed > 0) logger.info({ removed }, 'removed cgroups left by tasks of killed agents');
  };
  await sweep();
  setCappedInterval(() => void sweep(), SWEEP_EVERY_MS).unref();
  return {
    cgroups,
    statusLine: `process tasks limited to their mem and cpus by ${describeCgroupHost(found.host)}${quota}`,
  };
}
