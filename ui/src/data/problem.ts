// Any thrown value as an ApiProblem, so every page shows failures the same way.
import type { ApiProblem } from './types.js';

export function problemOf(err: unknown): ApiProblem {
  if (typeof err === 'object' && err !== null) {
    const e = err as {
      problem?: ApiProblem;
      status?: number;
      message?: string;
      details?: unknown;
      body?: unknown;
    };
    if (e.problem) return e.problem;
    if (typeof e.status === 'number') {
      const body = (e.body ?? {}) as { message?: string; details?: ApiProblem['details'] };
      return {
        status: e.status,
        message: body.message ?? e.message ?? 'Request failed',
        details: Array.isArray(e.details) ? (e.details as ApiProblem['details']) : (body.details ?? []),
      };
    }
    if (typeof e.message === 'string') return { status: 0, message: e.message, details: [] };
  }
  return { status: 0, message: String(err), details: [] };
}
