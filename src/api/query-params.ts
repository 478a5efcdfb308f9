/**
 * Query-string reading with Marathon's leniencies: python3-marathon sends booleans as `True` /
 * `False`, and repeatable parameters (`embed`) arrive as a string or an array.
 */
import { DroverError } from '../domain/errors.js';

export type Query = Record<string, string | string[] | undefined>;

/** Every value of a repeatable parameter; a comma-free list as given. */
export function allValues(q: Query, name: string): string[] {
  const v = q[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The last value of a parameter (Jersey takes the first; clients never repeat these). */
export function oneValue(q: Query, name: string): string | undefined {
  const all = allValues(q, name);
  return all.length === 0 ? undefined : all[all.length - 1];
}

export function boolParam(q: Query, name: string, fallback: boolean): boolean {
  const v = oneValue(q, name);
  if (v === undefined) return fallback;
  const s = v.trim().toLowerCase();
  // A bare `?force` means "set".
  if (s === '' || s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new DroverError('BAD_REQUEST', `Query parameter '${name}' must be true or false, got '${v}'`);
}

export function nonNegativeIntParam(q: Query, name: string, max: number): number | undefined {
  const v = oneValue(q, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) > max) {
    throw new DroverError(
      'BAD_REQUEST',
      `Query parameter '${name}' must be an integer from 0 to ${max}, got '${v}'`,
    );
  }
  return Number(v);
}
