/**
 * Who forks a process task. `fork()` copies the page tables of the process that calls it, and
 * Node's `spawn` blocks that process's event loop until the child has exec'd: from an agent of
 * 220 MB a spawn took 4.5-6.5 ms, from one of 350 MB 11 ms, from a fresh 50 MB Node process 1-1.4
 * ms (BENCHMARKS.md, job firing, fourth round). An agent launching 500 job runs at once spent two
 * thirds of its busy time inside `spawn`. So the agent hands spawns to a small long-lived helper
 * process (helper-spawner.ts, spawner-main.ts) whose fork is cheap and whose waits do not stop the
 * agent's loop; `directSpawner` does the same work in this process (tests, and what the helper
 * itself runs).
 */
import type { TaskExit } from '../executor.js';

/** One task process to start: what `child_process.spawn` gets, with the log files by path. */
export interface SpawnRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  /** Sandbox log files, opened for appending without following links (safe-open.ts). */
  stdout: string;
  stderr: string;
  /** The child reads a go-ahead on its stdin (the cgroup gate, process-executor.ts). */
  gated: boolean;
  /**
   * The child is born in these cgroup directories (one per hierarchy): only for a spawner that
   * `placesInCgroup` (cgroup-birth.ts), which then needs no gate.
   */
  cgroup?: string[];
}

/** A started task process. */
export interface SpawnedProcess {
  pid: number;
  /** `/proc/<pid>/stat` start time, read in the same tick as the spawn; undefined without /proc. */
  startTime: number | undefined;
  /**
   * Settles when the process has ended. Rejects with SpawnerLost when the helper that started it
   * died first: the process may still run, but its exit status can no longer be known.
   */
  exit: Promise<TaskExit>;
  /** Gated only: let it exec its command (true), or make it exit 125 without running it (false). */
  gate(open: boolean): void;
  /** Stop watching it (the agent leaves it running): `exit` may then never settle. */
  release(): void;
}

export interface TaskSpawner {
  /** Whether `cgroup` in a request is honoured; otherwise the executor gates the child. */
  readonly placesInCgroup: boolean;
  /** Rejects with the spawn error (ENOENT, EACCES, a log file that is not a regular file...). */
  spawn(req: SpawnRequest): Promise<SpawnedProcess>;
}

/** The helper process ended while a task it started was running. */
export class SpawnerLost extends Error {}
