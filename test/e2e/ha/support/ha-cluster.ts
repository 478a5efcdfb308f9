/**
 * The HA acceptance cluster: 3 `drover master` processes on one PostgreSQL (CI's, reached through
 * a forwarder on the lab address) and 3 `drover agent` processes, each master and agent a host
 * of its own in a NetLab. Masters can be killed (-9), restarted, cut off and healed; so can
 * agents' links. Logs of every process go to files under one temp dir; `explain` attaches their
 * tails to a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TempDatabases, tempDatabases } from '../../../../src/store/postgres/temp-database.js';
import { droverArgv, repoRoot } from '../../support/drover-bin.js';
import { type HttpAnswer, http } from '../../support/http-json.js';
import { waitFor } from '../../support/wait-for.js';
import { NetLab } from './net-lab.js';
import { type Forwarder, forwardTcp } from './tcp-forward.js';

export const TOKEN = 'ha-e2e-token';
const CREDENTIALS = 'ops:ha-s3cret';
const AUTH = `Basic ${Buffer.from(CREDENTIALS).toString('base64')}`;
const PORT = 8080;
/** Every agent's --heartbeat-interval. */
export const AGENT_HEARTBEAT_MS = 500;

export interface HaClusterOptions {
  masters?: number;
  agents?: number;
  agentTimeoutMs?: number;
  leaseMs?: number;
}

interface Proc {
  child: ChildProcess;
  exited: Promise<void>;
  log: WriteStream;
}

export class HaCluster {
  readonly masterNames: string[];
  readonly agentNames: string[];
  private readonly procs = new Map<string, Proc>();
  private readonly workDirs = new Map<string, string>();
  private readonly cutOff = new Set<string>();
  /** Processes that exited on their own. */
  readonly crashes: string[] = [];
  private dbs: TempDatabases | undefined;
  private forwarder: Forwarder | undefined;
  private dbUrl = '';
  readonly logDir = mkdtempSync(join(tmpdir(), 'drover-ha-'));
  readonly sharedDir = mkdtempSync(join(tmpdir(), 'drover-ha-shared-'));

  private constructor(
    readonly lab: NetLab,
    private readonly opts: HaClusterOptions,
  ) {
    this.masterNames = Array.from({ length: opts.masters ?? 3 }, (_, i) => `m${i + 1}`);
    this.agentNames = Array.from({ length: opts.agents ?? 3 }, (_, i) => `a${i + 1}`);
  }

  static async start(opts: HaClusterOptions = {}): Promise<HaCluster> {
    if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
    }
    const masters = opts.masters ?? 3;
    const agents = opts.agents ?? 3;
    const lab = NetLab.create([
      ...Array.from({ length: masters }, (_, i): [string, number] => [`m${i + 1}`, 11 + i]),
      ...Array.from({ length: agents }, (_, i): [string, number] => [`a${i + 1}`, 21 + i]),
    ]);
    const c = new HaCluster(lab, opts);
    try {
      c.dbs = await tempDatabases();
      const local = new URL(await c.dbs.create());
      c.forwarder = await forwardTcp(
        { host: lab.rootAddress, port: Number(local.port || 5432) },
        { host: local.hostname, port: Number(local.port || 5432) },
      );
      local.hostname = lab.rootAddress;
      c.dbUrl = local.toString();
      for (const m of c.masterNames) c.startMaster(m);
      for (const a of c.agentNames) c.startAgent(a);
      await c.waitForLeader();
      await waitFor(
        async () => {
          const agentsUp = (await c.get<{ agents: Array<{ connected: boolean }> }>('/v2/agents')).agents;
          return agentsUp.filter((x) => x.connected).length === agents;
        },
        { what: `${agents} agents registered`, timeoutMs: 60_000, intervalMs: 200 },
      );
    } catch (err) {
      await c.destroy();
      throw err;
    }
    return c;
  }

  address(host: string): string {
    return this.lab.host(host).address;
  }

  masterUrl(name: string): string {
    return `http://${this.address(name)}:${PORT}`;
  }

  startMaster(name: string): void {
    this.spawn(name, [
      'master',
      '--store',
      this.dbUrl,
      '--host',
      this.address(name),
      '--port',
      String(PORT),
      '--agent-token',
      TOKEN,
      '--http-credentials',
      CREDENTIALS,
      // Absent: the master's own defaults (what the bench measures "with defaults").
      ...(this.opts.agentTimeoutMs !== undefined
        ? ['--agent-timeout', String(this.opts.agentTimeoutMs)]
        : []),
      ...(this.opts.leaseMs !== undefined ? ['--lease-ms', String(this.opts.leaseMs)] : []),
      '--log-level',
      'info',
    ]);
  }

  startAgent(name: string): void {
    const workDir = this.workDirs.get(name) ?? mkdtempSync(join(tmpdir(), `drover-ha-${name}-`));
    this.workDirs.set(name, workDir);
    this.spawn(name, [
      'agent',
      '--master',
      this.masterNames.map((m) => `${this.address(m)}:${PORT}`).join(','),
      '--token',
      TOKEN,
      '--advertise',
      this.address(name),
      '--hostname',
      name,
      '--resources',
      'cpus=4,mem=4096,disk=1000,ports=31000-31999',
      '--heartbeat-interval',
      String(AGENT_HEARTBEAT_MS),
      '--kill-drain-ms',
      '0',
      '--work-dir',
      workDir,
      '--log-level',
      'info',
    ]);
  }

  private spawn(host: string, args: string[]): void {
    if (this.procs.has(host)) throw new Error(`${host} already runs`);
    const log = createWriteStream(join(this.logDir, `${host}.log`), { flags: 'a' });
    log.write(`---- start ${new Date().toISOString()}: drover ${args.join(' ')}\n`);
    const env = { ...process.env };
    for (const k of ['DROVER_AGENT_TOKEN', 'DROVER_API_TOKEN', 'DROVER_HTTP_CREDENTIALS']) delete env[k];
    const child = spawn(
      this.lab.execIn(host)[0]!,
      [...this.lab.execIn(host).slice(1), process.execPath, ...droverArgv(args)],
      {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const proc = { child, exited, log };
    this.procs.set(host, proc);
    child.once('exit', (code, signal) => {
      // Only kill9() and destroy() end processes; any other exit is a crash the tests report.
      if (this.procs.get(host) !== proc) return;
      this.procs.delete(host);
      this.crashes.push(`${host} exited (${signal ?? code})`);
    });
  }

  /** kill -9 of a host's drover process (its tasks, on an agent, keep running). */
  async kill9(host: string): Promise<void> {
    const p = this.procs.get(host);
    if (!p) return;
    this.procs.delete(host);
    p.child.kill('SIGKILL');
    await p.exited;
  }

  running(host: string): boolean {
    return this.procs.has(host);
  }

  /** Pulls a host's cable: its process runs on, unreachable (and reaching nothing). */
  cut(host: string): void {
    this.lab.cut(host);
    this.cutOff.add(host);
  }

  heal(host: string): void {
    this.lab.heal(host);
    this.cutOff.delete(host);
  }

  /** An API call through any live master (standbys proxy), retried while no leader answers. */
  async api(
    method: string,
    path: string,
    body?: unknown,
    expect: number[] = [200, 201],
  ): Promise<HttpAnswer> {
    let last: HttpAnswer | Error | undefined;
    for (const m of this.liveMasters()) {
      try {
        const res = await http(`${this.masterUrl(m)}${path}`, {
          method,
          ...(body !== undefined ? { body } : {}),
          headers: { authorization: AUTH },
          timeoutMs: 5_000,
        });
        if (expect.includes(res.status)) return res;
        last = res;
      } catch (err) {
        last = err as Error;
      }
    }
    const seen = last instanceof Error ? last.message : `${last?.status} ${last?.text}`;
    throw new Error(`${method} ${path}: no master answered ${expect.join('|')} (last: ${seen})`);
  }

  async get<T>(path: string): Promise<T> {
    return (await this.api('GET', path)).json as T;
  }

  /** Retries `api` until it succeeds (during an election nobody answers writes). */
  async write(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<HttpAnswer> {
    return waitFor(() => this.api(method, path, body, [200, 201, 204]), {
      what: `${method} ${path} accepted`,
      timeoutMs,
      intervalMs: 100,
    });
  }

  /** A master directly, without retries or proxies. */
  direct(name: string, method: string, path: string): Promise<HttpAnswer> {
    return http(`${this.masterUrl(name)}${path}`, {
      method,
      headers: { authorization: AUTH },
      timeoutMs: 3_000,
    });
  }

  liveMasters(): string[] {
    return this.masterNames.filter((m) => this.procs.has(m) && !this.cutOff.has(m));
  }

  /** Which master leads, as the live masters say, when they agree and it answers. */
  async leader(): Promise<string | undefined> {
    const seen = new Set<string>();
    for (const m of this.liveMasters()) {
      const res = await this.direct(m, 'GET', '/v2/leader').catch(() => undefined);
      if (res?.status !== 200) return undefined;
      seen.add((res.json as { leader: string }).leader);
    }
    if (seen.size !== 1) return undefined;
    const [hostPort] = [...seen];
    return this.masterNames.find((m) => `${this.address(m)}:${PORT}` === hostPort);
  }

  /** Waits until the masters agree on a leader (other than `not`) that accepts API calls. */
  async waitForLeader(opts: { not?: string; timeoutMs?: number } = {}): Promise<string> {
    return waitFor(
      async () => {
        const l = await this.leader();
        if (l === undefined || l === opts.not) return undefined;
        const res = await this.direct(l, 'GET', '/v2/apps');
        return res.status === 200 ? l : undefined;
      },
      {
        what: `a leader${opts.not ? ` other than ${opts.not}` : ''}`,
        timeoutMs: opts.timeoutMs ?? 60_000,
        intervalMs: 100,
      },
    );
  }

  logTail(host: string, lines = 40): string {
    try {
      return readFileSync(join(this.logDir, `${host}.log`), 'utf8')
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Log lines (of every process, host-prefixed, shortened) that match `pattern`, at most `max`. */
  grepLogs(pattern: RegExp, max = 40): string[] {
    const out: string[] = [];
    for (const h of [...this.masterNames, ...this.agentNames]) {
      for (const line of this.logTail(h, Number.MAX_SAFE_INTEGER).split('\n')) {
        if (pattern.test(line)) out.push(`${h} ${line.slice(0, 400)}`);
      }
    }
    return out.slice(0, max);
  }

  /** Rethrows `err` with every process's last log lines attached. */
  explain(err: unknown): never {
    const tails = [...this.masterNames, ...this.agentNames]
      .map((h) => `--- ${h} (${this.logDir}/${h}.log)\n${this.logTail(h, 25)}`)
      .join('\n');
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = `${e.message}\n${tails}`;
    // Reporters print the stack, which was rendered with the old message.
    e.stack = `${e.stack ?? ''}\n${tails}`;
    throw e;
  }

  async destroy(): Promise<void> {
    for (const [host, p] of this.procs) {
      this.procs.delete(host);
      p.child.kill('SIGKILL');
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, 2_000))]);
      p.log.end();
    }
    this.lab.destroy(); // also every task process left in the namespaces
    await this.forwarder?.close();
    await this.dbs?.dropAll().catch(() => undefined);
    for (const dir of this.workDirs.values()) rmSync(dir, { recursive: true, force: true });
    rmSync(this.sharedDir, { recursive: true, force: true });
    if (!process.env['DROVER_KEEP_HA_LOGS']) rmSync(this.logDir, { recursive: true, force: true });
  }
}
