/**
 * What counts as "not given". Marathon's JSON readers treat `null` as an absent field (GET output
 * of older versions is full of `"user": null`), and Drover never stores a key whose value is
 * undefined or an empty label map, so that equal definitions are equal as JSON too.
 */

/** A copy of a JSON value without `null`-valued object properties (array items are kept). */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null) out[k] = stripNulls(v);
  }
  return out;
}

/** `o` without undefined values and without empty `{}` values (empty labels mean no labels). */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !isEmptyRecord(v))) as T;
}

function isEmptyRecord(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}
