/**
 * The agent's housekeeping loop over its sandboxes: every second, task logs over the cap are
 * rotated (task-log-rotation.ts); every minute, sandboxes of ended tasks are removed as
 * sandbox-gc.ts decides from a listing of the sandboxes root.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CancelTimer, Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { type SandboxEntry, type SandboxGcOptions, sandboxesToRemove } from './sandbox-gc.js';
import { rotateLog } from './task-log-rotation.js';

export interface JanitorOptions extends SandboxGcOptions {
  root: string;
  /** Per stream (stdout, stderr) of a task; 0: no rotation. */
  taskLogMaxBytes: number;
  clock: Clock;
  logger: Logger;
  /** Task ids whose sandboxes must stay (live, or ended and not yet acknowledged). */
  keep: () => Set<string>;
  rotateEveryMs?: number;
  gcEveryMs?: number;
}

export class SandboxJanitor {
  private cancel: CancelTimer | undefined;
  private running = false;
  private lastGc = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: JanitorOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.cancel?.();
  }

  private schedule(): void {
    if (!this.running) return;
    this.cancel = this.opts.clock.setTimer(this.opts.rotateEveryMs ?? 1_000, () => {
      void this.pass()
        .catch((err) => this.opts.logger.warn({ err }, 'sandbox housekeeping failed'))
        .finally(() => this.schedule());
    });
  }

  /** One pass (exported for tests): rotate live logs; GC when due. */
  async pass(): Promise<void> {
    const keep = this.opts.keep();
    if (this.opts.taskLogMaxBytes > 0) {
      for (const taskId of keep) {
        for (const stream of ['stdout', 'stderr']) {
          const dropped = await rotateLog(join(this.opts.root, taskId, stream), this.opts.taskLogMaxBytes);
          if (dropped > 0) this.opts.logger.debug({ taskId, stream, dropped }, 'task log rotated');
        }
      }
    }
    const now = this.opts.clock.now();
    if (now - this.lastGc < (this.opts.gcEveryMs ?? 60_000)) return;
    this.lastGc = now;
    await this.gc(keep, now);
  }

  async gc(keep: Set<string>, now: number): Promise<string[]> {
    const entries = await listSandboxes(this.opts.root);
    const remove = sandboxesToRemove(entries, keep, now, this.opts);
    for (const taskId of remove) await rm(join(this.opts.root, taskId), { recursive: true, force: true });
    if (remove.length > 0) this.opts.logger.info({ removed: remove.length }, 'ended task sandboxes removed');
    return remove;
  }
}

async function listSandboxes(root: string): Promise<SandboxEntry[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const out: SandboxEntry[] = [];
  for (const taskId of names) {
    const usage = await diskUsage(join(root, taskId));
    if (usage) out.push({ taskId, ...usage });
  }
  return out;
}

async function diskUsage(path: string): Promise<{ bytes: number; lastChangeMs: number } | undefined> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return { bytes: st.size, lastChangeMs: st.mtimeMs };
  let bytes = 0;
  let lastChangeMs = st.mtimeMs;
  for (const name of await readdir(path).catch(() => [] as string[])) {
    const u = await diskUsage(join(path, name));
    if (!u) continue;
    bytes += u.bytes;
    lastChangeMs = Math.max(lastChangeMs, u.lastChangeMs);
  }
  return { bytes, lastChangeMs };
}
