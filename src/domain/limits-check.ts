/**
 * Whether a stored app definition is within limits.ts. The API refuses such definitions, but a
 * store written before the limits (or by hand) may hold one; the master then starts anyway and
 * leaves that app suspended (control-plane/out-of-bounds.ts) instead of crashing on it at every
 * start. Returns one line per problem, empty when the definition is within bounds.
 */
import type { AppDefinition } from './app.js';
import * as L from './limits.js';

export function appBeyondLimits(app: AppDefinition): string[] {
  const out: string[] = [];
  const over = (what: string, got: number, max: number) => {
    if (!(got <= max)) out.push(`${what} is ${got}, at most ${max} allowed`);
  };
  over('instances', app.instances, L.MAX_INSTANCES);
  over('id length', app.id.length, L.MAX_ID_LENGTH);
  over('user length', app.user?.length ?? 0, L.MAX_USER_LENGTH);
  sizes('env', app.env, L.MAX_ENV_ENTRIES, L.MAX_ENV_NAME_LENGTH, L.MAX_ENV_VALUE_LENGTH, over);
  sizes('labels', app.labels, L.MAX_LABELS, L.MAX_LABEL_KEY_LENGTH, L.MAX_LABEL_VALUE_LENGTH, over);
  for (const [path, seconds] of secondsFields(app, '')) over(path, seconds, L.MAX_TIMER_SECONDS);
  return out;
}

function sizes(
  what: string,
  record: Record<string, unknown> | undefined,
  maxEntries: number,
  maxKey: number,
  maxValue: number,
  over: (what: string, got: number, max: number) => void,
): void {
  const entries = Object.entries(record ?? {});
  over(`${what} entries`, entries.length, maxEntries);
  over(`${what} longest name`, Math.max(0, ...entries.map(([k]) => k.length)), maxKey);
  const valueLength = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  over(`${what} longest value`, Math.max(0, ...entries.map(([, v]) => valueLength(v))), maxValue);
}

/** Every numeric `...Seconds` field anywhere in the definition (checks, backoff, unreachable...). */
function secondsFields(value: unknown, path: string): Array<[string, number]> {
  if (typeof value !== 'object' || value === null) return [];
  const out: Array<[string, number]> = [];
  for (const [k, v] of Object.entries(value)) {
    const here = `${path}/${k}`;
    if (k.endsWith('Seconds') && typeof v === 'number') out.push([here, v]);
    else if (typeof v === 'object' && k !== 'env' && k !== 'labels') out.push(...secondsFields(v, here));
  }
  return out;
}
