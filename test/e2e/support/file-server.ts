/**
 * A tiny HTTP server on 127.0.0.1 for fetcher tests: serves fixed files by path (404 otherwise)
 * and counts the requests for each path, so a test can tell a cache hit from a download.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface FileServer {
  base: string;
  files: Map<string, Buffer>;
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startFileServer(files = new Map<string, Buffer>()): Promise<FileServer> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end('not here');
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    files,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A task's sandbox under a `drover up` data dir, whichever in-process agent ran it. */
export function sandboxOf(dataDir: string, taskId: string): string | undefined {
  const agents = join(dataDir, 'agents');
  for (const a of existsSync(agents) ? readdirSync(agents) : []) {
    const dir = join(agents, a, 'sandboxes', taskId);
    if (existsSync(dir)) return dir;
  }
  return undefined;
}
