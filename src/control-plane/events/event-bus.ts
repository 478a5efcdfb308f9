/**
 * One typed event map (DESIGN.md §5.8) feeds the SSE stream (api/events/event-stream-hub.ts), the
 * log (event-log.ts), metrics (metrics/drover-metrics.ts) and tests. Every event
 * gets a monotonically increasing id so an SSE client can resume with Last-Event-ID; a bounded
 * ring of recent events serves the replay and lets each stream client be just a cursor into it.
 * The ring is bounded by count and by bytes (the JSON size of the payloads): events carry whole app
 * definitions, and 10,000 of them of a few MB each once drove a replaying master to 2.5 GB.
 */
import type { DroverEvents } from './event-types.js';

export type { DroverEvents } from './event-types.js';

export type EventType = keyof DroverEvents;

export interface BusEvent<T extends EventType = EventType> {
  id: number;
  eventType: T;
  /** ISO time. */
  timestamp: string;
  payload: DroverEvents[T];
}

export type EventHandler = (e: BusEvent) => void;

export const DEFAULT_RING_SIZE = 10_000;
/** 32 MiB of payload JSON; the newest event is always kept, however large. */
export const DEFAULT_RING_BYTES = 32 * 1024 * 1024;

export class EventBus {
  private nextId = 1;
  /** Circular: event `id` lives at `id % ringSize` while it is among the newest `ringSize`. */
  private readonly ring: Array<BusEvent | undefined>;
  /** Payload JSON length of the event in the same slot. */
  private readonly sizes: number[];
  private ringBytes = 0;
  private oldest = 1;
  private readonly handlers = new Set<EventHandler>();
  /** Events emitted by a handler while another event is being delivered wait here. */
  private readonly pending: BusEvent[] = [];
  private delivering = false;

  constructor(
    private readonly now: () => number,
    readonly ringSize = DEFAULT_RING_SIZE,
    readonly maxRingBytes = DEFAULT_RING_BYTES,
  ) {
    if (!Number.isInteger(ringSize) || ringSize < 1)
      throw new Error(`ring size must be >= 1, got ${ringSize}`);
    this.ring = new Array(ringSize);
    this.sizes = new Array(ringSize).fill(0);
  }

  emit<T extends EventType>(eventType: T, payload: DroverEvents[T]): BusEvent<T> {
    const e: BusEvent<T> = {
      id: this.nextId++,
      eventType,
      timestamp: new Date(this.now()).toISOString(),
      payload,
    };
    // The slot's previous event (id - ringSize) leaves the ring now, if it had not already.
    if (e.id - this.ringSize >= this.oldest) this.evictOldest();
    const slot = e.id % this.ringSize;
    this.ring[slot] = e as BusEvent;
    this.sizes[slot] = JSON.stringify(payload)?.length ?? 0;
    this.ringBytes += this.sizes[slot];
    while (this.ringBytes > this.maxRingBytes && this.oldest < e.id) this.evictOldest();
    this.pending.push(e as BusEvent);
    // A handler that emits (a metrics hook, a stream that detaches) must not make later handlers
    // see the inner event before the outer one: every subscriber sees ids in increasing order.
    if (!this.delivering) this.drain();
    return e;
  }

  subscribe(handler: EventHandler): () => void {
    // Wrapped so the same function may subscribe twice and each unsubscribe removes one.
    const h: EventHandler = (e) => handler(e);
    this.handlers.add(h);
    return () => {
      this.handlers.delete(h);
    };
  }

  /** Events after `id` still in the ring, oldest first (for Last-Event-ID resume). */
  since(id: number): BusEvent[] {
    const out: BusEvent[] = [];
    for (let i = Math.max(id + 1, this.oldestId); i <= this.lastId; i++) {
      const e = this.get(i);
      if (e) out.push(e);
    }
    return out;
  }

  /** The event with this id while it is in the ring. */
  get(id: number): BusEvent | undefined {
    if (id < this.oldestId || id > this.lastId) return undefined;
    return this.ring[id % this.ringSize];
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  /** Oldest id still in the ring (lastId + 1 while nothing was emitted). */
  get oldestId(): number {
    return this.oldest;
  }

  /** Payload bytes the ring holds now (for tests and metrics). */
  get bytesHeld(): number {
    return this.ringBytes;
  }

  private evictOldest(): void {
    const slot = this.oldest % this.ringSize;
    this.ringBytes -= this.sizes[slot] ?? 0;
    this.sizes[slot] = 0;
    this.ring[slot] = undefined;
    this.oldest++;
  }

  get subscriberCount(): number {
    return this.handlers.size;
  }

  private drain(): void {
    this.delivering = true;
    try {
      for (let e = this.pending.shift(); e; e = this.pending.shift()) {
        for (const h of this.handlers) {
          try {
            h(e);
          } catch {
            // A failing subscriber must not break the emitter or the other subscribers.
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }
}
