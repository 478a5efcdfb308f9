/**
 * A running process task: its end (from the main process, then the cleanup of its group and
 * cgroup), the OOM watch that ends the whole task when the kernel kills one of its processes, and
 * the kill (SIGTERM to the group, SIGKILL after the grace period). How the task was started or
 * re-attached is the executor's business (process-executor.ts); this is what follows.
 */
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { TaskCgroup } from './cgroups/task-cgroups.js';
import type { RunningTask, TaskExit } from './executor.js';
import { groupHasLiveMembers, signalGroup } from './process-group.js';

/** What the process executor checkpoints: enough to recognise the process, never just a pid. */
export type ProcessHandle = {
  pid: number;
  /** Always pid: the task leads its own group. Kept so the record says what gets signalled. */
  pgid: number;
  /** `/proc/<pid>/stat` field 22, clock ticks after boot. */
  startTime: number;
  bootId: string;
};

/** What a running task needs of the executor's settings. */
export interface ProcessTaskDeps {
  timers: Clock;
  groupPollMs: number;
  oomPollMs: number;
  logger: Logger | undefined;
}

/** The task's main process, watched one way or another. */
export interface Leader {
  /** Settles when the main process has ended. */
  exit: Promise<TaskExit>;
  /** Stop watching (detach): `exit` may then never settle. */
  release(): void;
  /** A kill has started: notice the end sooner. */
  hurry(): void;
}

export class ProcessTask implements RunningTask {
  readonly exited: Promise<TaskExit>;
  private killing: Promise<void> | undefined;
  private detached = false;
  private ended = false;
  private stopOomWatch: (() => void) | undefined;

  constructor(
    readonly pid: number,
    readonly handle: ProcessHandle | undefined,
    private readonly leader: Leader,
    private readonly deps: ProcessTaskDeps,
    private readonly cgroup?: TaskCgroup,
  ) {
    if (cgroup) this.watchOom(cgroup);
    this.exited = leader.exit.then(async (exit) => {
      this.stopOomWatch?.();
      // A task that ended on its own takes its leftovers with it, as destroying a Mesos container
      // does; otherwise orphans would hold ports the scheduler hands to the replacement. During a
      // kill the grace period decides instead.
      if (!this.killing && !this.detached) signalGroup(pid, 'SIGKILL');
      this.ended = true;
      if (!cgroup || this.detached) return exit;
      const oomKilled = (await cgroup.oomKills()) > 0;
      if (!(await cgroup.remove())) {
        deps.logger?.warn(
          { pid, cgroup: cgroup.dirs },
          'a task has ended but its cgroup could not be removed',
        );
      }
      return oomKilled ? { ...exit, memoryLimitMib: cgroup.memoryLimitMib } : exit;
    });
  }

  /**
   * The OOM killer picks one process of the group; the task it belonged to is over (Mesos'
   * memory isolator destroys the whole container), so the rest of the group goes too.
   */
  private watchOom(cgroup: TaskCgroup): void {
    const { timers, oomPollMs } = this.deps;
    const check = async () => {
      this.stopOomWatch = undefined;
      if (this.ended || this.detached) return;
      if ((await cgroup.oomKills()) > 0) {
        await cgroup.killAll();
        return;
      }
      if (!this.ended && !this.detached) this.stopOomWatch = timers.setTimer(oomPollMs, () => void check());
    };
    this.stopOomWatch = timers.setTimer(oomPollMs, () => void check());
  }

  kill(gracePeriodMs: number): Promise<void> {
    this.killing ??= this.terminate(gracePeriodMs);
    return this.killing;
  }

  detach(): void {
    this.detached = true;
    this.stopOomWatch?.();
    this.leader.release();
  }

  private async terminate(gracePeriodMs: number): Promise<void> {
    if (this.ended) return;
    this.leader.hurry();
    if (signalGroup(this.pid, 'SIGTERM')) {
      const emptied = await this.groupGoneWithin(gracePeriodMs);
      if (!emptied) {
        signalGroup(this.pid, 'SIGKILL');
        // Also what left the process group (setsid) but not the cgroup.
        await this.cgroup?.killAll();
      }
    }
    await this.exited;
  }

  /** True when every group member is gone before the grace period ends. */
  private groupGoneWithin(ms: number): Promise<boolean> {
    const { timers, groupPollMs } = this.deps;
    return new Promise((resolve) => {
      let settled = false;
      let cancelPoll: (() => void) | undefined;
      const finish = (gone: boolean) => {
        if (settled) return;
        settled = true;
        cancelGrace();
        cancelPoll?.();
        resolve(gone);
      };
      const cancelGrace = timers.setTimer(ms, () => finish(false));
      // While the leader lives the group is alive by definition; after it is reaped, children it
      // left may still be finishing their own SIGTERM handling.
      const check = async () => {
        if (settled) return;
        if (!(await groupHasLiveMembers(this.pid))) finish(true);
        else if (!settled) cancelPoll = timers.setTimer(groupPollMs, () => void check());
      };
      void this.leader.exit.then(check);
    });
  }
}
