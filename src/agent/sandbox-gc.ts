/**
 * Which sandboxes to remove, decided from a listing (no I/O, no clock: `now` is given). Only
 * sandboxes of ended tasks go: every one whose last change is older than the TTL (`--sandbox-ttl`,
 * 7 days by default, as Mesos's `--gc_delay` of one week), and then, while the work dir's
 * sandboxes together pass `maxTotalBytes`, the oldest ended ones first (Mesos's disk-watch).
 * Sandboxes of live tasks, or of ended ones the master has not acknowledged yet, are never
 * removed: their logs and checkpoints are still needed.
 */
export interface SandboxEntry {
  taskId: string;
  /** Epoch ms of the newest change to anything in the sandbox (its task's last output or end). */
  lastChangeMs: number;
  bytes: number;
}

export interface SandboxGcOptions {
  ttlMs: number;
  /** 0: no disk threshold. */
  maxTotalBytes: number;
}

export const DEFAULT_SANDBOX_TTL_MS = 7 * 24 * 3600 * 1000;

export function sandboxesToRemove(
  entries: readonly SandboxEntry[],
  keep: ReadonlySet<string>,
  now: number,
  opts: SandboxGcOptions,
): string[] {
  const ended = entries.filter((e) => !keep.has(e.taskId)).sort((a, b) => a.lastChangeMs - b.lastChangeMs);
  const remove = new Set(ended.filter((e) => now - e.lastChangeMs > opts.ttlMs).map((e) => e.taskId));
  if (opts.maxTotalBytes > 0) {
    let total = entries.filter((e) => !remove.has(e.taskId)).reduce((n, e) => n + e.bytes, 0);
    for (const e of ended) {
      if (total <= opts.maxTotalBytes) break;
      if (remove.has(e.taskId)) continue;
      remove.add(e.taskId);
      total -= e.bytes;
    }
  }
  return ended.filter((e) => remove.has(e.taskId)).map((e) => e.taskId);
}
