/**
 * A Prober for simulations and unit tests: no sockets, no processes. A test says per task what its
 * endpoints answer ('healthy', 'unhealthy', 'hang', or an exact answer) and can count probes.
 * Tasks without an answer of their own get `fallback` (healthy unless changed), so apps with
 * health checks become healthy in a simulation without any setup.
 */
import type { ProbeAnswer, ProbeContext, Prober, ProbeTarget } from './prober.js';

/** 'hang' never answers: the check's own timeout has to end the probe. */
export type FakeAnswer =
  | 'healthy'
  | 'unhealthy'
  | 'hang'
  | ProbeAnswer
  | ((target: ProbeTarget) => ProbeAnswer);

export interface ProbeRecord {
  taskId: string;
  target: ProbeTarget;
}

export class FakeProber implements Prober {
  /** Every probe made, oldest first. */
  readonly probes: ProbeRecord[] = [];
  fallback: FakeAnswer = 'healthy';
  private readonly answers = new Map<string, FakeAnswer>();

  /** From now on, the endpoints of `taskId` answer this (undefined: back to the fallback). */
  set(taskId: string, answer: FakeAnswer | undefined): void {
    if (answer === undefined) this.answers.delete(taskId);
    else this.answers.set(taskId, answer);
  }

  probesOf(taskId: string): ProbeRecord[] {
    return this.probes.filter((p) => p.taskId === taskId);
  }

  probe(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeAnswer> {
    this.probes.push({ taskId: ctx.taskId, target });
    const answer = this.answers.get(ctx.taskId) ?? this.fallback;
    if (answer === 'hang') return new Promise<ProbeAnswer>(() => undefined);
    return Promise.resolve(resolveAnswer(answer, target));
  }
}

function resolveAnswer(answer: Exclude<FakeAnswer, 'hang'>, target: ProbeTarget): ProbeAnswer {
  if (typeof answer === 'function') return answer(target);
  if (answer === 'healthy') {
    if (target.kind === 'http') return { kind: 'http', status: 200, statusText: 'OK' };
    if (target.kind === 'tcp') return { kind: 'tcp' };
    return { kind: 'command', exitCode: 0 };
  }
  if (answer === 'unhealthy') {
    if (target.kind === 'http') return { kind: 'http', status: 503, statusText: 'Service Unavailable' };
    if (target.kind === 'tcp')
      return { kind: 'error', cause: `connect ECONNREFUSED ${target.host}:${target.port}` };
    return { kind: 'command', exitCode: 1 };
  }
  return answer;
}
