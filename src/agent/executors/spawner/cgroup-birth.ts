/**
 * A child born in its task's cgroup without a gate: the spawner helper moves itself into the
 * task's group (every hierarchy), forks, and moves back, all in one synchronous stretch, so no
 * other spawn of the helper can happen in between and the child runs nothing outside the group.
 * Writing "0" to `cgroup.procs` moves the writing process (v1 and v2).
 *
 * Why: the gate (process-executor.ts) costs the task one more exec of a shell, a pipe and two
 * migrations of a foreign pid; the same 300 launches of `sh -c true` with their groups took 12-14.5
 * ms of wall time each through the gate and 6.7-9.8 ms this way (5.4-5.9 ms without any cgroup),
 * on the 2-core bench machine (BENCHMARKS.md, job firing, fifth round). Only the small helper
 * does this, never the agent: while inside, its allocations are charged to the task's group, a
 * few KB for the microseconds of a fork, far below the 32 MiB floor of any group.
 *
 * Home is the helper's own group in each hierarchy, from /proc/self/cgroup and the mount's root
 * in /proc/self/mountinfo (a cgroup path is relative to the hierarchy, a mount may show a subtree).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { type CgroupMount, parseCgroupMounts } from '../cgroups/cgroup-host.js';

/** `/proc/self/cgroup`: hierarchy lines `id:controllers:path`. */
export function ownGroups(procCgroup: string): Array<{ controllers: string[]; path: string }> {
  const out: Array<{ controllers: string[]; path: string }> = [];
  for (const line of procCgroup.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    out.push({ controllers: controllers === '' ? [] : controllers.split(','), path: line.slice(second + 1) });
  }
  return out;
}

/** The directory of this process's own group in the hierarchy that holds `dir`. */
export function homeFor(
  dir: string,
  mounts: readonly CgroupMount[],
  own: ReturnType<typeof ownGroups>,
): string {
  const inside = (m: CgroupMount) => dir === m.mountPoint || dir.startsWith(m.mountPoint + sep);
  const mount = mounts.filter(inside).sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
  if (!mount) throw new Error(`${dir} is on no cgroup mount`);
  const group =
    mount.fsType === 'cgroup2'
      ? own.find((g) => g.controllers.length === 0)
      : own.find((g) => g.controllers.length > 0 && g.controllers.every((c) => mount.options.includes(c)));
  if (!group) throw new Error(`this process has no group in the hierarchy of ${mount.mountPoint}`);
  const rel = relative(mount.root, group.path);
  if (rel.startsWith('..'))
    throw new Error(`this process's group ${group.path} is outside ${mount.mountPoint}`);
  return join(mount.mountPoint, rel);
}

export class CgroupBirth {
  private readonly homes = new Map<string, string>();
  private mounts: CgroupMount[] | undefined;
  private own: ReturnType<typeof ownGroups> | undefined;

  /**
   * Runs `fork` with this process inside `dirs` (one group per hierarchy), then puts it back home.
   * A failure to enter throws (prefixed like the gate's) after going home; a failure to go home
   * throws HomeLost: this process then sits in a task's group and must not fork again.
   */
  bear<T>(dirs: readonly string[], fork: () => T): T {
    const homes = dirs.map((d) => this.homeOf(d));
    let entered = 0;
    try {
      for (const dir of dirs) {
        writeFileSync(join(dir, 'cgroup.procs'), '0');
        entered++;
      }
    } catch (e) {
      this.goHome(homes.slice(0, entered));
      throw new Error(`cannot put the task in its cgroup: ${(e as Error).message}`);
    }
    try {
      return fork();
    } finally {
      this.goHome(homes);
    }
  }

  private goHome(homes: readonly string[]): void {
    for (const home of homes) {
      try {
        writeFileSync(join(home, 'cgroup.procs'), '0');
      } catch (e) {
        throw new HomeLost(`cannot move the spawner back to ${home}: ${(e as Error).message}`);
      }
    }
  }

  private homeOf(dir: string): string {
    // Keyed by the group's parent (Drover's root in its hierarchy), the same for every task.
    const key = dirname(dir);
    let home = this.homes.get(key);
    if (home === undefined) {
      this.mounts ??= parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
      this.own ??= ownGroups(readFileSync('/proc/self/cgroup', 'utf8'));
      home = homeFor(dir, this.mounts, this.own);
      this.homes.set(key, home);
    }
    return home;
  }
}

/** The spawner could not leave a task's group: it must stop spawning (the agent starts another). */
export class HomeLost extends Error {}
