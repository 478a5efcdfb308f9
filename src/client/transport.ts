/**
 * One HTTP request to a master over `fetch`, so the same code runs in Node 20 and in a browser.
 * Everything the client sends goes through `request`: base URL, credentials, JSON bodies, query
 * strings, and errors turned into ApiError (an unreachable master included, as status 0).
 */
import { ApiError, errorFromResponse } from './api-error.js';
import { authorizationHeader, type Credentials } from './credentials.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** The master's base URL, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  url: string;
  credentials?: Credentials;
  /** Sent with every request (the web UI names itself with `X-Requested-With`). */
  headers?: Record<string, string>;
  /** Default: the global fetch. Node passes undici's fetch bound to a TLS agent (node/). */
  fetch?: FetchLike;
}

export type QueryValue = string | number | boolean | undefined | ReadonlyArray<string | number | boolean>;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** Expect text instead of JSON (task logs, graphs, `/ping`). */
  text?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class Transport {
  readonly baseUrl: string;
  private readonly credentials: Credentials | undefined;
  private readonly extraHeaders: Record<string, string>;
  private readonly fetchImpl: FetchLike;

  constructor(opts: TransportOptions) {
    this.baseUrl = opts.url.replace(/\/+$/, '');
    this.credentials = opts.credentials;
    this.extraHeaders = opts.headers ?? {};
    this.fetchImpl = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  url(path: string, query?: Query): string {
    const qs = query ? queryString(query) : '';
    return `${this.baseUrl}${path}${qs === '' ? '' : `?${qs}`}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...this.extraHeaders,
      ...(this.credentials ? { Authorization: authorizationHeader(this.credentials) } : {}),
      ...extra,
    };
  }

  /** The raw response of a successful request (2xx); anything else throws ApiError. */
  async send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const url = this.url(path, opts.query);
    const headers = this.headers({
      Accept: opts.text ? 'text/plain, */*' : 'application/json',
      ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...opts.headers,
    });
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw unreachable(this.baseUrl, err);
    }
    if (!res.ok) throw errorFromResponse(res.status, res.statusText, await res.text().catch(() => ''));
    return res;
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts);
    const text = await res.text();
    // 204 and the empty answers of Chronos's writes.
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async text(method: string, path: string, opts: RequestOptions = {}): Promise<string> {
    const res = await this.send(method, path, { ...opts, text: true });
    return res.text();
  }
}

/** Repeated keys for arrays (`embed=a&embed=b`), undefined left out. */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values as Array<string | number | boolean>) params.append(key, String(v));
  }
  return params.toString();
}

/** Why fetch itself failed, as an ApiError with status 0 (no answer). */
export function unreachable(baseUrl: string, err: unknown): ApiError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return new ApiError({
    status: 0,
    code: 'UNAVAILABLE',
    message: `cannot reach a master at ${baseUrl} (${why})`,
  });
}

/** Path segments of an id (`/group/app`): each encoded, the slashes kept. */
export function idPath(id: string): string {
  return id
    .replace(/^\/+/, '')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
