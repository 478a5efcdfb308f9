/**
 * A small HTTP client for e2e tests and benches: one fresh connection per request (no pooled
 * sockets to outlive a killed server or task), raw status and body kept so error answers can be
 * asserted, and a per-request timeout.
 */
import { request } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined if it is not JSON. */
  json: unknown;
}

export interface HttpOptions {
  method?: string;
  /** An object is sent as JSON; a string or Buffer is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function http(url: string, opts: HttpOptions = {}): Promise<HttpAnswer> {
  const { method = 'GET', timeoutMs = 10_000 } = opts;
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let payload: Buffer | undefined;
  if (opts.body !== undefined) {
    payload =
      typeof opts.body === 'string'
        ? Buffer.from(opts.body)
        : Buffer.isBuffer(opts.body)
          ? opts.body
          : Buffer.from(JSON.stringify(opts.body));
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(payload.length);
  }
  const u = new URL(url);
  return new Promise<HttpAnswer>((resolve, reject) => {
    let answered = false;
    // `path` is sent verbatim, so dot segments like `/v2/apps/../x` reach the server unresolved.
    const req = request(
      { host: u.hostname, port: u.port, path: rawPath(url, u), method, headers, agent: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        const finish = () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        };
        res.on('end', finish);
        // Once an answer is complete, a later socket error (a server closing while the body is
        // still being written) does not undo it; an answer cut short is an error. Settling twice
        // is a no-op.
        res.on('error', () => {});
        res.on('close', () =>
          res.complete ? finish() : reject(new Error(`${method} ${url}: answer cut off`)),
        );
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)),
    );
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(payload);
  });
}

/** The path and query exactly as written in `url` (URL parsing would resolve `..`). */
function rawPath(url: string, u: URL): string {
  const afterHost = url.indexOf('/', url.indexOf('//') + 2);
  return afterHost < 0 ? `/${u.search}` : url.slice(afterHost);
}

/** A client bound to one base URL (a drover API), with JSON helpers that check the status. */
export class ApiClient {
  constructor(public baseUrl: string) {}

  raw(method: string, path: string, opts: Omit<HttpOptions, 'method'> = {}): Promise<HttpAnswer> {
    return http(`${this.baseUrl}${path}`, { ...opts, method });
  }

  /** Sends a request and fails unless the status is one of `expect`; returns the parsed body. */
  async json<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    expect: number[] = [200, 201],
  ): Promise<T> {
    const res = await this.raw(method, path, { body });
    if (!expect.includes(res.status)) {
      throw new Error(`${method} ${path}: expected ${expect.join('|')}, got ${res.status}: ${res.text}`);
    }
    return res.json as T;
  }

  get<T = Record<string, unknown>>(path: string): Promise<T> {
    return this.json<T>('GET', path, undefined, [200]);
  }
}

export interface EchoAnswer {
  app: string | null;
  version: string | null;
  task: string | null;
  pid: number;
}

/** What examples/http-echo.js answers on host:port; throws if nothing answers. */
export async function echo(host: string, port: number, timeoutMs = 2_000): Promise<EchoAnswer> {
  const res = await http(`http://${host}:${port}/`, { timeoutMs });
  if (res.status !== 200) throw new Error(`${host}:${port} answered ${res.status}`);
  return res.json as EchoAnswer;
}
