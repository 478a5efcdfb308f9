/** What the agent and its spawner helper say to each other over the helper's IPC channel (JSON). */
import type { SpawnRequest } from './task-spawner.js';

export type ToSpawner =
  | { t: 'spawn'; id: number; req: SpawnRequest }
  /** A gated child: let it run (open) or make it exit without running anything. */
  | { t: 'gate'; id: number; open: boolean }
  /** The agent no longer watches this child: send nothing more about it. */
  | { t: 'release'; id: number };

/** A spawn error as plain data, so the agent can rebuild it (message and errno fields). */
export interface SpawnFailure {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

export type FromSpawner =
  | { t: 'spawned'; id: number; pid: number; startTime: number | undefined }
  | { t: 'failed'; id: number; error: SpawnFailure }
  | { t: 'exit'; id: number; exitCode: number | null; signal: string | null };

export function failureOf(e: unknown): SpawnFailure {
  const err = e as NodeJS.ErrnoException;
  return {
    message: err?.message ?? String(e),
    ...(typeof err?.code === 'string' ? { code: err.code } : {}),
    ...(typeof err?.errno === 'number' ? { errno: err.errno } : {}),
    ...(typeof err?.syscall === 'string' ? { syscall: err.syscall } : {}),
    ...(typeof err?.path === 'string' ? { path: err.path } : {}),
  };
}

export function errorOf(f: SpawnFailure): Error {
  const { message, ...fields } = f;
  return Object.assign(new Error(message), fields);
}
