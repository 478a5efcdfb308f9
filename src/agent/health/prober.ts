/**
 * The Prober port: how one health or readiness probe reaches a task. The network prober
 * (network-prober.ts) really connects; the fake executor answers from what a simulation decided,
 * so fake-clock tests can make an endpoint "turn bad" without sockets. The decisions about what an
 * answer means (healthy? ready? counted?) live in the pure files beside this one, never in a
 * prober.
 */
import type { RunningTask } from '../executors/executor.js';

export type ProbeTarget =
  | { kind: 'http'; scheme: 'http' | 'https'; host: string; port: number; path: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'command'; command: string };

/**
 * What a probe saw. `error` is anything that is not an answer: refused, reset, timed out, a
 * command that could not be started; `cause` is the text Marathon would show as
 * `lastFailureCause`.
 */
export type ProbeAnswer =
  | { kind: 'http'; status: number; statusText?: string; contentType?: string; body?: string }
  | { kind: 'tcp' }
  | { kind: 'command'; exitCode: number }
  | { kind: 'error'; cause: string };

export interface ProbeContext {
  taskId: string;
  /** The probe gives up after this long and answers an error (see timeoutCause). */
  timeoutMs: number;
  /** Read the body (readiness checks that preserve the last response); health checks discard it. */
  wantBody?: boolean;
  /** For COMMAND checks: where and with what environment the command runs. */
  sandbox: string;
  env: Record<string, string>;
  /** The task itself, for COMMAND checks run inside it when its executor can exec. */
  running?: RunningTask;
}

export interface Prober {
  /** Never rejects: every failure is an `error` answer. */
  probe(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeAnswer>;
}

/** One wording for every kind of timeout, so results read the same whatever timed out. */
export function timeoutCause(timeoutMs: number): string {
  return `Timed out after ${timeoutMs / 1000} s`;
}
