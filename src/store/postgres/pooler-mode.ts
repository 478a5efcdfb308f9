/**
 * Whether this store's connections own their PostgreSQL session, as they do on a direct
 * connection and through pgbouncer in session mode (`pool_mode = session`). Under transaction or
 * statement pooling, consecutive transactions of one client connection may run in different
 * server sessions, and another client may get ours in between. Drover's migrations take a
 * session-level advisory lock (kysely's migrator) and release it in a later statement: in
 * transaction mode the release can land in another session and the lock leaks, so the next
 * master's start would hang for an hour. We refuse such a pooler at start instead.
 *
 * The probe: client A reads its backend pid; then clients B1..Bn each open a transaction (holding
 * whatever server session they got) and read theirs; then A reads its pid again. Under session
 * pooling A keeps its session: no B can get A's pid and A's pid does not change. Under transaction
 * pooling A's session was free between its statements, and pgbouncer hands out the session it
 * released last (LIFO), so B1 gets it, and A's second read runs elsewhere. A probe never refuses a
 * session-pooled or direct connection (two connected clients never share a session there).
 */
import pg from 'pg';

/** How many transactions the probe holds open while looking for A's session. */
const PROBES = 3;

export class SessionPoolingRequired extends Error {
  constructor(detail: string) {
    super(
      `the PostgreSQL connection does not keep its session (${detail}): a connection pooler ` +
        'such as pgbouncer runs in transaction or statement pooling mode. Drover needs session ' +
        'pooling: set pool_mode = session for this database in pgbouncer.ini (in [databases], ' +
        "e.g. 'drover = host=127.0.0.1 dbname=drover pool_mode=session'), or connect to PostgreSQL directly",
    );
    this.name = 'SessionPoolingRequired';
  }
}

async function backendPid(c: pg.Client): Promise<number> {
  const { rows } = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
  return rows[0]!.pid;
}

/**
 * Throws SessionPoolingRequired unless connections to `url` keep their own sessions. The probe
 * opens its own connections (not the store's pool, which may be smaller than the probe needs).
 */
export async function assertSessionPooling(url: string, connectionTimeoutMillis = 10_000): Promise<void> {
  const open: pg.Client[] = [];
  const connect = async () => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis });
    c.on('error', () => undefined);
    open.push(c);
    await c.connect();
    return c;
  };
  try {
    const a = await connect();
    const first = await backendPid(a);
    for (let i = 0; i < PROBES; i++) {
      const b = await connect();
      try {
        await b.query('begin');
      } catch (err) {
        // pgbouncer in statement mode refuses transaction blocks outright.
        throw new SessionPoolingRequired(`a transaction was refused: ${(err as Error).message}`);
      }
      if ((await backendPid(b)) === first)
        throw new SessionPoolingRequired('two connections shared a session');
    }
    if ((await backendPid(a)) !== first)
      throw new SessionPoolingRequired('one connection ran in two sessions');
  } finally {
    // Ending a connection ends (rolls back) its open transaction.
    await Promise.all(open.map((c) => c.end().catch(() => undefined)));
  }
}
