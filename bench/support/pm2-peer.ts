/**
 * PM2, the peer for benches (b) and (c), as BENCH-NOTES.md says: its own PM2_HOME in a temp dir,
 * the daemon started before anything is timed, apps started from one ecosystem JSON (each with
 * its own PORT0), and everything killed afterwards. Driven through PM2's programmatic API, so no
 * CLI start-up time is counted against it. Only non-default settings: `pm2_home`, `cwd`, and each
 * app's `name`, `script` and `env`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Cb<T = unknown> = (err: Error | null, result: T) => void;
interface Pm2Api {
  connect(cb: Cb): void;
  start(ecosystemPath: string, cb: Cb): void;
  delete(name: string, cb: Cb): void;
  killDaemon(cb: Cb): void;
  disconnect(cb?: () => void): void;
  list(cb: Cb<Pm2Process[]>): void;
}

export interface Pm2Process {
  name: string;
  pid: number;
  pm2_env: { restart_time: number; status: string };
}
type Pm2Ctor = new (opts: { pm2_home: string; cwd: string; daemon_mode: boolean }) => Pm2Api;

export interface Pm2App {
  name: string;
  script: string;
  env: Record<string, string>;
}

const call = <T>(f: (cb: Cb<T>) => void) =>
  new Promise<T>((resolve, reject) => f((err, r) => (err ? reject(err) : resolve(r))));

export class Pm2Peer {
  readonly home = mkdtempSync(join(tmpdir(), 'drover-bench-pm2-'));
  private api: Pm2Api;
  private started = false;

  constructor(cwd: string) {
    const require = createRequire(import.meta.url);
    const Custom = (require('pm2') as { custom: Pm2Ctor }).custom;
    this.api = new Custom({ pm2_home: this.home, cwd, daemon_mode: true });
  }

  static version(): string {
    const require = createRequire(import.meta.url);
    return (require('pm2/package.json') as { version: string }).version;
  }

  /** Starts the daemon (untimed: the equivalent of `pm2 ping`). */
  async connect(): Promise<void> {
    await call((cb) => this.api.connect(cb));
    this.started = true;
  }

  /**
   * Writes one ecosystem JSON with every app and starts it; resolves when PM2 has forked them.
   * `concurrentActions`: what PM2_CONCURRENT_ACTIONS sets (default 2 apps started at a time).
   * PM2 reads it from its constants module when it starts apps, and that module reads the
   * environment only once, when loaded: so it is set there, for this start only.
   */
  async startApps(apps: Pm2App[], opts: { concurrentActions?: number } = {}): Promise<void> {
    const file = join(this.home, `ecosystem-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify({ apps }, null, 2));
    const require = createRequire(import.meta.url);
    const constants = require('pm2/constants.js') as { CONCURRENT_ACTIONS: number };
    const before = constants.CONCURRENT_ACTIONS;
    if (opts.concurrentActions !== undefined) constants.CONCURRENT_ACTIONS = opts.concurrentActions;
    try {
      await call((cb) => this.api.start(file, cb));
    } finally {
      constants.CONCURRENT_ACTIONS = before;
    }
  }

  async deleteAll(): Promise<void> {
    await call((cb) => this.api.delete('all', cb)).catch(() => undefined);
  }

  list(): Promise<Pm2Process[]> {
    return call<Pm2Process[]>((cb) => this.api.list(cb));
  }

  daemonPid(): number {
    return Number(readFileSync(join(this.home, 'pm2.pid'), 'utf8').trim());
  }

  /** Deletes every app, kills the daemon, removes PM2_HOME. */
  async stop(): Promise<void> {
    if (this.started) {
      await this.deleteAll();
      await call((cb) => this.api.killDaemon(cb)).catch(() => undefined);
      await new Promise<void>((r) => this.api.disconnect(() => r()));
      this.started = false;
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}
