/**
 * The clients of `GET /v2/events`. Each client is only a cursor into the event bus's ring: the hub
 * writes from the cursor while the client's socket accepts data and stops (waiting for `drain`)
 * when it does not. A slow client therefore costs no memory beyond its socket buffer; one that
 * falls so far behind that its next event has left the ring cannot be served without a gap: its
 * stream is ended (it may reconnect with Last-Event-ID and carry on from what the ring still holds).
 */
import type { ServerResponse } from 'node:http';
import type { BusEvent, EventBus } from '../../control-plane/events/event-bus.js';
import { EVENT_TYPES } from '../../control-plane/events/event-types.js';
import type { CancelTimer, Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { FrameCache, sseComment } from './sse-frame.js';

export interface EventStreamOptions {
  /** Comment line sent to idle clients so proxies keep the stream open. Default 15 s. */
  heartbeatMs?: number;
  /** Largest chunk written at once while a client catches up (characters). Default 64 Ki. */
  maxChunk?: number;
  /**
   * A dropped client's stream is ended, not cut; one that does not read up to the end within this
   * long is cut. Default 30 s.
   */
  endGraceMs?: number;
}

/** What the hub reports, for metrics; every method optional. */
export interface EventStreamObserver {
  bytesSent?(n: number): void;
  clientDropped?(): void;
}

export interface OpenStream {
  res: ServerResponse;
  remoteAddress: string;
  /** Only these event types (Marathon's repeatable `event_type`); empty means all. */
  eventTypes: readonly string[];
  /** The raw Last-Event-ID header, when resuming. */
  lastEventId?: string | undefined;
}

interface Client {
  res: ServerResponse;
  remoteAddress: string;
  filter: ReadonlySet<string> | undefined;
  /** Next event id this client has not been sent (or skipped by its filter). */
  cursor: number;
  waitingForDrain: boolean;
  closed: boolean;
}

export const EVENT_STREAM_HEADERS = {
  'Content-Type': 'text/event-stream;charset=UTF-8',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
  Expires: '0',
  // nginx buffers proxied responses unless told not to; an event stream must not be buffered.
  'X-Accel-Buffering': 'no',
} as const;

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_MAX_CHUNK = 64 * 1024;
const DEFAULT_END_GRACE_MS = 30_000;

export class EventStreamHub {
  private readonly clients = new Set<Client>();
  private readonly frames = new FrameCache();
  private unsubscribe: (() => void) | undefined;
  private cancelHeartbeat: CancelTimer | undefined;
  private readonly heartbeatMs: number;
  private readonly maxChunk: number;
  private readonly endGraceMs: number;

  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
    opts: EventStreamOptions = {},
    private readonly observer: EventStreamObserver = {},
    private readonly logger?: Logger,
  ) {
    this.heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.maxChunk = opts.maxChunk ?? DEFAULT_MAX_CHUNK;
    this.endGraceMs = opts.endGraceMs ?? DEFAULT_END_GRACE_MS;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Bytes written to clients' responses and not yet handed to the kernel, over all clients. */
  get bufferedBytes(): number {
    let n = 0;
    for (const c of this.clients) n += c.res.writableLength;
    return n;
  }

  /** Starts streaming on `res` (headers included); the stream ends when the client goes away. */
  open(o: OpenStream): void {
    const { res } = o;
    res.writeHead(200, EVENT_STREAM_HEADERS);
    // Headers now, so the client sees the stream open before the first event.
    res.flushHeaders();
    // Each event is one small write; Nagle would hold it back waiting for an ACK.
    res.socket?.setNoDelay(true);

    const start = this.startCursor(o.lastEventId);
    const client: Client = {
      res,
      remoteAddress: o.remoteAddress,
      filter: o.eventTypes.length > 0 ? new Set(o.eventTypes) : undefined,
      cursor: start.cursor,
      waitingForDrain: false,
      closed: false,
    };
    if (start.gap) this.write(client, sseComment(start.gap));
    // Marathon accepts an unknown event_type silently (the stream just never carries it); a
    // comment right away tells a client with a typo why it hears nothing, without breaking any.
    for (const t of new Set(o.eventTypes)) {
      if (!KNOWN_TYPES.has(t)) this.write(client, sseComment(`unknown event_type '${t.slice(0, 200)}'`));
    }
    res.on('drain', () => {
      client.waitingForDrain = false;
      this.pump(client);
    });
    res.on('close', () => this.remove(client));
    res.on('error', () => this.remove(client));

    this.clients.add(client);
    this.unsubscribe ??= this.bus.subscribe(() => this.pumpAll());
    this.scheduleHeartbeat();
    this.pump(client);
    // Emitted after the client is in, so it receives its own attach as Marathon's stream does.
    this.bus.emit('event_stream_attached', { remoteAddress: o.remoteAddress });
  }

  /** Ends every stream (server shutdown); each end is a detach. */
  closeAll(): void {
    for (const c of [...this.clients]) {
      c.res.end();
      this.remove(c);
    }
  }

  private startCursor(raw: string | undefined): { cursor: number; gap?: string } {
    const live = this.bus.lastId + 1;
    const trimmed = raw?.trim();
    if (trimmed === undefined || !/^\d+$/.test(trimmed)) return { cursor: live };
    const after = Number(trimmed);
    // An id at or beyond the newest one has nothing to replay (or came from an earlier master
    // process, whose ids this one does not share).
    if (after >= this.bus.lastId) return { cursor: live };
    const oldest = this.bus.oldestId;
    if (after + 1 < oldest) {
      return { cursor: oldest, gap: `events ${after + 1}..${oldest - 1} are no longer available` };
    }
    return { cursor: after + 1 };
  }

  private pumpAll(): void {
    for (const c of this.clients) this.pump(c);
  }

  private pump(c: Client): void {
    if (c.closed) return;
    const last = this.bus.lastId;
    // Checked even while the socket is full: a client that stopped reading goes once it has lost
    // continuity, instead of holding its connection forever.
    if (c.cursor <= last && c.cursor < this.bus.oldestId) {
      this.drop(c, last);
      return;
    }
    if (c.waitingForDrain) return;
    while (c.cursor <= last) {
      let chunk = '';
      while (c.cursor <= last && chunk.length < this.maxChunk) {
        const e = this.bus.get(c.cursor++) as BusEvent;
        if (!c.filter || c.filter.has(e.eventType)) chunk += this.frames.frame(e);
      }
      if (chunk.length > 0 && !this.write(c, chunk)) {
        c.waitingForDrain = true;
        return;
      }
    }
  }

  private write(c: Client, chunk: string): boolean {
    this.observer.bytesSent?.(Buffer.byteLength(chunk));
    return c.res.write(chunk);
  }

  private drop(c: Client, last: number): void {
    const behind = last - c.cursor + 1;
    this.logger?.warn(
      { remoteAddress: c.remoteAddress, behind },
      'event stream client fell behind the event ring; ending its stream',
    );
    this.observer.clientDropped?.();
    // Ended, not cut: after what is already queued the client reads a clean end of the stream
    // (a cut is a network error to it: a browser logs net::ERR_INCOMPLETE_CHUNKED_ENCODING) and
    // reconnects with Last-Event-ID, which tells it which events it missed. One that has stopped
    // reading never gets to the end, and is cut after a grace period.
    const { res } = c;
    res.end(sseComment(`this client fell ${behind} events behind; reconnect with Last-Event-ID`));
    const cancel = this.clock.setTimer(this.endGraceMs, () => res.destroy());
    res.once('close', cancel);
    this.remove(c);
  }

  private remove(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    this.clients.delete(c);
    this.bus.emit('event_stream_detached', { remoteAddress: c.remoteAddress });
    if (this.clients.size === 0) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      this.cancelHeartbeat?.();
      this.cancelHeartbeat = undefined;
    }
  }

  private scheduleHeartbeat(): void {
    if (this.cancelHeartbeat || this.clients.size === 0) return;
    this.cancelHeartbeat = this.clock.setTimer(this.heartbeatMs, () => {
      this.cancelHeartbeat = undefined;
      for (const c of this.clients) {
        // A client with data still queued needs no keep-alive, and must not get more to hold.
        if (!c.waitingForDrain && !c.closed) this.write(c, sseComment('heartbeat'));
      }
      this.scheduleHeartbeat();
    });
  }
}
