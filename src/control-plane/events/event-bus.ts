/**
 * One typed event map (DESIGN.md §5.8) feeds the SSE stream (api/events/event-stream-hub.ts), the
 * log (event-log.ts), metrics (metrics/drover-metrics.ts) and tests. Every event
 * gets a monotonically increasing id so an SSE client can resume with Last-Event-ID; a bounded
 * ring of recent events serves the replay and lets each stream client be just a cursor into it.
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

export class EventBus {
  private nextId = 1;
  /** Circular: event `id` lives at `id % ringSize` while it is among the newest `ringSize`. */
  private readonly ring: Array<BusEvent | undefined>;
  private readonly handlers = new Set<EventHandler>();
  /** Events emitted by a handler while another event is being delivered wait here. */
  private readonly pending: BusEvent[] = [];
  private delivering = false;

  constructor(
    private readonly now: () => number,
    readonly ringSize = DEFAULT_RING_SIZE,
  ) {
    if (!Number.isInteger(ringSize) || ringSize < 1)
      throw new Error(`ring size must be >= 1, got ${ringSize}`);
    this.ring = new Array(ringSize);
  }

  emit<T extends EventType>(eventType: T, payload: DroverEvents[T]): BusEvent<T> {
    const e: BusEvent<T> = {
      id: this.nextId++,
      eventType,
      timestamp: new Date(this.now()).toISOString(),
      payload,
    };
    this.ring[e.id % this.ringSize] = e as BusEvent;
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
    return Math.max(1, this.nextId - this.ringSize);
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
