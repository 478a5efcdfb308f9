/**
 * Whether this process's agents limit their process tasks with cgroups (`--enforce-limits`, on by
 * default): found once at start, shared by the agents of `drover up`, and said once on stdout, so
 * an operator knows whether `mem` protects the machine or is only a placement number.
 */
import { describeCgroupHost, detectCgroups } from '../agent/executors/cgroups/cgroup-host.js';
import { TaskCgroups } from '../agent/executors/cgroups/task-cgroups.js';
import type { Logger } from '../platform/logger.js';

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
  return {
    cgroups: new TaskCgroups(found.host, { cpuQuota: flags.cpuQuota }),
    statusLine: `process tasks limited to their mem and cpus by ${describeCgroupHost(found.host)}${quota}`,
  };
}
