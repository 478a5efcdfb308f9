/**
 * What a readiness probe answer means (Marathon's ReadinessCheckExecutor): ready when the HTTP
 * status is one of `httpStatusCodesForReady`; anything else, an error or a timeout is not ready.
 * The response is kept (status, content type, body) only with `preserveLastResponse`. Pure.
 */
import type { ReadinessCheck } from '../../domain/app.js';
import type { ReadinessCheckResult } from '../../domain/task.js';
import type { ProbeAnswer } from './prober.js';

/** A preserved body is shown in /v2/deployments and stored with the task: keep it bounded. */
export const MAX_PRESERVED_BODY = 16 * 1024;

export function readinessResult(
  check: Pick<ReadinessCheck, 'name' | 'httpStatusCodesForReady' | 'preserveLastResponse'>,
  taskId: string,
  answer: ProbeAnswer,
): ReadinessCheckResult {
  const ready = answer.kind === 'http' && check.httpStatusCodesForReady.includes(answer.status);
  const result: ReadinessCheckResult = { name: check.name, taskId, ready };
  if (check.preserveLastResponse && answer.kind === 'http') {
    result.lastResponse = {
      status: answer.status,
      contentType: answer.contentType ?? '',
      body: (answer.body ?? '').slice(0, MAX_PRESERVED_BODY),
    };
  }
  return result;
}

/** Worth a status update: the first result, or one that differs from the last one sent. */
export function readinessChanged(
  prev: ReadinessCheckResult | undefined,
  next: ReadinessCheckResult,
): boolean {
  if (!prev || prev.ready !== next.ready) return true;
  const a = prev.lastResponse;
  const b = next.lastResponse;
  if (!a || !b) return a !== b;
  return a.status !== b.status || a.contentType !== b.contentType || a.body !== b.body;
}

/** Ready once every check is; undefined until each has answered at least once. */
export function allReady(results: ReadonlyArray<ReadinessCheckResult | undefined>): boolean | undefined {
  if (results.length === 0 || results.some((r) => r === undefined)) {
    return results.some((r) => r !== undefined && !r.ready) ? false : undefined;
  }
  return results.every((r) => r?.ready === true);
}
