/**
 * How the SQL batch ops (putTasks, putJobs, putJobRuns, insertJobRuns) cut a batch into multi-row
 * statements, and which row of a repeated key goes in: one statement per chunk instead of one per
 * row is what makes 1,000 run records and tasks in one transaction cheap (BENCHMARKS.md, jobs firing).
 */

/**
 * Bind variables per statement. 999 is SQLite's limit before 3.32 (the lowest of the two databases:
 * later SQLite allows 32,766, PostgreSQL 65,535), so any build takes it.
 */
const MAX_PARAMS = 999;

/** Splits rows of `columns` bound values each into chunks that fit one statement. */
export function chunksOf<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.floor(MAX_PARAMS / columns);
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * One row per key, the last given, in the order keys were first seen: an upsert may not touch a
 * row twice in one statement (PostgreSQL refuses it), and "in order, the last wins" is what
 * calling the single op for each element would leave.
 */
export function lastPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...new Map(rows.map((r) => [key(r), r])).values()];
}
