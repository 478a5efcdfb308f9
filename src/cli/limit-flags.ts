/** The process-task limit flags `drover up` and `drover agent` share (bin/task-limits.ts). */
import type { Command } from 'commander';

export function addLimitOptions(cmd: Command): Command {
  return cmd
    .option(
      '--no-enforce-limits',
      "run process tasks without cgroup limits (default: each gets its own cgroup with its mem and cpus, when this machine's cgroups are writable)",
    )
    .option(
      '--cpu-quota',
      'also cap each process task at its cpus (CFS quota), not only weight it (cpu shares) when CPUs are contended',
    );
}

export function limitFlags(opts: { enforceLimits?: boolean; cpuQuota?: boolean }): {
  limits: { enforce: boolean; cpuQuota: boolean };
} {
  return { limits: { enforce: opts.enforceLimits !== false, cpuQuota: opts.cpuQuota === true } };
}
