/**
 * `logs -f` over the task log route, which answers the last N lines of a sandbox file and has no
 * streaming of its own: poll a window of the last W lines and print what is new. While the file
 * has fewer than W lines the window starts at its beginning and the new lines are exactly the
 * ones past the previous count; once it is longer, the new lines are what follows the longest
 * overlap between the previous window's end and the new window's start. That overlap is
 * ambiguous only when a full window is one line repeated; then nothing new is shown until a
 * different line arrives.
 */
import type { TasksClient } from './cluster.js';
import type { LogStream } from './types.js';

export const FOLLOW_WINDOW = 1000;

/** Complete lines of a window (a last line without its newline is still being written) and the raw count. */
export function windowLines(text: string): { lines: string[]; raw: number } {
  if (text === '') return { lines: [], raw: 0 };
  const parts = text.split('\n');
  const partial = parts.pop() ?? '';
  return { lines: parts, raw: parts.length + (partial === '' ? 0 : 1) };
}

/** The lines of `next` that `prev` did not have. `full`: the window may not start at the file's beginning. */
export function newLines(prev: readonly string[], next: readonly string[], full: boolean): string[] {
  if (!full) {
    const grew = next.length >= prev.length && prev.every((line, i) => next[i] === line);
    // Not a continuation: the file was replaced (rotated, or a new run of the task): all of it is new.
    return grew ? next.slice(prev.length) : [...next];
  }
  for (let k = Math.min(prev.length, next.length); k > 0; k--) {
    let match = true;
    for (let i = 0; i < k && match; i++) match = prev[prev.length - k + i] === next[i];
    if (match) return next.slice(k);
  }
  return [...next];
}

export interface FollowOptions {
  stream?: LogStream;
  /** Lines shown before following (default: the whole window). */
  tail?: number;
  intervalMs?: number;
  signal: AbortSignal;
  /** Called with whole lines, in order, each without its newline. */
  onLines(lines: string[]): void;
}

export async function followTaskLog(tasks: TasksClient, taskId: string, opts: FollowOptions): Promise<void> {
  const window = Math.max(FOLLOW_WINDOW, opts.tail ?? 0);
  const read = async () =>
    windowLines(
      await tasks.logs(taskId, {
        tail: window,
        signal: opts.signal,
        ...(opts.stream ? { stream: opts.stream } : {}),
      }),
    );
  let prev = await read();
  const first =
    opts.tail === undefined ? prev.lines : prev.lines.slice(Math.max(0, prev.lines.length - opts.tail));
  if (first.length > 0 && opts.tail !== 0) opts.onLines(first);
  while (!opts.signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.intervalMs ?? 1000);
      opts.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    if (opts.signal.aborted) break;
    let next: { lines: string[]; raw: number };
    try {
      next = await read();
    } catch (err) {
      if (opts.signal.aborted) break;
      throw err;
    }
    const fresh = newLines(prev.lines, next.lines, next.raw >= window);
    if (fresh.length > 0) opts.onLines(fresh);
    prev = next;
  }
}
