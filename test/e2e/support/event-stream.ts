/**
 * A minimal `/v2/events` reader for e2e tests: keeps every event (type and parsed data) it sees
 * from the moment it is attached, so a test can wait for an event instead of sleeping.
 */
import { type ClientRequest, request } from 'node:http';

export interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
}

export class EventStream {
  readonly events: StreamEvent[] = [];
  private req: ClientRequest | undefined;

  private constructor() {}

  /** Resolves once the server has answered 200 (the stream is attached). */
  static open(baseUrl: string, types: string[] = []): Promise<EventStream> {
    const s = new EventStream();
    const query = types.map((t) => `event_type=${encodeURIComponent(t)}`).join('&');
    return new Promise<EventStream>((resolve, reject) => {
      s.req = request(`${baseUrl}/v2/events${query ? `?${query}` : ''}`, {
        headers: { accept: 'text/event-stream' },
      });
      s.req.on('response', (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`/v2/events answered ${res.statusCode}`));
          res.resume();
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
            s.parse(buf.slice(0, end));
            buf = buf.slice(end + 2);
          }
        });
        res.on('error', () => undefined);
        resolve(s);
      });
      s.req.on('error', reject);
      s.req.end();
    });
  }

  ofType(type: string): StreamEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  close(): void {
    this.req?.destroy();
  }

  private parse(block: string): void {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length === 0) return;
    try {
      this.events.push({ type, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
    } catch {
      // A heartbeat or comment, not an event.
    }
  }
}
