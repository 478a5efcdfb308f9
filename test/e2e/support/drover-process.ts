/**
 * `drover up` as a real OS process for e2e tests and benches: started on `--port 0` (the port is
 * read from the line `drover up: API on http://HOST:PORT ...`), stopped by a signal or kill -9,
 * restarted on the same data dir, and cleaned up (drover, any task process left under its data
 * dir, the temp dir) even when a test fails.
 *
 * It runs `bin/drover.js`, i.e. the built `dist/`: `npm test` builds first; after editing src/,
 * run `npm run build` before `node scripts/run-tests.mjs e2e`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, NODE_FLAGS, repoRoot } from './drover-bin.js';
import { ApiClient } from './http-json.js';
import { killTaskProcesses, taskProcesses } from './task-processes.js';
import { waitFor } from './wait-for.js';

export { repoRoot };

const READY = /drover up: API on (http:\/\/\S+?:(\d+)) /;
const OUTPUT_KEEP = 256 * 1024;

export interface StartOptions {
  /** Reuse a data dir (kept on cleanup); default: a fresh temp dir, removed on cleanup. */
  dataDir?: string;
  agents?: number;
  logLevel?: string;
  /** Extra `drover up` flags. */
  args?: string[];
  /** Working directory of drover and so of its tasks (default: the repo root, for examples/). */
  cwd?: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Anything with node:test's `after`, so callers can pass `t` or the module-level `after`. */
export interface AfterHook {
  after(fn: () => unknown): void;
}

export class DroverProcess {
  readonly dataDir: string;
  readonly api = new ApiClient('http://unset');
  private child: ChildProcess | undefined;
  private exit: Promise<Exit> | undefined;
  private out = '';
  private readonly beforeCleanups: Array<() => Promise<void>> = [];

  private constructor(
    private readonly opts: StartOptions,
    private readonly ownsDataDir: boolean,
  ) {
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'drover-e2e-'));
  }

  /** Starts `drover up` and resolves once its API listens. */
  static async start(opts: StartOptions = {}): Promise<DroverProcess> {
    if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
    }
    const d = new DroverProcess(opts, opts.dataDir === undefined);
    try {
      await d.launch();
    } catch (err) {
      await d.cleanup();
      throw err;
    }
    return d;
  }

  /** Like `start`, with cleanup registered on `t.after` (runs on failure too). */
  static async startFor(t: AfterHook, opts: StartOptions = {}): Promise<DroverProcess> {
    const d = await DroverProcess.start(opts);
    t.after(() => d.cleanup());
    return d;
  }

  get url(): string {
    return this.api.baseUrl;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything drover printed (stdout and stderr interleaved, the last 256 KiB). */
  output(): string {
    return this.out;
  }

  private async launch(): Promise<void> {
    const args = [
      ...NODE_FLAGS,
      BIN,
      'up',
      '--data-dir',
      this.dataDir,
      '--port',
      '0',
      '--agents',
      String(this.opts.agents ?? 2),
      '--log-level',
      this.opts.logLevel ?? 'warn',
      ...(this.opts.args ?? []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: this.opts.cwd ?? repoRoot,
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exit = new Promise<Exit>((res) => child.once('exit', (code, signal) => res({ code, signal })));
    let ready: (url: string) => void = () => {};
    const url = new Promise<string>((res) => {
      ready = res;
    });
    let pending = '';
    const onData = (chunk: Buffer) => {
      const s = chunk.toString('utf8');
      this.out = (this.out + s).slice(-OUTPUT_KEEP);
      pending += s;
      const m = READY.exec(pending);
      if (m) {
        ready(m[1]!);
        pending = '';
      } else {
        pending = pending.slice(-1024);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const timeoutMs = this.opts.startTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      url.then((u) => ({ url: u })),
      this.exit.then((e) => ({ exited: e })),
      new Promise<{ timeout: true }>((res) => {
        timer = setTimeout(() => res({ timeout: true }), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if ('url' in outcome) {
      this.api.baseUrl = outcome.url;
      return;
    }
    const why =
      'exited' in outcome
        ? `exited (code ${outcome.exited.code}, signal ${outcome.exited.signal})`
        : `did not print its API address within ${timeoutMs} ms`;
    throw new Error(`drover up ${why}; output:\n${this.out.slice(-4000)}`);
  }

  /** Sends `signal` and waits for the process to exit (SIGKILL after `timeoutMs`, then throws). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<Exit> {
    const child = this.child;
    const exit = this.exit;
    if (!child || !exit) throw new Error('drover is not started');
    if (this.running) child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      exit,
      new Promise<undefined>((res) => {
        timer = setTimeout(() => res(undefined), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (result) return result;
    child.kill('SIGKILL');
    await exit;
    throw new Error(
      `drover did not exit within ${timeoutMs} ms of ${signal}; output:\n${this.out.slice(-4000)}`,
    );
  }

  /** kill -9: no shutdown, task processes are left behind as after a crash. */
  kill9(): Promise<Exit> {
    return this.stop('SIGKILL');
  }

  /** Stops (SIGTERM) if still running, then starts again on the same data dir (new port). */
  async restart(): Promise<void> {
    if (this.running) await this.stop('SIGTERM');
    await this.launch();
  }

  /** Live task processes launched under this data dir. */
  taskProcesses() {
    return taskProcesses(this.dataDir);
  }

  /** Waits until no task process remains under this data dir. */
  async waitNoTaskProcesses(timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.taskProcesses().length === 0, {
      what: 'no task processes left',
      timeoutMs,
    });
  }

  /**
   * Runs `fn` at cleanup before drover is killed: a browser on its UI closes first, so its open
   * /v2/events stream is not cut under it (chromium logs a cut as ERR_INCOMPLETE_CHUNKED_ENCODING).
   */
  beforeCleanup(fn: () => Promise<void>): void {
    this.beforeCleanups.push(fn);
  }

  /** Kills drover (if running) and every task left under its data dir; removes a temp data dir. */
  async cleanup(): Promise<void> {
    for (const fn of this.beforeCleanups.splice(0)) await fn().catch(() => {});
    if (this.running) {
      this.child!.kill('SIGKILL');
      await this.exit;
    }
    // Twice: a wrapper shell killed first may not have reaped its child yet.
    killTaskProcesses(this.dataDir);
    await waitFor(() => killTaskProcesses(this.dataDir) === 0, {
      what: 'task processes to die',
      timeoutMs: 10_000,
    }).catch(() => {});
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export { type EchoAnswer, echo, http } from './http-json.js';
export { killTaskProcesses, liveTaskIds, taskProcesses } from './task-processes.js';
export { waitFor } from './wait-for.js';
