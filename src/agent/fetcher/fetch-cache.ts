/**
 * The agent's artifact cache (Mesos' fetcher cache): downloads of URIs fetched with `cache: true`
 * kept under `<workDir>/fetcher-cache/`, keyed by URI, shared by every task on the agent, the
 * least recently used evicted once the total passes the size limit (`--fetcher-cache-mb`).
 * Concurrent fetches of one URI share one download. The index lives in memory: an agent restart
 * starts with an empty cache (the directory is cleared).
 */
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

interface Entry {
  path: string;
  bytes: number;
}

export class FetchCache {
  /** Map order is recency: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private total = 0;
  private ready: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly limitBytes: number,
  ) {}

  /** The cached file for `uri`, downloading it with `fill(path)` (returning its size) on a miss. */
  async get(uri: string, fill: (path: string) => Promise<number>): Promise<{ path: string; hit: boolean }> {
    const found = this.entries.get(uri);
    if (found) {
      this.entries.delete(uri);
      this.entries.set(uri, found);
      return { path: found.path, hit: true };
    }
    const inFlight = this.pending.get(uri);
    if (inFlight) return { path: (await inFlight).path, hit: true };
    const job = this.fill(uri, fill);
    this.pending.set(uri, job);
    try {
      return { path: (await job).path, hit: false };
    } finally {
      this.pending.delete(uri);
    }
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.total;
  }

  has(uri: string): boolean {
    return this.entries.has(uri);
  }

  private async fill(uri: string, fill: (path: string) => Promise<number>): Promise<Entry> {
    this.ready ??= (async () => {
      await rm(this.dir, { recursive: true, force: true });
      await mkdir(this.dir, { recursive: true });
    })();
    await this.ready;
    const path = join(this.dir, createHash('sha256').update(uri).digest('hex'));
    const bytes = await fill(path);
    const entry = { path, bytes };
    this.entries.set(uri, entry);
    this.total += bytes;
    await this.evict(uri);
    return entry;
  }

  /** Drops least recently used entries (never `keep`, just added) until under the limit. */
  private async evict(keep: string): Promise<void> {
    for (const [uri, e] of this.entries) {
      if (this.total <= this.limitBytes) return;
      if (uri === keep) continue;
      this.entries.delete(uri);
      this.total -= e.bytes;
      await rm(e.path, { force: true });
    }
  }
}
