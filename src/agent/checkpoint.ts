/**
 * Task checkpoints: what a restarted agent needs to take its tasks back, kept in each sandbox as
 * `<sandbox>/.drover-task.json` (hidden, so a task writing `task.json` in its cwd cannot clobber
 * it). Mesos calls this agent checkpointing.
 *
 *   launch requested ──► {spec}                  written before the executor starts anything
 *   executor started ──► {spec, handle}          the executor's handle (pid + start time, ...)
 *   agent saw the end ─► {spec, handle?, ended}  never re-adopted
 *
 * A reader (the next agent) sees a whole record or the previous one, never half of one. No fsync:
 * this guards against the agent dying, and a machine that loses power loses the task processes
 * too. Creating a file is what costs (about 1 ms of kernel CPU per inode on the bench machine's
 * ext4, against 0.03 ms to rewrite one), so each task's file is created once and later records
 * are written over it in place, when that is as safe as a rename:
 *   - the first record of a new sandbox creates the file (O_EXCL) and writes it; an agent dying in
 *     between leaves it empty, which readAll takes for "no checkpoint" (nothing was started yet);
 *   - a later record is written at offset 0 in one write() when it fits in one page (4 KiB) and is
 *     no shorter than the file: Linux copies a page of a write whole before it looks at a kill, so
 *     a dying agent leaves the old record or the new one, and the new one covers the old;
 *   - otherwise (a longer record, a shorter one, or anything in the file's place the agent did not
 *     make) a temp file renamed over the old one, as every write was before.
 *
 * Writes are batched per event-loop turn: every checkpoint asked for in one turn is written in the
 * next, one after the other with synchronous calls, and a task's writes asked for in the same turn
 * collapse into its last one. A write's promise settles only once its record (or a later one of the
 * same task) is in the file, so "checkpointed before the executor starts anything" holds.
 */
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskSpec } from '../domain/agent-protocol.js';
import type { TaskState } from '../domain/task.js';
import type { TaskHandle } from './executors/executor.js';
import { agentUid, openSandboxFile, READ } from './safe-open.js';
import { isSafeTaskId, type Sandboxes } from './sandbox.js';

export const CHECKPOINT_FILE = '.drover-task.json';
const FORMAT = 1;

export interface TaskCheckpoint {
  format: typeof FORMAT;
  taskId: string;
  appId: string;
  /** Executor kind ('process', 'docker'): who can re-attach it. */
  executor: string;
  /** As the master sent it: kill grace, health checks, ports, env (hence the file is 0600). */
  spec: TaskSpec;
  /** Absent while launching, and for executors that cannot re-attach. */
  handle?: TaskHandle;
  /** Set once the agent has seen the task end (or found it gone on restart). */
  ended?: { state: TaskState; message?: string };
}

/** A sandbox whose checkpoint could not be used, and why. */
export interface UnreadableCheckpoint {
  taskId: string;
  error: string;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class TaskCheckpoints {
  /** Asked for since the last batch: each task's latest record and who waits for it. */
  private pending = new Map<string, { cp: TaskCheckpoint; waiters: Waiter[] }>();
  /** The next batch, once one is scheduled. */
  private batch: Promise<void> | undefined;

  constructor(private readonly sandboxes: Sandboxes) {}

  /** Settles once this record, or a later one of the same task, is written (or failed to be). */
  write(cp: TaskCheckpoint): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queued = this.pending.get(cp.taskId);
      if (queued) {
        queued.cp = cp;
        queued.waiters.push({ resolve, reject });
      } else this.pending.set(cp.taskId, { cp, waiters: [{ resolve, reject }] });
      this.batch ??= new Promise<void>((done) =>
        setImmediate(() => {
          this.batch = undefined;
          this.writeBatch();
          done();
        }),
      );
    });
  }

  /** Resolves when every write asked for so far has landed (or failed). */
  async flush(): Promise<void> {
    while (this.batch) await this.batch;
  }

  private writeBatch(): void {
    const batch = this.pending;
    this.pending = new Map();
    for (const { cp, waiters } of batch.values()) {
      let failed: Error | undefined;
      try {
        this.writeNow(cp);
      } catch (err) {
        failed = err as Error;
      }
      for (const w of waiters) {
        if (failed) w.reject(failed);
        else w.resolve();
      }
    }
  }

  private writeNow(cp: TaskCheckpoint): void {
    const file = join(this.sandboxes.pathOf(cp.taskId), CHECKPOINT_FILE);
    const record = Buffer.from(`${JSON.stringify(cp)}\n`);
    if (!writeInPlace(file, record)) writeByRename(file, record);
  }

  /** Every checkpoint under the sandboxes root, ended or not; sandboxes without one are skipped. */
  async readAll(): Promise<{ checkpoints: TaskCheckpoint[]; unreadable: UnreadableCheckpoint[] }> {
    const checkpoints: TaskCheckpoint[] = [];
    const unreadable: UnreadableCheckpoint[] = [];
    let names: string[];
    try {
      names = await readdir(this.sandboxes.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints, unreadable };
      throw err;
    }
    for (const taskId of names.sort()) {
      if (!isSafeTaskId(taskId)) continue;
      let text: string;
      try {
        text = await readOwnFile(join(this.sandboxes.root, taskId, CHECKPOINT_FILE));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // No checkpoint (a sandbox from before checkpoints existed) or not a directory.
        if (code === 'ENOENT' || code === 'ENOTDIR') continue;
        unreadable.push({ taskId, error: (err as Error).message });
        continue;
      }
      // Created, but the agent died before its first record went in: nothing was started.
      if (text === '') continue;
      const parsed = parseCheckpoint(text, taskId);
      if (typeof parsed === 'string') unreadable.push({ taskId, error: parsed });
      else checkpoints.push(parsed);
    }
    return { checkpoints, unreadable };
  }
}

/** The checkpoint, or why it cannot be trusted. */
export function parseCheckpoint(text: string, taskId: string): TaskCheckpoint | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`;
  }
  if (typeof v !== 'object' || v === null) return 'not an object';
  const cp = v as Partial<TaskCheckpoint>;
  if (cp.format !== FORMAT) return `unknown format ${JSON.stringify(cp.format)}`;
  if (cp.taskId !== taskId) return `task id ${JSON.stringify(cp.taskId)} does not match its sandbox`;
  if (typeof cp.appId !== 'string' || typeof cp.executor !== 'string') return 'appId or executor missing';
  const spec = cp.spec as Partial<TaskSpec> | undefined;
  if (typeof spec !== 'object' || spec === null || spec.taskId !== taskId || spec.appId !== cp.appId) {
    return 'spec missing or for another task';
  }
  if (typeof spec.killGracePeriodMs !== 'number') return 'spec has no kill grace period';
  if (cp.handle !== undefined && (typeof cp.handle !== 'object' || cp.handle === null)) {
    return 'handle is not an object';
  }
  return cp as TaskCheckpoint;
}

/**
 * Only a checkpoint this agent's user wrote is believed: one a task (owning its sandbox under
 * switchUser) put there could name any process for a root agent to adopt and signal.
 */
async function readOwnFile(path: string): Promise<string> {
  const uid = agentUid();
  const fh = await openSandboxFile(path, READ, uid !== undefined ? { owner: uid } : {});
  try {
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

const PAGE = 4096;
const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

/**
 * The record written into the file the agent made for this task (see the header for when this is
 * as safe as a rename); false when it must go by rename instead. Never follows a link, never
 * writes into a file of another user or with another name linked to it.
 */
function writeInPlace(file: string, record: Buffer): boolean {
  if (record.length > PAGE) return false;
  let fd: number;
  let created = false;
  try {
    fd = openSync(file, O_WRONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    try {
      fd = openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0o600);
      created = true;
    } catch {
      return false;
    }
  }
  try {
    if (!created) {
      const st = fstatSync(fd);
      const uid = agentUid();
      const ours = st.isFile() && st.nlink === 1 && (uid === undefined || st.uid === uid);
      if (!ours || (st.mode & 0o777) !== 0o600 || st.size > record.length) return false;
    }
    return writeSync(fd, record, 0, record.length, 0) === record.length;
  } finally {
    closeSync(fd);
  }
}

/**
 * A task run as another user owns its sandbox directory (switchUser) and could leave a symlink at
 * the temp name for the agent to write through: remove whatever is there (a temp file left by a
 * crash, or such a link) and create afresh, exclusively (O_EXCL never follows a link), so the mode
 * is always 0600 too. rename replaces the name itself, never what a link points to.
 */
function writeByRename(file: string, record: Buffer): void {
  const tmp = `${file}.tmp`;
  removeName(tmp);
  writeFileSync(tmp, record, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
}

/** Whatever is at `path` goes (unlink never follows a link); a directory a task put there too. */
function removeName(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'EISDIR' || code === 'EPERM') rmSync(path, { recursive: true, force: true });
    else throw err;
  }
}
