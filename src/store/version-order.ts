/**
 * Versions are ISO-8601 timestamps; newest first is descending code-unit order. Sorting here rather
 * than in SQL keeps every adapter identical (PostgreSQL's default collation is locale-aware).
 */
export function newestFirst(versions: Iterable<string>): string[] {
  return [...versions].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

/** Lists come back ordered by id so callers (and simulations) see a deterministic order. */
export function byId<T>(rows: Array<{ id: string; value: T }>): T[] {
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((r) => r.value);
}
