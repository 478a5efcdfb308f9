/**
 * A PostgreSQL cluster of its own for a test that stops and starts the server (Debian's
 * pg_createcluster / pg_ctlcluster / pg_dropcluster, as root): a unique name, a free port, the
 * test user drover/drover and one database. Never the shared 5432 cluster other suites use.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { freePort } from './pgbouncer.js';

const run = promisify(execFile);

export interface ThrowawayPostgres {
  /** `postgres://drover:drover@127.0.0.1:<port>/drover`. */
  readonly url: string;
  stopImmediate(): Promise<void>;
  start(): Promise<void>;
  drop(): Promise<void>;
}

/** The major version of the installed server (the one `pg_lsclusters` shows first). */
async function serverVersion(): Promise<string> {
  const { stdout } = await run('pg_lsclusters', ['-h']);
  const version = stdout.trim().split(/\s+/)[0];
  if (!version) throw new Error('no PostgreSQL cluster found (scripts/provision.sh sets one up)');
  return version;
}

export async function createThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const version = await serverVersion();
  const name = `drover_e2e_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const ctl = (action: string, ...extra: string[]) => run('pg_ctlcluster', [version, name, action, ...extra]);
  const psql = (command: string) =>
    run('runuser', ['-u', 'postgres', '--', 'psql', '-p', String(port), '-qc', command]);
  const drop = async () => {
    await run('pg_dropcluster', [version, name, '--stop']).catch(() => undefined);
  };
  try {
    await run('pg_createcluster', [version, name, '-p', String(port), '--start']);
    await psql("create role drover login superuser password 'drover'");
    await psql('create database drover owner drover');
  } catch (err) {
    await drop();
    throw new Error(`cannot create a throwaway PostgreSQL cluster: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return {
    url: `postgres://drover:drover@127.0.0.1:${port}/drover`,
    stopImmediate: async () => {
      await ctl('stop', '-m', 'immediate');
    },
    start: async () => {
      await ctl('start');
    },
    drop,
  };
}
