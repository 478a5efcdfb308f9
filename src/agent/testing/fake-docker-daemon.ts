/**
 * Test helper: a fake Docker engine on a unix socket, speaking the slice of API 1.41 the agent
 * uses, so the engine client is tested over real HTTP without a real engine. Containers run
 * nothing: a test makes them log and exit, and decides how pulls and execs go.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFrame, type FrameStream } from '../executors/docker/log-frames.js';

export interface FakeContainer {
  id: string;
  name: string;
  body: Record<string, unknown>;
  labels: Record<string, string>;
  state: 'created' | 'running' | 'exited';
  exitCode: number;
  /** Frames written so far, with the time they were written (epoch ms). */
  logs: Array<{ stream: FrameStream; data: string; at: number }>;
  /** Requests seen for this container, e.g. `stop t=3`. */
  calls: string[];
  /** A stop (SIGTERM) leaves it running, as busybox httpd as PID 1 does; SIGKILL ends it. */
  ignoresTerm: boolean;
  onChange: Set<() => void>;
}

export interface PullScript {
  /** Lines streamed with status 200 (include an `error` line to fail the pull the engine's way). */
  lines?: object[];
  /** Answer this status with `{message}` instead of streaming. */
  status?: number;
  message?: string;
}

export interface ExecResult {
  stdout?: string;
  stderr?: string;
  exitCode: number;
}

export class FakeDockerDaemon {
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Set<string>();
  /** Pull outcome by `fromImage:tag`; unknown images fail like a registry without them. */
  readonly pulls = new Map<string, PullScript>();
  /** Every pull request: image and X-Registry-Auth header. */
  readonly pullRequests: Array<{ image: string; auth: string | undefined }> = [];
  /** Image inspect answers other than found / not found, by image name. */
  readonly inspectErrors = new Map<string, { status: number; message: string }>();
  /** Decides what an exec'd command does. */
  execHandler: (container: FakeContainer, cmd: string[]) => ExecResult = () => ({ exitCode: 0 });
  /** Every request path, for asserting the API version prefix. */
  readonly paths: string[] = [];
  private readonly execs = new Map<string, { container: string; cmd: string[]; result?: ExecResult }>();
  private nextId = 1;

  private constructor(
    readonly socketPath: string,
    private readonly dir: string,
    private readonly server: Server,
  ) {}

  static async start(): Promise<FakeDockerDaemon> {
    const dir = await mkdtemp(join(tmpdir(), 'drover-fake-docker-'));
    const socketPath = join(dir, 'docker.sock');
    let daemon: FakeDockerDaemon | undefined;
    const server = createServer((req, res) => {
      daemon!.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, { message: String(err) });
        else res.destroy();
      });
    });
    daemon = new FakeDockerDaemon(socketPath, dir, server);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return daemon;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The container makes output. */
  log(id: string, stream: FrameStream, data: string): void {
    const c = this.mustGet(id);
    c.logs.push({ stream, data, at: Date.now() });
    this.changed(c);
  }

  /** The container's main process ends. */
  exit(id: string, exitCode: number): void {
    const c = this.mustGet(id);
    if (c.state === 'exited') return;
    c.state = 'exited';
    c.exitCode = exitCode;
    this.changed(c);
  }

  byName(name: string): FakeContainer | undefined {
    return [...this.containers.values()].find((c) => c.name === name);
  }

  private mustGet(idOrName: string): FakeContainer {
    const c = this.find(idOrName);
    if (!c) throw new Error(`no fake container ${idOrName}`);
    return c;
  }

  private find(idOrName: string): FakeContainer | undefined {
    return this.containers.get(idOrName) ?? this.byName(idOrName);
  }

  private changed(c: FakeContainer): void {
    for (const fn of [...c.onChange]) fn();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://docker');
    this.paths.push(url.pathname);
    const m = /^\/v1\.41(\/.*)$/.exec(url.pathname);
    if (url.pathname === '/_ping' || m?.[1] === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    if (!m) return send(res, 400, { message: `client version missing in ${url.pathname}` });
    const path = m[1]!;
    const q = url.searchParams;
    const body = await readJson(req);
    const route = `${req.method} ${path}`;
    if (route === 'GET /version') return send(res, 200, { Version: '20.10.24-fake', ApiVersion: '1.41' });
    const image = /^GET \/images\/(.+)\/json$/.exec(route);
    if (image) {
      const name = decodeURIComponent(image[1]!);
      const error = this.inspectErrors.get(name);
      if (error) return send(res, error.status, { message: error.message });
      return this.images.has(name)
        ? send(res, 200, { Id: `sha256:${name}` })
        : send(res, 404, { message: `No such image: ${name}` });
    }
    if (route === 'POST /images/create') return this.pull(req, res, `${q.get('fromImage')}:${q.get('tag')}`);
    if (route === 'POST /containers/create') return this.create(res, q.get('name') ?? '', body);
    if (route === 'GET /containers/json') return this.list(res, q);
    const execJson = /^GET \/exec\/([^/]+)\/json$/.exec(route);
    if (execJson) {
      const e = this.execs.get(execJson[1]!);
      if (!e) return send(res, 404, { message: 'No such exec instance' });
      return send(res, 200, {
        ID: execJson[1],
        Running: !e.result,
        ExitCode: e.result?.exitCode ?? null,
        Pid: 1,
      });
    }
    const execStart = /^POST \/exec\/([^/]+)\/start$/.exec(route);
    if (execStart) return this.execStart(res, execStart[1]!);

    const cm = /^(\w+) \/containers\/([^/]+)(?:\/(\w+))?$/.exec(route);
    if (!cm) return send(res, 404, { message: `page not found: ${route}` });
    const [, method, idOrName, action] = cm;
    const c = this.find(decodeURIComponent(idOrName!));
    if (!c) return send(res, 404, { message: `No such container: ${idOrName}` });
    c.calls.push(`${method} ${action ?? ''} ${q.toString()}`.trim());
    switch (`${method} ${action ?? ''}`) {
      case 'GET json':
        return send(res, 200, inspectOf(c));
      case 'POST start':
        if (c.state === 'running') return noContent(res, 304);
        c.state = 'running';
        this.changed(c);
        return noContent(res);
      case 'POST stop':
        if (c.state !== 'running') return noContent(res, 304);
        if (c.ignoresTerm) {
          // The engine waits t seconds, then SIGKILLs; the fake does not wait.
          this.exit(c.id, 137);
        } else this.exit(c.id, 143);
        return noContent(res);
      case 'POST kill':
        if (c.state !== 'running') return send(res, 409, { message: `Container ${c.id} is not running` });
        this.exit(c.id, q.get('signal') === 'SIGKILL' ? 137 : 143);
        return noContent(res);
      case 'POST wait':
        return this.wait(res, c);
      case 'GET logs':
        return this.streamLogs(res, c, q);
      case 'DELETE ':
        this.containers.delete(c.id);
        return noContent(res);
      case 'POST exec': {
        const id = `exec${this.nextId++}`;
        this.execs.set(id, { container: c.id, cmd: (body as { Cmd: string[] }).Cmd });
        return send(res, 201, { Id: id });
      }
      default:
        return send(res, 404, { message: `page not found: ${route}` });
    }
  }

  private pull(req: IncomingMessage, res: ServerResponse, image: string): undefined {
    this.pullRequests.push({ image, auth: req.headers['x-registry-auth'] as string | undefined });
    const script = this.pulls.get(image) ?? {
      lines: [
        {
          errorDetail: { message: `manifest for ${image} not found` },
          error: `manifest for ${image} not found`,
        },
      ],
    };
    if (script.status !== undefined)
      return send(res, script.status, { message: script.message ?? 'pull failed' });
    res.writeHead(200, { 'content-type': 'application/json' });
    for (const line of script.lines ?? []) res.write(`${JSON.stringify(line)}\r\n`);
    if (!(script.lines ?? []).some((l) => 'error' in l)) this.images.add(image);
    res.end();
  }

  private create(res: ServerResponse, name: string, body: unknown): undefined {
    const b = body as Record<string, unknown>;
    if ([...this.containers.values()].some((c) => c.name === name)) {
      return send(res, 409, { message: `Conflict. The container name "/${name}" is already in use` });
    }
    const image = String(b.Image);
    if (!this.images.has(image)) return send(res, 404, { message: `No such image: ${image}` });
    const id = `${String(this.nextId++).padStart(4, '0')}${'f'.repeat(60)}`;
    this.containers.set(id, {
      id,
      name,
      body: b,
      labels: (b.Labels as Record<string, string>) ?? {},
      state: 'created',
      exitCode: 0,
      logs: [],
      calls: [],
      ignoresTerm: false,
      onChange: new Set(),
    });
    send(res, 201, { Id: id, Warnings: [] });
  }

  private list(res: ServerResponse, q: URLSearchParams): undefined {
    const filters = JSON.parse(q.get('filters') ?? '{}') as { label?: string[] };
    const wanted = filters.label ?? [];
    const out = [...this.containers.values()]
      .filter((c) =>
        wanted.every((l) => {
          const [k, v] = l.split('=', 2) as [string, string | undefined];
          return v === undefined ? k in c.labels : c.labels[k] === v;
        }),
      )
      .map((c) => ({
        Id: c.id,
        Names: [`/${c.name}`],
        Image: c.body.Image,
        State: c.state,
        Labels: c.labels,
        Created: 0,
      }));
    send(res, 200, out);
  }

  private wait(res: ServerResponse, c: FakeContainer): undefined {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    const done = () => {
      if (c.state === 'running') return;
      c.onChange.delete(done);
      res.end(JSON.stringify({ StatusCode: c.exitCode, Error: null }));
    };
    c.onChange.add(done);
    res.on('close', () => c.onChange.delete(done));
    done();
  }

  private streamLogs(res: ServerResponse, c: FakeContainer, q: URLSearchParams): undefined {
    const follow = q.get('follow') === 'true';
    const timestamps = q.get('timestamps') === 'true';
    const since = Number(q.get('since') ?? '0') * 1000;
    res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
    let sent = 0;
    const flush = () => {
      for (; sent < c.logs.length; sent++) {
        const l = c.logs[sent]!;
        if (l.at < since) continue;
        const prefix = timestamps ? `${new Date(l.at).toISOString()} ` : '';
        res.write(encodeFrame(l.stream, prefix + l.data));
      }
      if (!follow || c.state === 'exited') {
        c.onChange.delete(flush);
        res.end();
      }
    };
    c.onChange.add(flush);
    res.on('close', () => c.onChange.delete(flush));
    flush();
  }

  private execStart(res: ServerResponse, execId: string): undefined {
    const e = this.execs.get(execId);
    if (!e) return send(res, 404, { message: 'No such exec instance' });
    const c = this.containers.get(e.container);
    if (c?.state !== 'running' || !c)
      return send(res, 409, { message: `Container ${e.container} is not running` });
    const result = this.execHandler(c, e.cmd);
    e.result = result;
    res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
    if (result.stdout) res.write(encodeFrame('stdout', result.stdout));
    if (result.stderr) res.write(encodeFrame('stderr', result.stderr));
    res.end();
  }
}

function inspectOf(c: FakeContainer): object {
  return {
    Id: c.id,
    Name: `/${c.name}`,
    Created: new Date(0).toISOString(),
    RestartCount: 0,
    State: {
      Status: c.state,
      Running: c.state === 'running',
      OOMKilled: false,
      Pid: c.state === 'running' ? 4242 : 0,
      ExitCode: c.exitCode,
      Error: '',
      StartedAt: '',
      FinishedAt: '',
    },
    Config: { Image: c.body.Image, Labels: c.labels, Env: (c.body.Env as string[]) ?? [] },
    HostConfig: (c.body.HostConfig as object) ?? {},
    NetworkSettings: { Ports: {} },
  };
}

function send(res: ServerResponse, status: number, body: unknown): undefined {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function noContent(res: ServerResponse, status = 204): undefined {
  res.writeHead(status).end();
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  return JSON.parse(text) as unknown;
}
