/**
 * Entities are kept as JSON text by every adapter. Going through JSON both ways is also what makes
 * values copies: nothing a caller holds aliases stored state, and every adapter drops `undefined`
 * fields the same way.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Accepts text (SQLite, memory) or an already-parsed value (a PostgreSQL jsonb column). */
export function decodeJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
