/**
 * Per-task sandbox directories, `<workDir>/sandboxes/<taskId>/`, as Mesos gives every task one:
 * the task's cwd, MESOS_SANDBOX, and home of its `stdout` and `stderr` files. Sandboxes outlive
 * their task so logs stay readable after it ends (garbage collection is a later concern).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LogStream } from '../domain/agent-protocol.js';
import type { LogFiles } from './executors/executor.js';
import { DEFAULT_MAX_LOG_BYTES, readTail } from './log-tail.js';

/**
 * Task ids come from the network and become directory names: allow only what Marathon generates
 * (`app_group_web.<uuid>`) and Chronos's `ct:<due>:<attempt>:<job>:<args>` (':' and the '%' of
 * its percent-encoded arguments), never a path separator or `.`/`..`.
 */
export function isSafeTaskId(taskId: string): boolean {
  return /^[A-Za-z0-9_.:%-]{1,255}$/.test(taskId) && taskId !== '.' && taskId !== '..';
}

export class UnsafeTaskIdError extends Error {
  constructor(taskId: string) {
    super(
      `Invalid task id ${JSON.stringify(taskId)}: only letters, digits, '_', '.', ':', '%', '-' are allowed`,
    );
    this.name = 'UnsafeTaskIdError';
  }
}

export class Sandboxes {
  readonly root: string;

  constructor(
    workDir: string,
    private readonly maxLogBytes: number = DEFAULT_MAX_LOG_BYTES,
  ) {
    this.root = join(resolve(workDir), 'sandboxes');
  }

  pathOf(taskId: string): string {
    if (!isSafeTaskId(taskId)) throw new UnsafeTaskIdError(taskId);
    return join(this.root, taskId);
  }

  logsOf(taskId: string): LogFiles {
    const dir = this.pathOf(taskId);
    return { stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') };
  }

  /**
   * Creates the sandbox (idempotent: a relaunch under the same id appends to the same logs).
   * Synchronous: one mkdir of a small metadata change, cheaper than its round trip through the
   * thread pool when hundreds of launches come at once.
   */
  async create(taskId: string): Promise<string> {
    const dir = this.pathOf(taskId);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** The last `tail` lines of a task's log (all of it when undefined), capped at maxLogBytes. */
  async readLog(taskId: string, stream: LogStream, tail?: number): Promise<string> {
    // The stream name comes from the network too.
    if (stream !== 'stdout' && stream !== 'stderr') throw new Error(`Unknown log stream ${String(stream)}`);
    const path = this.logsOf(taskId)[stream];
    try {
      return await readTail(path, tail, this.maxLogBytes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`No ${stream} log for task ${taskId} on this agent`);
      }
      throw err;
    }
  }
}
