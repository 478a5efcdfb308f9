/**
 * One cgroup per process task (per hierarchy in v1), made before the task starts, holding it and
 * everything it starts, and removed once it has ended. What the limits are is cgroup-settings.ts;
 * this file only does the cgroup filesystem's I/O.
 *
 * Making a group, reading its OOM count and removing an empty one use synchronous calls: the
 * cgroup filesystem lives in kernel memory and answers in microseconds, and each promise-based call
 * cost a thread-pool round trip and its garbage (~1 ms of agent CPU per task over a burst of 500
 * launches). Moving a process in (`join`) stays asynchronous: the kernel may make that write wait
 * for other migrations.
 */
import { accessSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setCappedTimeout } from '../../../platform/capped-timer.js';
import type { CgroupHost } from './cgroup-host.js';
import { type CgroupController, cgroupWrites, memoryLimitMib, parseOomKills } from './cgroup-settings.js';

export interface TaskCgroupsOptions {
  /** Also cap CPU time at `cpus` (CFS quota), not only weight it. Default false. */
  cpuQuota?: boolean;
}

export class TaskCgroups {
  /** Whether an optional limit file exists: the kernel's answer is the same for every group. */
  private readonly optionalFiles = new Map<string, boolean>();

  constructor(
    readonly host: CgroupHost,
    private readonly opts: TaskCgroupsOptions = {},
  ) {}

  /**
   * Makes the task's group with its limits; rejects (and leaves nothing behind) when it cannot.
   * With `cpuLater` the CPU limits wait for `limitCpu()`: a child forked inside the group
   * (spawner/cgroup-birth.ts) must not crawl to its exec at a small job's 10 shares while its
   * spawner waits for it; a burst of 500 such launches took 4x longer on a loaded machine.
   */
  async create(
    taskId: string,
    resources: { cpus: number; mem: number },
    opts: { cpuLater?: boolean } = {},
  ): Promise<TaskCgroup> {
    const group = this.open(taskId, resources.mem);
    const writes = cgroupWrites(this.host.version, resources, {
      cpuQuota: this.opts.cpuQuota ?? false,
      cpuController: this.host.version === 1 ? this.host.cpu !== undefined : this.host.cpu,
    });
    try {
      for (const dir of group.dirs) mkdirSync(dir);
      for (const w of writes) {
        const file = join(group.dir(w.controller), w.file);
        if (w.optional && !this.hasOptional(w.controller, w.file, file)) continue;
        if (opts.cpuLater && w.controller === 'cpu') group.pendingCpu.push({ file, value: w.value });
        else writeFileSync(file, w.value);
      }
    } catch (err) {
      await group.remove();
      throw err;
    }
    return group;
  }

  private hasOptional(controller: string, name: string, file: string): boolean {
    const key = `${controller}/${name}`;
    let known = this.optionalFiles.get(key);
    if (known === undefined) {
      known = exists(file);
      this.optionalFiles.set(key, known);
    }
    return known;
  }

  /**
   * Removes task groups left empty by agents that were killed (kill -9, a crash) before their
   * tasks ended: every group made more than `minAgeMs` ago; the kernel refuses to remove one that
   * still holds a process, so a live task's group stays. A group is empty only between its
   * creation and the task joining it (milliseconds) and after the task has ended, so the age keeps
   * a launch of another agent on this machine safe. `now` is the caller's clock. Returns how many
   * went.
   */
  async sweepStale(now: number, minAgeMs = 60_000): Promise<number> {
    const h = this.host;
    const parents = h.version === 2 ? [h.dir] : [h.memory, ...(h.cpu ? [h.cpu] : [])];
    let removed = 0;
    for (const parent of parents) {
      const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const dir = join(parent, e.name);
        const made = await stat(dir).catch(() => undefined);
        if (!made || now - made.mtimeMs < minAgeMs) continue;
        if (
          await rmdir(dir).then(
            () => true,
            () => false,
          )
        )
          removed++;
      }
    }
    return removed;
  }

  /**
   * The group of a task launched earlier (an agent restart re-adopts it), which may not exist: a
   * task started by an agent without limits has none. `mem` only words the OOM message.
   */
  open(taskId: string, mem: number): TaskCgroup {
    const h = this.host;
    const memory = join(h.version === 1 ? h.memory : h.dir, taskId);
    const cpu = h.version === 1 && h.cpu !== undefined ? join(h.cpu, taskId) : undefined;
    return new TaskCgroup(memory, cpu, memoryLimitMib(mem), h.version);
  }
}

export class TaskCgroup {
  /** CPU limits made with `cpuLater`, written by `limitCpu`. */
  readonly pendingCpu: Array<{ file: string; value: string }> = [];

  constructor(
    private readonly memoryDir: string,
    private readonly cpuDir: string | undefined,
    /** The limit set on it, for the message of an OOM kill. */
    readonly memoryLimitMib: number,
    private readonly version: 1 | 2,
  ) {}

  /** Every directory of the group: one in v2, one per hierarchy in v1. */
  get dirs(): string[] {
    return this.cpuDir === undefined ? [this.memoryDir] : [this.memoryDir, this.cpuDir];
  }

  dir(controller: CgroupController): string {
    return controller === 'cpu' && this.cpuDir !== undefined ? this.cpuDir : this.memoryDir;
  }

  /** Writes the CPU limits held back at creation (`cpuLater`); nothing when there are none. */
  limitCpu(): void {
    for (const w of this.pendingCpu.splice(0)) writeFileSync(w.file, w.value);
  }

  /** Moves a process (all its threads) into the group; its later children are born in it. */
  async join(pid: number): Promise<void> {
    for (const dir of this.dirs) await writeFile(join(dir, 'cgroup.procs'), String(pid));
  }

  /** How many processes of the group the kernel's OOM killer has killed; 0 once it is gone. */
  async oomKills(): Promise<number> {
    const file = this.version === 1 ? 'memory.oom_control' : 'memory.events';
    try {
      return parseOomKills(readFileSync(join(this.memoryDir, file), 'utf8'));
    } catch {
      return 0;
    }
  }

  /** Pids in the group (every process the task started, also those that left its process group). */
  async pids(): Promise<number[]> {
    try {
      const text = await readFile(join(this.memoryDir, 'cgroup.procs'), 'utf8');
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map(Number);
    } catch {
      return [];
    }
  }

  /** SIGKILL to every process in the group; false when it held none. */
  async killAll(): Promise<boolean> {
    const pids = await this.pids();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Ended meanwhile.
      }
    }
    return pids.length > 0;
  }

  /**
   * Kills what is left in the group and removes it. Processes die asynchronously, so this retries
   * for up to `waitMs`; false when the group is still there then (it is left for the next try).
   */
  async remove(waitMs = 5_000): Promise<boolean> {
    // Mostly the task took everything with it: the kernel removes an empty group at once, and a
    // group still holding a process refuses (EBUSY) and goes the long way below.
    if (this.removeEmpty()) return true;
    for (let waited = 0; ; waited += 50) {
      await this.killAll();
      if (this.removeEmpty()) return true;
      if (waited >= waitMs) return false;
      await new Promise<void>((r) => setCappedTimeout(r, 50));
    }
  }

  /** True when every directory of the group is gone now (none held a process). */
  private removeEmpty(): boolean {
    let left = 0;
    for (const dir of this.dirs) {
      try {
        rmdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') left++;
      }
    }
    return left === 0;
  }
}

function exists(file: string): boolean {
  try {
    accessSync(file);
    return true;
  } catch {
    return false;
  }
}
