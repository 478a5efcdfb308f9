/**
 * `/v2/events` over a fetch stream. EventSource cannot send an Authorization header, so this
 * reads the response body itself: SSE framing (sse-parser.ts), filtering by event type on the
 * server (`event_type=`), and reconnecting with `Last-Event-ID`, which the master replays from
 * (so a reconnect misses nothing that is still in its ring). The connection state is exposed for
 * a UI badge or a CLI status line.
 */
import { type ApiError, isApiError } from './api-error.js';
import { SseParser } from './sse-parser.js';
import type { Transport } from './transport.js';

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** One event: Marathon's flat JSON (payload fields, `eventType`, `timestamp`). */
export interface ServerEvent<T = Record<string, unknown>> {
  id: string | undefined;
  type: string;
  data: T & { eventType: string; timestamp: string };
}

export interface EventStreamOptions {
  /** Only these event types (the server filters). Empty or absent: all. */
  types?: readonly string[];
  /** Resume after this id (replayed by the master if it still has it). */
  lastEventId?: string;
  onEvent(e: ServerEvent): void;
  onState?(state: StreamState, error?: ApiError | Error): void;
  /** A server comment, such as the note that events were lost from the ring. */
  onComment?(text: string): void;
  /** First reconnect delay in ms (doubles up to maxRetryMs); default 500. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Reconnect when the stream ends or fails (default true). */
  reconnect?: boolean;
}

/** Errors that another try will not fix: bad credentials, no such route. */
function isFatal(err: unknown): boolean {
  return isApiError(err) && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
}

export class EventStream {
  state: StreamState = 'connecting';
  lastEventId: string | undefined;
  /** Events received since the stream was opened (all connections). */
  received = 0;
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;
  private wake: (() => void) | undefined;

  constructor(
    private readonly t: Transport,
    private readonly opts: EventStreamOptions,
  ) {
    this.lastEventId = opts.lastEventId;
    this.done = this.run();
  }

  /** Resolves when the stream is closed for good (by close(), or a fatal error). */
  closed(): Promise<void> {
    return this.done;
  }

  close(): void {
    this.abort.abort();
    this.wake?.();
  }

  private setState(state: StreamState, err?: ApiError | Error): void {
    if (this.state === state && err === undefined) return;
    this.state = state;
    this.opts.onState?.(state, err);
  }

  private async run(): Promise<void> {
    const base = this.opts.retryMs ?? 500;
    const max = this.opts.maxRetryMs ?? 30_000;
    let delay = base;
    this.opts.onState?.('connecting');
    while (!this.abort.signal.aborted) {
      try {
        await this.connectOnce(() => {
          delay = base;
        });
        if (this.abort.signal.aborted) break;
        // The server ended the stream (a restart, a dropped slow client): come back.
        if (this.opts.reconnect === false) break;
        this.setState('reconnecting');
      } catch (err) {
        if (this.abort.signal.aborted) break;
        if (isFatal(err) || this.opts.reconnect === false) {
          this.setState('closed', err as Error);
          return;
        }
        this.setState('reconnecting', err as Error);
      }
      await this.sleep(delay);
      delay = Math.min(max, delay * 2);
    }
    this.setState('closed');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async connectOnce(onOpen: () => void): Promise<void> {
    const res = await this.t.send('GET', '/v2/events', {
      query: { event_type: this.opts.types && this.opts.types.length > 0 ? this.opts.types : undefined },
      headers: {
        Accept: 'text/event-stream',
        ...(this.lastEventId !== undefined ? { 'Last-Event-ID': this.lastEventId } : {}),
      },
      signal: this.abort.signal,
    });
    if (!res.body) throw new Error('the event stream answered without a body');
    this.setState('open');
    onOpen();
    const parser = new SseParser({
      message: (m) => {
        if (m.id !== undefined) this.lastEventId = m.id;
        let data: ServerEvent['data'];
        try {
          data = JSON.parse(m.data);
        } catch {
          return; // Not Marathon's JSON: nothing a caller could use.
        }
        this.received += 1;
        this.opts.onEvent({ id: m.id, type: m.event, data });
      },
      comment: (text) => {
        if (text !== 'heartbeat') this.opts.onComment?.(text);
      },
    });
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } finally {
      reader.releaseLock();
    }
  }
}
