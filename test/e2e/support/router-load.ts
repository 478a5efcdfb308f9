/**
 * Continuous load through a service port, as a client of the router sees it: `concurrency`
 * workers each send GET / on a fresh connection (no keep-alive) with a 1 s timeout, one after
 * the other, until stopped. Every request is recorded with when it started and ended, whether it
 * failed (error, timeout, not 200) and which task answered, so a test can ask which requests
 * failed and when. Used by the router e2e tests and the router bench.
 */
import { request } from 'node:http';
import { createServer } from 'node:net';

export interface RouterRequest {
  start: number;
  end: number;
  ok: boolean;
  task?: string;
  message?: string;
  error?: string;
}

export class RouterLoad {
  readonly requests: RouterRequest[] = [];
  private running = true;
  private readonly workers: Promise<void>[];

  private constructor(
    private readonly host: string,
    private readonly port: number,
    concurrency: number,
    private readonly timeoutMs: number,
    private readonly text: boolean,
  ) {
    this.workers = Array.from({ length: concurrency }, () => this.work());
  }

  /** `text`: the answer is plain text (its trimmed body is the `message`), not http-echo's JSON. */
  static start(
    host: string,
    port: number,
    opts: { concurrency?: number; timeoutMs?: number; text?: boolean } = {},
  ): RouterLoad {
    return new RouterLoad(host, port, opts.concurrency ?? 4, opts.timeoutMs ?? 1_000, opts.text ?? false);
  }

  async stop(): Promise<RouterRequest[]> {
    this.running = false;
    await Promise.all(this.workers);
    return this.requests;
  }

  failed(): RouterRequest[] {
    return this.requests.filter((r) => !r.ok);
  }

  /** Counts of errors by message, for assertion messages. */
  summary(): string {
    const causes: Record<string, number> = {};
    for (const r of this.failed()) causes[r.error ?? '?'] = (causes[r.error ?? '?'] ?? 0) + 1;
    const tasks = new Set(this.requests.filter((r) => r.ok).map((r) => r.task));
    return `${this.requests.length} requests, ${this.failed().length} failed ${JSON.stringify(causes)}, ${tasks.size} tasks answered`;
  }

  private async work(): Promise<void> {
    while (this.running) {
      this.requests.push(await getOnce(this.host, this.port, this.timeoutMs, '/', this.text));
    }
  }
}

/** One GET / on a fresh connection; never throws. */
export function getOnce(
  host: string,
  port: number,
  timeoutMs = 1_000,
  path = '/',
  text = false,
): Promise<RouterRequest> {
  const start = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<RouterRequest, 'start' | 'end'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ start, end: Date.now(), ...r });
    };
    const req = request({ host, port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return done({ ok: false, error: `status ${res.statusCode}` });
        if (text) return done({ ok: true, message: body.trim() });
        try {
          const j = JSON.parse(body) as { task?: string; message?: string };
          done({
            ok: true,
            ...(j.task ? { task: j.task } : {}),
            ...(j.message ? { message: j.message } : {}),
          });
        } catch {
          done({ ok: false, error: 'bad body' });
        }
      });
      res.on('error', (e) => done({ ok: false, error: e.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, error: 'timeout' });
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ?? e.message }));
    req.end();
  });
}

/** A TCP port nothing listens on right now on `host`, from 10000-20000 (the service port range). */
export async function freeServicePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 10_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 10000-20000');
}
