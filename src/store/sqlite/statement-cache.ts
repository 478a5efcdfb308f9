/**
 * better-sqlite3 behind kysely with its prepared statements kept: kysely's SQLite driver calls
 * `prepare(sql)` for every query it runs, and SQLite parses and plans the text anew each time. A
 * profile of 1,000 jobs firing at once spent ~7% of the master's busy time in `prepare` (the batch
 * inserts bind ~1,000 values each: long texts). The same text gets the same statement back.
 *
 * Safe because kysely runs each statement to completion synchronously (`all` or `run`, never an
 * open iterator), so a statement is never in use when it is handed out again; SQLite re-prepares a
 * kept statement itself when a migration changes the schema under it.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct query texts kept; the oldest is dropped beyond it (texts with values inlined vary). */
const MAX_KEPT = 500;

export function withStatementCache(sqlite: Database.Database, maxKept = MAX_KEPT): SqliteDatabase {
  const kept = new Map<string, Database.Statement>();
  return {
    close: () => {
      kept.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      let stmt = kept.get(sql);
      if (stmt === undefined) {
        stmt = sqlite.prepare(sql);
        if (kept.size >= maxKept) kept.delete(kept.keys().next().value!);
        kept.set(sql, stmt);
      }
      return stmt;
    },
  };
}
