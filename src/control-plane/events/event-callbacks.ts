/**
 * Marathon's HTTP callback subscribers (`/v2/eventSubscriptions`): every bus event, as the same
 * JSON the SSE stream sends, is POSTed to each subscribed URL, in order, one at a time per
 * subscriber. A failed POST is retried and a subscriber failing for 60 s is dropped
 * (callback-retry-policy.ts decides both), with an `unsubscribe_event` and a warning in the log.
 *
 * Subscriptions are stored (store/event-subscription-port.ts), so they survive a restart and a
 * failover. Only the leader delivers: events are emitted by the leading term's Master on the
 * node's bus, and the API routes run on the leader (standbys proxy them). A new leader reloads the
 * subscriber list from the store before its first delivery (and every REFRESH_MS after), so a
 * subscription made through the previous leader is served.
 */
import type { CancelTimer, Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type {
  EventSubscriptionStoreOps,
  StoredEventSubscription,
} from '../../store/event-subscription-port.js';
import { afterDelivery, type DeliveryHealth, HEALTHY } from './callback-retry-policy.js';
import type { BusEvent, EventBus } from './event-bus.js';

/** POSTs `body` (JSON) to `url`; true when the subscriber answered 2xx. Never throws. */
export type CallbackPost = (url: string, body: string) => Promise<boolean>;

export interface EventCallbacksDeps {
  store: EventSubscriptionStoreOps;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  post: CallbackPost;
  /** Whether this master leads now (standbys keep no subscriber state and deliver nothing). */
  leads: () => boolean;
  /** Events queued per subscriber at most; the oldest go first when a slow one exceeds it. */
  maxQueue?: number;
}

const REFRESH_MS = 5_000;
const DEFAULT_MAX_QUEUE = 10_000;

interface Subscriber {
  sub: StoredEventSubscription;
  queue: BusEvent[];
  health: DeliveryHealth;
  busy: boolean;
  retry?: CancelTimer;
  gone: boolean;
}

export class EventCallbacks {
  private readonly subscribers = new Map<string, Subscriber>();
  private loadedAt: number | undefined;
  private loading: Promise<void> | undefined;
  private readonly unsubscribeBus: () => void;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: EventCallbacksDeps) {
    this.unsubscribeBus = deps.events.subscribe((e) => this.onEvent(e));
  }

  /** `POST /v2/eventSubscriptions?callbackUrl=`: stores it and announces it (the new subscriber gets it too). */
  async subscribe(callbackUrl: string, clientIp: string): Promise<BusEvent<'subscribe_event'>> {
    const sub: StoredEventSubscription = { callbackUrl, clientIp, subscribedAt: this.deps.clock.now() };
    await this.deps.store.putEventSubscription(sub);
    await this.ensureLoaded();
    if (!this.subscribers.has(callbackUrl)) this.subscribers.set(callbackUrl, fresh(sub));
    return this.deps.events.emit('subscribe_event', { clientIp, callbackUrl });
  }

  /** `DELETE /v2/eventSubscriptions?callbackUrl=`: as Marathon, answered with the event even for an unknown URL. */
  async unsubscribe(callbackUrl: string, clientIp: string): Promise<BusEvent<'unsubscribe_event'>> {
    await this.deps.store.deleteEventSubscription(callbackUrl);
    this.forget(callbackUrl);
    return this.deps.events.emit('unsubscribe_event', { clientIp, callbackUrl });
  }

  async list(): Promise<string[]> {
    return (await this.deps.store.listEventSubscriptions()).map((s) => s.callbackUrl);
  }

  /** Resolves when every POST started so far has settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.unsubscribeBus();
    for (const url of [...this.subscribers.keys()]) this.forget(url);
  }

  private onEvent(e: BusEvent): void {
    if (!this.deps.leads()) {
      // A standby (or a deposed leader) forgets: the next term reloads from the store.
      if (this.loadedAt !== undefined) for (const url of [...this.subscribers.keys()]) this.forget(url);
      this.loadedAt = undefined;
      return;
    }
    const stale = this.loadedAt === undefined || this.deps.clock.now() - this.loadedAt >= REFRESH_MS;
    if (stale && !this.loading) this.track(this.ensureLoaded(true));
    const pending = this.loading;
    if (pending) {
      // Deliver after the list is known, in order; those subscribed meanwhile get it then too.
      this.track(pending.then(() => this.enqueue(e)));
    } else this.enqueue(e);
  }

  private enqueue(e: BusEvent): void {
    const max = this.deps.maxQueue ?? DEFAULT_MAX_QUEUE;
    for (const s of this.subscribers.values()) {
      s.queue.push(e);
      if (s.queue.length > max) s.queue.shift();
      this.pump(s);
    }
  }

  private ensureLoaded(force = false): Promise<void> {
    if (!force && this.loadedAt !== undefined) return Promise.resolve();
    if (this.loading) return this.loading;
    this.loading = this.deps.store
      .listEventSubscriptions()
      .then((subs) => {
        const stored = new Set(subs.map((s) => s.callbackUrl));
        for (const url of [...this.subscribers.keys()]) if (!stored.has(url)) this.forget(url);
        for (const s of subs)
          if (!this.subscribers.has(s.callbackUrl)) this.subscribers.set(s.callbackUrl, fresh(s));
        this.loadedAt = this.deps.clock.now();
      })
      .catch((err) => this.deps.logger.warn({ err }, 'event subscriptions: cannot load the subscribers'))
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private pump(s: Subscriber): void {
    if (s.busy || s.gone || s.retry || s.queue.length === 0) return;
    s.busy = true;
    const e = s.queue[0]!;
    const url = s.sub.callbackUrl;
    this.track(
      this.deps
        .post(url, JSON.stringify({ ...e.payload, eventType: e.eventType, timestamp: e.timestamp }))
        .catch(() => false)
        .then((ok) => {
          s.busy = false;
          if (s.gone) return;
          const step = afterDelivery(s.health, ok, this.deps.clock.now());
          s.health = step.health;
          if (step.kind === 'next') {
            s.queue.shift();
            this.pump(s);
          } else if (step.kind === 'retry') {
            s.retry = this.deps.clock.setTimer(step.inMs, () => {
              s.retry = undefined;
              this.pump(s);
            });
          } else {
            this.deps.logger.warn(
              { callbackUrl: url, failingForMs: step.failingForMs, failures: step.health.failures },
              'event subscriber dropped: its callback failed for 60 s',
            );
            this.track(this.drop(url, s.sub.clientIp));
          }
        }),
    );
  }

  private async drop(url: string, clientIp: string): Promise<void> {
    this.forget(url);
    try {
      await this.deps.store.deleteEventSubscription(url);
    } catch (err) {
      this.deps.logger.warn(
        { err, callbackUrl: url },
        'event subscriptions: cannot delete a dropped subscriber',
      );
    }
    this.deps.events.emit('unsubscribe_event', { clientIp, callbackUrl: url });
  }

  private forget(url: string): void {
    const s = this.subscribers.get(url);
    if (!s) return;
    s.gone = true;
    s.retry?.();
    s.retry = undefined;
    s.queue = [];
    this.subscribers.delete(url);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}

function fresh(sub: StoredEventSubscription): Subscriber {
  return { sub, queue: [], health: HEALTHY, busy: false, gone: false };
}

/** The real POST: JSON body, 5 s timeout, 2xx is success; the response body is discarded. */
export function httpCallbackPost(timeoutMs = 5_000): CallbackPost {
  return async (url, body) => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  };
}
