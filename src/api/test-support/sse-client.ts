/**
 * A minimal Server-Sent Events reader for tests over a real socket (inject cannot stream): it
 * parses messages and comments as they arrive and lets a test wait for a condition on what was
 * received, never for a fixed time. The timeout only turns a hang into a readable failure.
 */
import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  private buffer = '';
  private current: { id?: string; event?: string; data: string[] } = { data: [] };
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly res: IncomingMessage) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.feed(chunk));
    const end = () => {
      this.ended = true;
      this.notify();
    };
    res.on('end', end);
    res.on('close', end);
    res.on('error', end);
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) =>
        resolve(new SseClient(res)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** The whole response arrived, ended by the server (false when the connection was cut). */
  get complete(): boolean {
    return this.res.complete;
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  get headers(): IncomingHttpHeaders {
    return this.res.headers;
  }

  /** Messages' data parsed as JSON. */
  events(): Array<Record<string, unknown>> {
    return this.messages.map((m) => JSON.parse(m.data) as Record<string, unknown>);
  }

  /** Stops reading from the socket (a slow client), or starts again. */
  pause(): void {
    this.res.pause();
  }

  resume(): void {
    this.res.resume();
  }

  close(): void {
    this.res.destroy();
  }

  async waitFor(what: string, pred: (c: SseClient) => boolean, timeoutMs = 10_000): Promise<void> {
    if (pred(this)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`));
      }, timeoutMs);
      const check = () => {
        if (!pred(this)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.line(line);
    }
    this.notify();
  }

  private line(line: string): void {
    if (line === '') {
      if (this.current.data.length > 0) {
        const m: SseMessage = { data: this.current.data.join('\n') };
        if (this.current.id !== undefined) m.id = this.current.id;
        if (this.current.event !== undefined) m.event = this.current.event;
        this.messages.push(m);
      }
      this.current = { data: [] };
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.current.data.push(value);
    else if (field === 'id') this.current.id = value;
    else if (field === 'event') this.current.event = value;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
