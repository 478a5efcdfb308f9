/**
 * The store's query log: every statement the SQL stores run, with how long it took, for profiling
 * (`DROVER_STORE_QUERY_LOG=<file>` on `drover master`; bench/protocol-placement.bench.ts reads
 * it). Off by default: kysely then skips the timing altogether.
 */
import { openSync, writeSync } from 'node:fs';
import type { LogEvent } from 'kysely';

export interface QueryLogEntry {
  sql: string;
  ms: number;
  /** Set when the statement failed. */
  error?: string;
}

export type QueryLog = (entry: QueryLogEntry) => void;

/** kysely's `log` option for a QueryLog (undefined when there is none). */
export function kyselyLog(log: QueryLog | undefined): ((event: LogEvent) => void) | undefined {
  if (!log) return undefined;
  return (event) =>
    log({
      sql: event.query.sql,
      ms: event.queryDurationMillis,
      ...(event.level === 'error' ? { error: String((event.error as Error)?.message ?? event.error) } : {}),
    });
}

/**
 * Appends one JSON line per statement to `path`. Synchronous on purpose: the log exists to see
 * the order and cost of statements, and a buffered writer lost at a kill -9 would hide the end.
 * The file is opened once (appendFileSync opened, stat'ed and closed it per statement: 5% of the
 * master's CPU in the placement bench, which runs with the log on).
 */
export function fileQueryLog(path: string): QueryLog {
  const fd = openSync(path, 'a');
  return (entry) => {
    writeSync(fd, `${JSON.stringify({ at: Date.now(), ...entry })}\n`);
  };
}
