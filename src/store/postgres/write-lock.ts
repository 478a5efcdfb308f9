/**
 * How the PostgreSQL store keeps the port's transaction semantics: one writer at a time, as
 * SQLite has. Every transaction, and every write made outside one, first takes the same
 * transaction-scoped advisory lock, so writers queue in PostgreSQL itself (across connections and
 * across masters sharing the database) and a read-modify-write transaction reads only after every
 * earlier writer committed (READ COMMITTED gives each statement a fresh snapshot).
 *
 * Chosen over SERIALIZABLE with retry because retrying means running the caller's `fn` again, and
 * control-plane code does things besides store writes inside it (sends, events) that must not
 * happen twice. Reads outside a transaction take no lock: they see the last committed state.
 */
import { type QueryExecutorProvider, sql } from 'kysely';

/** 64-bit key, arbitrary but fixed: every Drover store on a database must use the same one. */
export const STORE_WRITE_LOCK_KEY = 0x44524f5645520001n; // "DROVER" + 1

/**
 * A master cut off mid-transaction would otherwise hold the write lock until TCP gives up (hours),
 * blocking every other master; the server ends a session idle in a transaction this long instead.
 */
export const IDLE_IN_WRITE_MS = 5_000;

export async function takeWriteLock(trx: QueryExecutorProvider): Promise<void> {
  // The timeout is set for this transaction only, in the same round trip: a session setting would
  // have to travel in the startup packet, which pgbouncer refuses.
  await sql`select set_config('idle_in_transaction_session_timeout', ${String(IDLE_IN_WRITE_MS)}, true),
    pg_advisory_xact_lock(${STORE_WRITE_LOCK_KEY.toString()}::bigint)`.execute(trx);
}
