/**
 * Collects validation problems in Marathon's shape (`{path, errors[]}`), so one 422 reports every
 * problem at once. Paths follow Marathon 1.x (api/v2/Validation.scala): `/` for the whole app,
 * `/cpus`, array elements as `(i)`: `/constraints(0)`, `/healthChecks(0)/portIndex`.
 * The message texts are those of Marathon's validators (accord), e.g. "got -3.0, expected 0.0 or more".
 */
import type { ErrorDetail } from './errors.js';

export class Issues {
  private readonly byPath = new Map<string, string[]>();

  constructor(private readonly prefix = '') {}

  /** `path` is relative to the app: `/`, `/cpus`, `/healthChecks(0)`. */
  add(path: string, error: string): void {
    const full = this.prefix ? (path === '/' ? this.prefix : this.prefix + path) : path;
    const errors = this.byPath.get(full) ?? [];
    if (!errors.includes(error)) errors.push(error);
    this.byPath.set(full, errors);
  }

  get size(): number {
    return this.byPath.size;
  }

  details(): ErrorDetail[] {
    return [...this.byPath].map(([path, errors]) => ({ path, errors }));
  }
}

/** `/healthChecks`, 0 -> `/healthChecks(0)`. */
export function at(path: string, index: number): string {
  return `${path}(${index})`;
}

/**
 * A JSON pointer into `root` (`/healthChecks/0/port`) as a Marathon path (`/healthChecks(0)/port`).
 * Whether a segment is an array index depends on the value, so the value is walked alongside.
 */
export function marathonPath(pointer: string, root: unknown): string {
  if (pointer === '') return '/';
  let out = '';
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      out += `(${key})`;
      node = node[Number(key)];
    } else {
      out += `/${key}`;
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

/**
 * Scala prints doubles with a fractional part (`-3.0`) and ints without (`-3`); Marathon's
 * messages show the value the way its model typed it.
 */
export function showNumber(n: number, integer: boolean): string {
  if (integer || !Number.isFinite(n) || !Number.isInteger(n)) return String(n);
  return n.toFixed(1);
}

export const expected = {
  atLeast: (v: string, min: string) => `got ${v}, expected ${min} or more`,
  atMost: (v: string, max: string) => `got ${v}, expected ${max} or less`,
  between: (v: string, min: string, max: string) => `got ${v}, expected between ${min} and ${max}`,
  lessThan: (v: string, limit: string) => `got ${v}, expected less than ${limit}`,
  moreThan: (v: string, limit: string) => `got ${v}, expected more than ${limit}`,
};

/** Marathon's "Elements must be unique." family: the values that occur more than once. */
export function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const dup = new Set<T>();
  for (const v of values) {
    if (seen.has(v)) dup.add(v);
    seen.add(v);
  }
  return [...dup];
}
