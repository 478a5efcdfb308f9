/**
 * One typed event map (DESIGN.md §5.8) feeds the SSE stream, logs, metrics and tests. Every event
 * gets a monotonically increasing id so an SSE client can resume with Last-Event-ID; a bounded
 * ring of recent events serves the replay.
 */

/**
 * Marathon's event types and their payloads (without eventType/timestamp, which the bus adds).
 * Extend this map when adding an event; emitters and subscribers are type-checked against it.
 */
export interface DroverEvents {
  status_update_event: {
    slaveId: string;
    taskId: string;
    taskStatus: string;
    message: string;
    appId: string;
    host: string;
    ipAddresses: Array<{ ipAddress: string; protocol: string }>;
    ports: number[];
    version: string;
  };
  api_post_event: { clientIp: string; uri: string; appDefinition: unknown };
}

export type EventType = keyof DroverEvents;

export interface BusEvent<T extends EventType = EventType> {
  id: number;
  eventType: T;
  /** ISO time. */
  timestamp: string;
  payload: DroverEvents[T];
}

export type EventHandler = (e: BusEvent) => void;

export class EventBus {
  private nextId = 1;
  private readonly ring: BusEvent[] = [];
  private readonly handlers = new Set<EventHandler>();

  constructor(
    private readonly now: () => number,
    private readonly ringSize = 10_000,
  ) {}

  emit<T extends EventType>(eventType: T, payload: DroverEvents[T]): BusEvent<T> {
    const e: BusEvent<T> = {
      id: this.nextId++,
      eventType,
      timestamp: new Date(this.now()).toISOString(),
      payload,
    };
    this.ring.push(e);
    if (this.ring.length > this.ringSize) this.ring.shift();
    for (const h of this.handlers) {
      try {
        h(e);
      } catch {
        // A failing subscriber must not break the emitter or the other subscribers.
      }
    }
    return e;
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Events after `id` still in the ring (for Last-Event-ID resume). */
  since(id: number): BusEvent[] {
    return this.ring.filter((e) => e.id > id);
  }

  get lastId(): number {
    return this.nextId - 1;
  }
}
