/**
 * `drover router --haproxy` as a real OS process, in front of Debian's haproxy, for e2e tests and
 * benches. Everything lives in one temp dir: the config drover writes, a header with a stats
 * socket that hands the listening sockets to the next process (`expose-fd listeners`), and a reload
 * script: the first run starts haproxy in the background (`-D -p PID`), later runs start a new one
 * that takes the sockets (`-x SOCK`) and tells the old one to finish its connections and go
 * (`-sf OLD`). Cleanup stops drover router, then every haproxy process whose command line names
 * the temp dir (the pid file only holds the newest), then removes the dir.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { droverArgv, repoRoot } from './drover-bin.js';
import { waitFor } from './wait-for.js';

export class HaproxyRouter {
  readonly dir: string;
  readonly configPath: string;
  private child: ChildProcess | undefined;
  private out = '';

  private constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'drover-haproxy-'));
    this.configPath = join(this.dir, 'haproxy.cfg');
  }

  /** Starts `drover router` against `url` and waits for haproxy to run the first config. */
  static async start(url: string, args: string[] = []): Promise<HaproxyRouter> {
    const r = new HaproxyRouter();
    try {
      await r.launch(url, args);
    } catch (err) {
      await r.cleanup();
      throw err;
    }
    return r;
  }

  static async startFor(t: { after(fn: () => unknown): void }, url: string, args: string[] = []) {
    const r = await HaproxyRouter.start(url, args);
    t.after(() => r.cleanup());
    return r;
  }

  output(): string {
    return this.out;
  }

  config(): string {
    return existsSync(this.configPath) ? readFileSync(this.configPath, 'utf8') : '';
  }

  private async launch(url: string, args: string[]): Promise<void> {
    const sock = join(this.dir, 'haproxy.sock');
    const pid = join(this.dir, 'haproxy.pid');
    const header = join(this.dir, 'header.cfg');
    writeFileSync(
      header,
      [
        'global',
        '  maxconn 4096',
        '  hard-stop-after 30s',
        `  stats socket ${sock} mode 600 level admin expose-fd listeners`,
        'defaults',
        '  timeout connect 2s',
        '  timeout client 30s',
        '  timeout server 30s',
        '  retries 3',
        '  option redispatch 1',
        '',
      ].join('\n'),
    );
    const reload = join(this.dir, 'reload.sh');
    writeFileSync(
      reload,
      [
        '#!/bin/sh',
        `if [ -s ${pid} ] && kill -0 "$(cat ${pid})" 2>/dev/null; then`,
        `  exec haproxy -D -f ${this.configPath} -p ${pid} -x ${sock} -sf "$(cat ${pid})"`,
        'fi',
        `exec haproxy -D -f ${this.configPath} -p ${pid}`,
        '',
      ].join('\n'),
    );
    chmodSync(reload, 0o755);
    const child = spawn(
      process.execPath,
      droverArgv([
        'router',
        '--url',
        url,
        '--haproxy',
        this.configPath,
        '--header',
        header,
        '--reload-cmd',
        reload,
        '--log-format',
        'json',
        ...args,
      ]),
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const keep = (d: Buffer) => {
      this.out = (this.out + d.toString()).slice(-256 * 1024);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitFor(() => this.out.includes('"haproxy config live"') || child.exitCode !== null, {
      what: 'drover router to make its first config live',
      timeoutMs: 30_000,
    });
    if (child.exitCode !== null) throw new Error(`drover router exited ${child.exitCode}:\n${this.out}`);
  }

  /** The haproxy processes this router's reload script started (old ones may still finish). */
  haproxyPids(): number[] {
    const pids: number[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
        if (cmd[0]?.endsWith('haproxy') && cmd.includes(this.configPath)) pids.push(Number(name));
      } catch {
        // gone meanwhile
      }
    }
    return pids;
  }

  async cleanup(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    for (const pid of this.haproxyPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
