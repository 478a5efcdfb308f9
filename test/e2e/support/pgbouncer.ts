/**
 * A real pgbouncer (Debian package, scripts/provision.sh) in front of the test PostgreSQL, for e2e
 * tests: its own config in a temp dir, a free 127.0.0.1 port, one database alias per pool mode
 * (`<alias>` = the same real database), password auth for the test user. pgbouncer refuses to run
 * as root, so as root it is started with `-u postgres`. A missing binary is an error, not a skip.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { waitFor } from './wait-for.js';

export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';

export type PoolMode = 'session' | 'transaction' | 'statement';

export interface Pgbouncer {
  /** `postgres://user:password@127.0.0.1:port/<alias>` for a database alias given to `start`. */
  url(alias: string): string;
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts pgbouncer for the database `targetUrl` names; `aliases` maps an alias to its pool mode.
 * Pool sizes leave room for several masters in session mode (each holds up to 11 connections).
 */
export async function startPgbouncer(
  targetUrl: string,
  aliases: Record<string, PoolMode>,
): Promise<Pgbouncer> {
  if (!existsSync(PGBOUNCER_BIN))
    throw new Error(`pgbouncer is missing at ${PGBOUNCER_BIN} (scripts/provision.sh installs it)`);
  const target = new URL(targetUrl);
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  const dbname = target.pathname.slice(1);
  const dir = mkdtempSync(join(tmpdir(), 'drover-pgbouncer-'));
  const port = await freePort();
  const databases = Object.entries(aliases).map(
    ([alias, mode]) =>
      `${alias} = host=${target.hostname} port=${target.port || 5432} dbname=${dbname} pool_mode=${mode}`,
  );
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      ...databases,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = plain',
      `auth_file = ${join(dir, 'users.txt')}`,
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      'max_client_conn = 500',
      'default_pool_size = 60',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'users.txt'), `"${user}" "${password}"\n`);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    for (const f of ['', 'pgbouncer.ini', 'users.txt']) chownSync(join(dir, f), uid, -1);
  }
  const child: ChildProcess = spawn(
    PGBOUNCER_BIN,
    [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => {
    const file = join(dir, 'pgbouncer.log');
    return out + (existsSync(file) ? readFileSync(file, 'utf8') : '');
  };
  const url = (alias: string) => {
    const u = new URL(targetUrl);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    u.pathname = `/${alias}`;
    return u.toString();
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const first = Object.keys(aliases)[0]!;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${log().slice(-2000)}`);
        const c = new pg.Client({ connectionString: url(first), connectionTimeoutMillis: 2_000 });
        try {
          await c.connect();
          await c.query('select 1');
          return true;
        } finally {
          await c.end().catch(() => undefined);
        }
      },
      { what: `pgbouncer on 127.0.0.1:${port}`, timeoutMs: 20_000, intervalMs: 100 },
    );
  } catch (err) {
    const seen = log();
    await stop();
    throw new Error(`${(err as Error).message}\n${seen.slice(-2000)}`);
  }
  return { url, log, stop };
}
