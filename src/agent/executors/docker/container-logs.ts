/**
 * Copies a container's output into the task's sandbox `stdout`/`stderr` files, so the task log
 * API (which reads those files) works the same for containers as for processes, and the logs
 * outlive the container.
 *
 * The engine is asked for timestamps; each entry's time is the copy cursor, kept in
 * `<sandbox>/.drover-docker-logs.json`. An agent that re-adopts a running container resumes from
 * the cursor instead of copying everything again. The cursor is saved after writes, not before,
 * so an agent killed mid-copy repeats at most the entries since the last save, never loses any.
 */
import { type FileHandle, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogFiles } from '../executor.js';
import type { DockerEngine } from './engine-client.js';

export const LOG_CURSOR_FILE = '.drover-docker-logs.json';

/** RFC 3339 with up to nanoseconds (`2026-11-26T14:20:47.298076946Z`) -> ns since the epoch. */
export function timestampNs(ts: string): bigint | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** The engine's `since`: seconds with a nanosecond fraction. */
export function sinceParam(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  return `${sec}.${frac.toString().padStart(9, '0')}`;
}

export async function readCursor(sandbox: string): Promise<bigint | undefined> {
  try {
    const v = JSON.parse(await readFile(join(sandbox, LOG_CURSOR_FILE), 'utf8')) as { lastNs?: unknown };
    return typeof v.lastNs === 'string' && /^\d+$/.test(v.lastNs) ? BigInt(v.lastNs) : undefined;
  } catch {
    return undefined;
  }
}

export class ContainerLogCopier {
  /** Settles when the engine ended the stream (the container stopped) or the copier was stopped. */
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private last: bigint | undefined;
  private saved: bigint | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: DockerEngine,
    private readonly containerId: string,
    private readonly logs: LogFiles,
    private readonly sandbox: string,
    opts: { follow: boolean; after?: bigint; onError?: (err: unknown) => void },
  ) {
    this.last = opts.after;
    this.saved = opts.after;
    this.done = this.copy(opts.follow).catch((err: unknown) => {
      if (!this.abort.signal.aborted) opts.onError?.(err);
    });
  }

  /** Stops following (agent detaching); what was copied is recorded in the cursor. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
    await this.saving;
  }

  private async copy(follow: boolean): Promise<void> {
    const files: Partial<Record<'stdout' | 'stderr', FileHandle>> = {};
    const resumeAfter = this.last;
    try {
      files.stdout = await open(this.logs.stdout, 'a');
      files.stderr = await open(this.logs.stderr, 'a');
      const frames = this.engine.logs(this.containerId, {
        follow,
        timestamps: true,
        ...(this.last !== undefined ? { since: sinceParam(this.last) } : {}),
        signal: this.abort.signal,
      });
      for await (const frame of frames) {
        const space = frame.data.indexOf(0x20);
        const ns = space > 0 ? timestampNs(frame.data.subarray(0, space).toString('latin1')) : undefined;
        // `since` is inclusive: skip what an earlier copier already wrote. Only entries up to the
        // resume point: two entries of this run may well share a timestamp.
        if (ns !== undefined && resumeAfter !== undefined && ns <= resumeAfter) continue;
        const data = ns !== undefined ? frame.data.subarray(space + 1) : frame.data;
        await files[frame.stream]!.write(data);
        if (ns !== undefined) this.last = ns;
        this.saveCursor();
      }
    } finally {
      await Promise.all([files.stdout?.close(), files.stderr?.close()]);
      this.saveCursor();
      await this.saving;
    }
  }

  /** One save at a time; the newest cursor wins. Failures only cost duplicates after a restart. */
  private saveCursor(): void {
    this.saving = this.saving.then(async () => {
      const last = this.last;
      if (last === undefined || last === this.saved) return;
      const file = join(this.sandbox, LOG_CURSOR_FILE);
      try {
        await writeFile(`${file}.tmp`, `${JSON.stringify({ lastNs: last.toString() })}\n`);
        await rename(`${file}.tmp`, file);
        this.saved = last;
      } catch {
        // The sandbox may be gone (task cleaned up); nothing to protect then.
      }
    });
  }
}
