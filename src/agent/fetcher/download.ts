/**
 * One artifact onto disk, as the Mesos fetcher gets it: `http(s)://` streamed (redirects
 * followed, a non-2xx answer is an error), `file://` and absolute paths copied. Every download
 * is capped in bytes and time, so a huge or stalled URI fails the task instead of filling the
 * agent's disk or hanging its launch. A partial file never stays behind.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
}

export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

const MAX_REDIRECTS = 5;

/** Where a URI's bytes come from: a local path or an HTTP(S) URL. */
export function sourceOf(uri: string): { kind: 'file'; path: string } | { kind: 'http'; url: string } {
  if (uri.startsWith('/')) return { kind: 'file', path: uri };
  if (uri.startsWith('file://')) return { kind: 'file', path: fileURLToPath(uri) };
  if (/^https?:\/\//i.test(uri)) return { kind: 'http', url: uri };
  throw new FetchError(`unsupported URI scheme (http, https, file or an absolute path): ${uri}`);
}

export async function download(uri: string, dest: string, limits: DownloadLimits): Promise<number> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const source = sourceOf(uri);
    const body =
      source.kind === 'file' ? await openFile(source.path, limits) : await openHttp(source.url, signal);
    let bytes = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > limits.maxBytes)
          done(new FetchError(`larger than the ${limits.maxBytes}-byte download limit`));
        else done(null, chunk);
      },
    });
    await pipeline(body, cap, createWriteStream(dest), { signal });
    return bytes;
  } catch (err) {
    await rm(dest, { force: true });
    if (signal.aborted) throw new FetchError(`timed out after ${limits.timeoutMs} ms`);
    if (err instanceof FetchError) throw err;
    throw new FetchError((err as Error).message);
  }
}

async function openFile(path: string, limits: DownloadLimits): Promise<Readable> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw new FetchError(`no such file: ${path}`);
  if (st.size > limits.maxBytes)
    throw new FetchError(`larger than the ${limits.maxBytes}-byte download limit`);
  return createReadStream(path);
}

async function openHttp(url: string, signal: AbortSignal): Promise<Readable> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await request(current, { method: 'GET', signal });
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      await res.body.dump();
      current = new URL(String(res.headers.location), current).toString();
      continue;
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      throw new FetchError(`HTTP ${res.statusCode} from ${current}`);
    }
    return res.body;
  }
  throw new FetchError(`more than ${MAX_REDIRECTS} redirects from ${url}`);
}
