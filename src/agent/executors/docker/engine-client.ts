/**
 * A small Docker Engine API client: HTTP over the engine's unix socket with undici, API version
 * pinned to 1.41 (Debian bookworm's engine 20.10 and every newer engine speak it), only the
 * endpoints the agent needs. No docker CLI: the agent must not depend on a client binary or its
 * config files.
 *
 * Long-running calls (wait, followed logs, pulls, exec output) turn undici's body timeout off and
 * take an AbortSignal instead: a container may run for weeks.
 */
import { Agent, type Dispatcher } from 'undici';
import { type Frame, FrameDemuxer } from './log-frames.js';
import { JsonLines, type PullLine } from './pull-progress.js';

export const API_VERSION = '1.41';
export const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface DockerEngineOptions {
  socketPath?: string;
  /** Timeout for ordinary calls (not wait/logs/pull/exec output). Default 60 s. */
  requestTimeoutMs?: number;
}

/** An error answer from the engine; `message` is the engine's own text. */
export class DockerApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'DockerApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ContainerState {
  Status: string;
  Running: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  OOMKilled: boolean;
  Dead?: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  State: ContainerState;
  RestartCount: number;
  Config: { Image: string; Labels: Record<string, string> | null; Env: string[] | null };
  HostConfig: Record<string, unknown>;
  NetworkSettings: { Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null };
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  State: string;
  Labels: Record<string, string>;
  Created: number;
  Ports?: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }>;
}

export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
}

export interface LogOptions {
  follow: boolean;
  /** Epoch seconds with up to nanosecond fraction, e.g. `1700000000.123456789`. */
  since?: string;
  timestamps?: boolean;
  signal?: AbortSignal;
}

export interface ExecOutput {
  stdout: string;
  stderr: string;
  /** True when the output was longer than the cap and got cut. */
  truncated: boolean;
}

export class DockerEngine {
  private readonly dispatcher: Agent;
  private readonly timeoutMs: number;
  readonly socketPath: string;

  constructor(opts: DockerEngineOptions = {}) {
    this.socketPath = opts.socketPath ?? DEFAULT_SOCKET;
    this.timeoutMs = opts.requestTimeoutMs ?? 60_000;
    // Agent, not Client: one Client is one connection, and every running container holds a
    // connection for its wait and one for its logs.
    this.dispatcher = new Agent({ connect: { socketPath: this.socketPath }, keepAliveTimeout: 10_000 });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /** `GET /_ping`: resolves to true when an engine answers on the socket, false otherwise. */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    try {
      const res = await this.call('GET', '/_ping', { timeoutMs });
      const text = await res.body.text();
      return res.statusCode === 200 && text.trim() === 'OK';
    } catch {
      return false;
    }
  }

  async version(): Promise<{ Version: string; ApiVersion: string }> {
    return this.json('GET', '/version');
  }

  /** Whether the image exists locally. */
  async hasImage(image: string): Promise<boolean> {
    const res = await this.call('GET', `/images/${encodeURIComponent(image)}/json`);
    if (res.statusCode >= 300 && res.statusCode !== 404) throw await apiError(res, '/images/json');
    await res.body.dump();
    return res.statusCode !== 404;
  }

  /**
   * `POST /images/create`. Calls `onLine` for every progress line; rejects with the engine's
   * message when the pull fails, whether the engine says so with a status code or in the stream.
   */
  async pull(
    query: { fromImage: string; tag: string },
    opts: { authHeader?: string; onLine?: (line: PullLine) => void; signal?: AbortSignal } = {},
  ): Promise<void> {
    const headers: Record<string, string> = {};
    if (opts.authHeader) headers['x-registry-auth'] = opts.authHeader;
    const res = await this.call('POST', '/images/create', {
      query,
      headers,
      stream: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.statusCode >= 300) throw await apiError(res, '/images/create');
    const lines = new JsonLines();
    let failure: string | undefined;
    const take = (line: PullLine) => {
      if (line.error !== undefined || line.errorDetail?.message !== undefined) {
        failure ??= line.errorDetail?.message ?? line.error;
      }
      opts.onLine?.(line);
    };
    res.body.setEncoding('utf8');
    for await (const chunk of res.body) for (const line of lines.push(chunk as string)) take(line);
    for (const line of lines.end()) take(line);
    if (failure !== undefined) throw new DockerApiError(500, '/images/create', failure);
  }

  async createContainer(name: string, body: object): Promise<{ Id: string; Warnings: string[] | null }> {
    return this.json('POST', '/containers/create', { query: { name }, body });
  }

  async startContainer(id: string): Promise<void> {
    await this.expectNoContent('POST', `/containers/${id}/start`, {}, [304]);
  }

  /** `POST /containers/{id}/stop?t=`: the image's stop signal, SIGKILL after `seconds`. */
  async stopContainer(id: string, seconds: number): Promise<void> {
    // The engine answers once the container stopped: allow for the grace period itself.
    await this.expectNoContent(
      'POST',
      `/containers/${id}/stop`,
      { query: { t: seconds }, timeoutMs: this.timeoutMs + seconds * 1000 },
      [304],
    );
  }

  async killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
    // 409: not running (already ended) - the goal of a kill is met.
    await this.expectNoContent('POST', `/containers/${id}/kill`, { query: { signal } }, [409]);
  }

  /**
   * `POST /containers/{id}/wait`: resolves with the exit code once the container is not running
   * (at once if it already is not).
   */
  async waitContainer(
    id: string,
    signal?: AbortSignal,
  ): Promise<{ StatusCode: number; Error?: { Message: string } }> {
    const res = await this.call('POST', `/containers/${id}/wait`, {
      query: { condition: 'not-running' },
      stream: true,
      ...(signal ? { signal } : {}),
    });
    if (res.statusCode >= 300) throw await apiError(res, '/containers/wait');
    return (await res.body.json()) as { StatusCode: number; Error?: { Message: string } };
  }

  /** undefined when there is no such container. */
  async inspectContainer(id: string): Promise<ContainerInspect | undefined> {
    const res = await this.call('GET', `/containers/${encodeURIComponent(id)}/json`);
    if (res.statusCode === 404) {
      await res.body.dump();
      return undefined;
    }
    if (res.statusCode >= 300) throw await apiError(res, '/containers/json');
    return (await res.body.json()) as ContainerInspect;
  }

  /** Force-removes; a container already gone is not an error. */
  async removeContainer(id: string): Promise<void> {
    // 409 "removal already in progress" is as good as done.
    await this.expectNoContent(
      'DELETE',
      `/containers/${id}`,
      { query: { force: true, v: true } },
      [404, 409],
    );
  }

  /** Containers (running or not) carrying every given label (`key=value` or just `key`). */
  async listContainers(labels: string[]): Promise<ContainerSummary[]> {
    const filters = JSON.stringify({ label: labels });
    return this.json('GET', '/containers/json', { query: { all: true, filters } });
  }

  /**
   * `GET /containers/{id}/logs` of a container without a TTY, demultiplexed. With `follow` the
   * iteration ends when the container has stopped and its last output was sent.
   */
  async *logs(id: string, opts: LogOptions): AsyncGenerator<Frame> {
    const res = await this.call('GET', `/containers/${id}/logs`, {
      query: {
        stdout: true,
        stderr: true,
        follow: opts.follow,
        timestamps: opts.timestamps ?? false,
        since: opts.since,
      },
      stream: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.statusCode >= 300) throw await apiError(res, '/containers/logs');
    const demux = new FrameDemuxer();
    for await (const chunk of res.body) {
      for (const frame of demux.push(chunk as Buffer)) yield frame;
    }
  }

  /** `POST /containers/{id}/exec`: an exec instance for `cmd`; start it with execStart. */
  async execCreate(id: string, cmd: string[], env?: string[]): Promise<string> {
    const body = {
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      Cmd: cmd,
      ...(env ? { Env: env } : {}),
    };
    const r = await this.json<{ Id: string }>('POST', `/containers/${id}/exec`, { body });
    return r.Id;
  }

  /**
   * `POST /exec/{id}/start`, attached: resolves with the command's output (each stream capped at
   * `maxBytes`) when it has ended. Abort `signal` to give up waiting (the command may go on).
   */
  async execStart(
    execId: string,
    opts: { signal?: AbortSignal; maxBytes?: number } = {},
  ): Promise<ExecOutput> {
    const max = opts.maxBytes ?? 64 * 1024;
    const res = await this.call('POST', `/exec/${execId}/start`, {
      body: { Detach: false, Tty: false },
      stream: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.statusCode >= 300) throw await apiError(res, '/exec/start');
    const demux = new FrameDemuxer();
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const size = { stdout: 0, stderr: 0 };
    let truncated = false;
    for await (const chunk of res.body) {
      for (const f of demux.push(chunk as Buffer)) {
        const room = max - size[f.stream];
        if (room <= 0) {
          truncated = true;
          continue;
        }
        const part = f.data.length > room ? f.data.subarray(0, room) : f.data;
        if (part.length < f.data.length) truncated = true;
        out[f.stream].push(Buffer.from(part));
        size[f.stream] += part.length;
      }
    }
    return {
      stdout: Buffer.concat(out.stdout).toString('utf8'),
      stderr: Buffer.concat(out.stderr).toString('utf8'),
      truncated,
    };
  }

  async execInspect(execId: string): Promise<ExecInspect> {
    return this.json('GET', `/exec/${execId}/json`);
  }

  // --- plumbing -------------------------------------------------------------------------------

  private async json<T>(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: { query?: Query; body?: object } = {},
  ): Promise<T> {
    const res = await this.call(method, path, opts);
    if (res.statusCode >= 300) throw await apiError(res, path);
    return (await res.body.json()) as T;
  }

  private async expectNoContent(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: { query?: Query; timeoutMs?: number },
    alsoFine: number[],
  ): Promise<void> {
    const res = await this.call(method, path, opts);
    if (res.statusCode < 300 || alsoFine.includes(res.statusCode)) {
      await res.body.dump();
      return;
    }
    throw await apiError(res, path);
  }

  private async call(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: {
      query?: Query;
      body?: object;
      headers?: Record<string, string>;
      /** A response body that may take as long as the container runs. */
      stream?: boolean;
      signal?: AbortSignal;
      timeoutMs?: number;
    } = {},
  ): Promise<Dispatcher.ResponseData> {
    const timeout = opts.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    return this.dispatcher.request({
      origin: 'http://docker',
      method,
      path: `/v${API_VERSION}${path}${queryString(opts.query)}`,
      headers,
      ...(body !== undefined ? { body } : {}),
      headersTimeout: timeout,
      bodyTimeout: opts.stream ? 0 : timeout,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
}

function queryString(q: Query | undefined): string {
  if (!q) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

async function apiError(res: Dispatcher.ResponseData, path: string): Promise<DockerApiError> {
  const text = await res.body.text().catch(() => '');
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON: keep the text.
  }
  return new DockerApiError(res.statusCode, path, message || `HTTP ${res.statusCode} from ${path}`);
}
