/**
 * `drover master` and `drover agent` as real OS processes for e2e tests and benches: started from
 * the built `bin/drover.js`, ready once they print their start line, stopped by a signal (SIGKILL
 * if they hang) and cleaned up with their task processes and temp dirs even when a test fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { droverArgv, repoRoot } from './drover-bin.js';
import { killTaskProcesses } from './task-processes.js';

const MASTER_READY = /drover master: API on (https?:\/\/\S+?:(\d+));/;
const AGENT_READY = /drover agent: /;

export class ClusterProcess {
  private out = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly workDir: string | undefined,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const keep = (c: Buffer) => {
      this.out = (this.out + c.toString('utf8')).slice(-256 * 1024);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  output(): string {
    return this.out;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Runs `drover <args>` to completion: for flag errors and refusals. */
  static async run(args: string[]): Promise<{ code: number | null; output: string }> {
    const p = new ClusterProcess(spawnDrover(args), undefined);
    const { code } = await p.exited;
    return { code, output: p.output() };
  }

  /** Starts `drover master`; resolves with its API URL once it listens. */
  static async master(args: string[], timeoutMs = 30_000): Promise<{ proc: ClusterProcess; url: string }> {
    const proc = new ClusterProcess(spawnDrover(['master', '--log-level', 'info', ...args]), undefined);
    // A master that never says it listens must not outlive the test (it would keep the runner up).
    const m = await proc.waitForOutput(MASTER_READY, 'the master to listen', timeoutMs).catch(async (err) => {
      await proc.cleanup();
      throw err;
    });
    return { proc, url: m[1]! };
  }

  /**
   * A master for benches and sims: on `store` (a SQLite file or a PostgreSQL URL), agents let in
   * with `token`, warnings only in its output; `extra` flags after those.
   */
  static quietMaster(store: string, token: string, extra: string[] = []) {
    return ClusterProcess.master([
      '--store',
      store,
      '--port',
      '0',
      '--agent-token',
      token,
      '--log-level',
      'warn',
      ...extra,
    ]);
  }

  /** Starts `drover agent` on `workDir` or a fresh one (removed on cleanup). */
  static async agent(
    args: string[],
    workDir = mkdtempSync(join(tmpdir(), 'drover-e2e-agent-')),
  ): Promise<ClusterProcess> {
    const proc = new ClusterProcess(
      spawnDrover(['agent', '--work-dir', workDir, '--log-level', 'info', ...args]),
      workDir,
    );
    await proc.waitForOutput(AGENT_READY, 'the agent to start');
    return proc;
  }

  /** Resolves with the match once the output contains `re`; rejects if the process exits first. */
  async waitForOutput(re: RegExp, what: string, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.out);
      if (m) return m;
      if (!this.running) throw new Error(`process exited before ${what}; output:\n${this.out.slice(-4000)}`);
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; output:\n${this.out.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Sends `signal`, waits for the exit; SIGKILL after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<void> {
    if (this.running) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!done) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Stops the process (agents kill their tasks: SIGUSR1), kills leftovers, removes the work dir. */
  async cleanup(): Promise<void> {
    await this.stop(this.workDir !== undefined ? 'SIGUSR1' : 'SIGTERM');
    if (this.workDir !== undefined) {
      killTaskProcesses(this.workDir);
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}

function spawnDrover(args: string[]): ChildProcess {
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
  }
  // Secrets come from flags in tests, never from the environment the test runs in.
  const env = { ...process.env };
  for (const k of ['DROVER_AGENT_TOKEN', 'DROVER_API_TOKEN', 'DROVER_HTTP_CREDENTIALS']) delete env[k];
  // Profiling a bench's master: DROVER_CHILD_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
  // After the shebang's flags, so `--max-semi-space-size=32` there is the one node uses.
  const nodeArgs = (process.env['DROVER_CHILD_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  return spawn(process.execPath, droverArgv(args, nodeArgs), {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
