/**
 * The agent's side of the spawner helper (task-spawner.ts says why it exists): one small Node
 * process, started at the first launch, that forks the task processes. The agent sends it spawn
 * requests and gate answers; it answers with pids and, later, exits.
 *
 * - It runs in its own session (a Ctrl-C at the agent's terminal does not end it first) and ends
 *   when the agent's channel closes; tasks never depend on it to keep running.
 * - It keeps the agent alive only while a spawn is pending or a watched task runs, as a
 *   ChildProcess of the task itself would.
 * - If it dies, pending spawns reject, running tasks' `exit` rejects with SpawnerLost (the
 *   executor then watches them through /proc, as re-attached tasks), and the next spawn starts a
 *   new helper.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../platform/logger.js';
import type { TaskExit } from '../executor.js';
import { errorOf, type FromSpawner, type ToSpawner } from './spawner-messages.js';
import { type SpawnedProcess, SpawnerLost, type SpawnRequest, type TaskSpawner } from './task-spawner.js';

interface Waiting {
  spawned(pid: number, startTime: number | undefined): void;
  failed(err: Error): void;
}

interface Watched {
  exited(exit: TaskExit): void;
  lost(err: Error): void;
}

/** The helper's entry, beside this file (`.js` in dist, `.ts` under tsx in tests). */
function helperCommand(): string[] {
  const self = fileURLToPath(import.meta.url);
  const ext = extname(self);
  const main = fileURLToPath(new URL(`./spawner-main${ext}`, import.meta.url));
  // A profiled agent (`--cpu-prof`, benches) has its helper profiled too.
  const profiling = process.execArgv.filter((a) => /^--(cpu|heap)-prof/.test(a));
  // From sources (tests), the helper needs the same TypeScript loader this process runs with.
  return [...profiling, ...(ext === '.ts' ? ['--import', import.meta.resolve('tsx')] : []), main];
}

export class HelperSpawner implements TaskSpawner {
  /** The helper moves itself into a task's group around the fork (cgroup-birth.ts). */
  readonly placesInCgroup = true;
  private proc: ChildProcess | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  private readonly watched = new Map<number, Watched>();

  constructor(private readonly logger?: Logger) {}

  /** The helper's pid while it runs (it starts at the first spawn). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  spawn(req: SpawnRequest): Promise<SpawnedProcess> {
    const proc = this.helper();
    const id = ++this.nextId;
    let watch!: Watched;
    const exit = new Promise<TaskExit>((exited, lost) => {
      watch = { exited, lost };
    });
    // Whoever holds the task attaches its own handler; this one keeps a rejection nobody awaits
    // (a released task) from counting as unhandled.
    exit.catch(() => {});
    return new Promise<SpawnedProcess>((resolve, reject) => {
      this.waiting.set(id, {
        spawned: (pid, startTime) => {
          this.watched.set(id, watch);
          resolve({
            pid,
            startTime,
            exit,
            gate: (open) => this.tell({ t: 'gate', id, open }),
            release: () => {
              if (this.watched.delete(id)) this.tell({ t: 'release', id });
              this.holdAgent();
            },
          });
        },
        failed: reject,
      });
      this.holdAgent();
      proc.send({ t: 'spawn', id, req } satisfies ToSpawner);
    });
  }

  private tell(msg: ToSpawner): void {
    if (this.proc?.connected) this.proc.send(msg);
  }

  private helper(): ChildProcess {
    if (this.proc) return this.proc;
    const proc = spawn(process.execPath, helperCommand(), {
      // Nothing of the agent's environment: each task gets its env in its request.
      env: {},
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.proc = proc;
    proc.on('message', (msg: FromSpawner) => this.receive(msg));
    const ended = (why: string) => {
      if (this.proc !== proc) return;
      this.proc = undefined;
      const waiting = [...this.waiting.values()];
      const watched = [...this.watched.values()];
      this.waiting.clear();
      this.watched.clear();
      if (waiting.length + watched.length > 0)
        this.logger?.warn(
          { why, pending: waiting.length, running: watched.length },
          'the task spawner ended',
        );
      for (const w of waiting) w.failed(new Error(`the task spawner ended (${why})`));
      for (const w of watched) w.lost(new SpawnerLost(`the task spawner ended (${why})`));
    };
    proc.on('error', (err) => ended(err.message));
    proc.on('exit', (code, signal) => ended(signal ?? `exit code ${code}`));
    return proc;
  }

  private receive(msg: FromSpawner): void {
    switch (msg.t) {
      case 'spawned': {
        const w = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        w?.spawned(msg.pid, msg.startTime);
        break;
      }
      case 'failed': {
        const w = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        w?.failed(errorOf(msg.error));
        break;
      }
      case 'exit': {
        const w = this.watched.get(msg.id);
        this.watched.delete(msg.id);
        w?.exited({ exitCode: msg.exitCode, signal: msg.signal });
        break;
      }
    }
    this.holdAgent();
  }

  /** Keeps this process alive while the helper has work for it, and no longer. */
  private holdAgent(): void {
    const proc = this.proc;
    if (!proc) return;
    const busy = this.waiting.size + this.watched.size > 0;
    const channel = proc.channel as { ref(): void; unref(): void } | undefined;
    if (busy) {
      proc.ref();
      channel?.ref();
    } else {
      proc.unref();
      channel?.unref();
    }
  }
}
