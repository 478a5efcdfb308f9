/**
 * What a process task's cgroup is set to, from its `cpus` and `mem`: pure, so the numbers are
 * tested without a kernel. The I/O that writes them is task-cgroups.ts.
 *
 * - Memory: `mem` MiB plus a fixed headroom (MEMORY_HEADROOM_MIB), at least MEMORY_FLOOR_MIB. The
 *   cgroup is charged for more than the task's own heap: the page cache of the files it writes
 *   (its own stdout/stderr included) and the small launch shell that moves it into the group. The
 *   headroom keeps a task that stays within `mem` from being killed for those; the floor is
 *   Mesos' (its cgroups memory isolator never sets less than 32 MB). Swap is limited to the same
 *   amount where the kernel accounts it, so a task cannot page out past its limit.
 * - CPU: shares (v1 `cpu.shares` = cpus x 1024, Mesos' CPU_SHARES_PER_CPU) or the v2 weight the
 *   kernel maps shares to; they only matter when CPUs are contended, so a task is never slowed
 *   on an idle machine. With `cpuQuota` also a hard ceiling of `cpus` CPUs per 100 ms period
 *   (Mesos' `--cgroups_enable_cfs`).
 */

export type CgroupVersion = 1 | 2;
/** The v1 hierarchies written to; v2 has one. */
export type CgroupController = 'memory' | 'cpu';

export interface CgroupWrite {
  controller: CgroupController;
  file: string;
  value: string;
  /** Absent on some kernels (swap accounting off, no CFS): skipped when the file does not exist. */
  optional?: boolean;
}

export const MEMORY_HEADROOM_MIB = 16;
export const MEMORY_FLOOR_MIB = 32;
const MIB = 1024 * 1024;
const SHARES_PER_CPU = 1024;
const CFS_PERIOD_US = 100_000;

/** The memory limit of a task with this `mem`, in MiB. */
export function memoryLimitMib(mem: number): number {
  return Math.max(MEMORY_FLOOR_MIB, Math.ceil(mem) + MEMORY_HEADROOM_MIB);
}

/** v1 `cpu.shares`: at least 2 (the kernel's minimum). */
export function cpuShares(cpus: number): number {
  return Math.max(2, Math.round(cpus * SHARES_PER_CPU));
}

/** v2 `cpu.weight` (1..10000) for the same shares, converted as runc and systemd do. */
export function cpuWeight(cpus: number): number {
  const shares = Math.min(262_144, cpuShares(cpus));
  return Math.min(10_000, Math.max(1, 1 + Math.floor(((shares - 2) * 9_999) / 262_142)));
}

export function cgroupWrites(
  version: CgroupVersion,
  resources: { cpus: number; mem: number },
  opts: { cpuQuota?: boolean; cpuController?: boolean } = {},
): CgroupWrite[] {
  const bytes = String(memoryLimitMib(resources.mem) * MIB);
  const quotaUs = Math.max(1_000, Math.round(resources.cpus * CFS_PERIOD_US));
  const cpu = opts.cpuController !== false;
  if (version === 1) {
    return [
      // limit before memsw: the kernel refuses a memsw limit below the memory limit.
      { controller: 'memory', file: 'memory.limit_in_bytes', value: bytes },
      { controller: 'memory', file: 'memory.memsw.limit_in_bytes', value: bytes, optional: true },
      ...(cpu
        ? [{ controller: 'cpu' as const, file: 'cpu.shares', value: String(cpuShares(resources.cpus)) }]
        : []),
      ...(cpu && opts.cpuQuota
        ? [
            { controller: 'cpu' as const, file: 'cpu.cfs_period_us', value: String(CFS_PERIOD_US) },
            { controller: 'cpu' as const, file: 'cpu.cfs_quota_us', value: String(quotaUs) },
          ]
        : []),
    ];
  }
  return [
    { controller: 'memory', file: 'memory.max', value: bytes },
    { controller: 'memory', file: 'memory.swap.max', value: '0', optional: true },
    ...(cpu
      ? [{ controller: 'cpu' as const, file: 'cpu.weight', value: String(cpuWeight(resources.cpus)) }]
      : []),
    ...(cpu && opts.cpuQuota
      ? [{ controller: 'cpu' as const, file: 'cpu.max', value: `${quotaUs} ${CFS_PERIOD_US}` }]
      : []),
  ];
}

/**
 * The kernel's count of OOM kills in the group: `oom_kill N` in v1's `memory.oom_control` (Linux
 * 4.13+) or v2's `memory.events`. 0 when the line is missing.
 */
export function parseOomKills(text: string): number {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}
