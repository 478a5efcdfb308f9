/**
 * The agent's fetcher (Mesos fetcher semantics): before a task starts, every `fetch` entry of its
 * spec (an app's `fetch` / `uris`, a job's likewise) is put into the task's sandbox.
 *
 * - The file lands in the sandbox as `outputFile` (Marathon's `destPath`), else the URI's last
 *   path segment.
 * - `extract` (the default for archives): a tar/tgz/tar.bz2/tar.xz/zip is unpacked into the
 *   sandbox; the archive itself stays, as Mesos leaves it.
 * - `executable`: the file gets mode 0755 and is not extracted (Mesos).
 * - `cache`: served from the agent's FetchCache, downloaded once per agent.
 *
 * The first failing entry fails the whole fetch with a FetchError naming the URI; the task runner
 * turns that into TASK_FAILED with the message, which the master keeps as lastTaskFailure and
 * counts for the launch backoff. Docker tasks see the sandbox at $MESOS_SANDBOX.
 */
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join, normalize } from 'node:path';
import type { FetchUri } from '../../domain/app.js';
import { type DownloadLimits, download, FetchError } from './download.js';
import { FetchCache } from './fetch-cache.js';
import { archiveKind, unpack } from './unpack.js';

export interface FetcherOptions {
  /** Where cached downloads live (`<workDir>/fetcher-cache`). */
  cacheDir: string;
  /** `--fetcher-cache-mb`, in bytes. */
  cacheBytes: number;
  limits: DownloadLimits;
}

/** Mesos' default `--fetcher_cache_size` is 2 GB. */
export const DEFAULT_FETCHER_CACHE_MB = 2048;
/** One artifact at most this large... */
export const DEFAULT_FETCH_MAX_BYTES = 2 * 1024 ** 3;
/** ...and downloaded within this long (Mesos has no default cap; a stalled launch helps nobody). */
export const DEFAULT_FETCH_TIMEOUT_MS = 10 * 60_000;

export interface FetchReport {
  uri: string;
  file: string;
  cacheHit: boolean;
  extracted: boolean;
}

export class Fetcher {
  readonly cache: FetchCache;

  constructor(private readonly opts: FetcherOptions) {
    this.cache = new FetchCache(opts.cacheDir, opts.cacheBytes);
  }

  /** Fetches every entry into `sandbox`, in order; throws a FetchError on the first failure. */
  async fetchAll(entries: readonly FetchUri[], sandbox: string): Promise<FetchReport[]> {
    const reports: FetchReport[] = [];
    for (const e of entries) {
      try {
        reports.push(await this.fetchOne(e, sandbox));
      } catch (err) {
        const why = err instanceof FetchError ? err.message : (err as Error).message;
        throw new FetchError(`Failed to fetch ${e.uri}: ${why}`);
      }
    }
    return reports;
  }

  private async fetchOne(e: FetchUri, sandbox: string): Promise<FetchReport> {
    const name = e.outputFile ?? lastSegment(e.uri);
    const file = insideSandbox(sandbox, name);
    await mkdir(dirname(file), { recursive: true });
    let cacheHit = false;
    if (e.cache) {
      const got = await this.cache.get(e.uri, (path) => download(e.uri, path, this.opts.limits));
      cacheHit = got.hit;
      await copyFile(got.path, file);
    } else {
      await download(e.uri, file, this.opts.limits);
    }
    if (e.executable) {
      await chmod(file, 0o755);
      return { uri: e.uri, file, cacheHit, extracted: false };
    }
    const kind = e.extract ? archiveKind(name) : undefined;
    if (kind) await unpack(file, kind, sandbox);
    return { uri: e.uri, file, cacheHit, extracted: kind !== undefined };
  }
}

/** The URI's last path segment, without query or fragment: what Mesos names the file. */
export function lastSegment(uri: string): string {
  const path = uri.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const name = decodeURIComponent(basename(path));
  if (name === '' || name === '.' || name === '..') throw new FetchError(`cannot name a file after ${uri}`);
  return name;
}

/** A file name (or relative `outputFile`) must stay inside the sandbox. */
function insideSandbox(sandbox: string, name: string): string {
  const file = normalize(join(sandbox, name));
  if (!file.startsWith(`${sandbox}/`)) throw new FetchError(`output file ${name} leaves the sandbox`);
  return file;
}

/** The fetcher of an agent on `workDir`, with `--fetcher-cache-mb` (default Mesos' 2 GB). */
export function agentFetcher(workDir: string, cacheMb: number = DEFAULT_FETCHER_CACHE_MB): Fetcher {
  return new Fetcher({
    cacheDir: join(workDir, 'fetcher-cache'),
    cacheBytes: cacheMb * 1024 * 1024,
    limits: { maxBytes: DEFAULT_FETCH_MAX_BYTES, timeoutMs: DEFAULT_FETCH_TIMEOUT_MS },
  });
}
