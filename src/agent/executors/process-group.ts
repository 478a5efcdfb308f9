import { liveGroupMembers } from './proc-stat.js';

/**
 * Signals to a task's process group. A task is spawned as the leader of its own group (pgid ==
 * its pid), so `kill(-pgid)` reaches everything it started unless a descendant left the group on
 * purpose (setsid), which Mesos' posix launcher does not catch either.
 *
 * Linux does not reuse a pid while a process group of that id still has members, so signalling a
 * group we saw alive is safe; once we have seen it empty we must never signal it again.
 */

/** Returns false when the group no longer has any member (ESRCH). */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * Whether any member of the group exists. Zombies count (until their parent, often init, reaps
 * them), so a caller must bound how long it waits on this.
 */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    // EPERM means a member exists that we may not signal: still alive.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Whether the group has a member that has not ended. Where nobody reaps orphans (a container whose
 * PID 1 does not), a task's exited children stay zombies and keep `groupExists` true forever; this
 * looks past them, at the cost of a /proc scan when the group is not simply empty.
 */
export async function groupHasLiveMembers(pgid: number): Promise<boolean> {
  if (!groupExists(pgid)) return false;
  const live = await liveGroupMembers(pgid);
  return live === undefined || live.length > 0;
}
