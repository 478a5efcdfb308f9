/**
 * The Store's event subscription operations (part of StoreOps): Marathon's
 * `/v2/eventSubscriptions` HTTP callback subscribers, kept durably so they survive a master
 * restart and a failover (the leader delivers; api/event-subscriptions/).
 */

/** One HTTP callback subscriber, keyed by its URL (Marathon keys them by URL too). */
export interface StoredEventSubscription {
  callbackUrl: string;
  /** The address of the client that subscribed. */
  clientIp: string;
  /** Epoch ms of the subscription. */
  subscribedAt: number;
}

export interface EventSubscriptionStoreOps {
  /** Upsert by callbackUrl. */
  putEventSubscription(sub: StoredEventSubscription): Promise<void>;
  /** Ordered by subscribedAt, then callbackUrl. */
  listEventSubscriptions(): Promise<StoredEventSubscription[]>;
  /** Deleting an unknown URL does nothing. */
  deleteEventSubscription(callbackUrl: string): Promise<void>;
}

export const EVENT_SUBSCRIPTION_OP_KINDS: Readonly<
  Record<keyof EventSubscriptionStoreOps, 'read' | 'write'>
> = {
  putEventSubscription: 'write',
  listEventSubscriptions: 'read',
  deleteEventSubscription: 'write',
};

/** Forwards every op through `call` (ambient-transaction.ts routes it to the open transaction). */
export function forwardEventSubscriptionOps(
  call: <T>(op: (ops: EventSubscriptionStoreOps) => Promise<T>) => Promise<T>,
): EventSubscriptionStoreOps {
  return {
    putEventSubscription: (s) => call((o) => o.putEventSubscription(s)),
    listEventSubscriptions: () => call((o) => o.listEventSubscriptions()),
    deleteEventSubscription: (url) => call((o) => o.deleteEventSubscription(url)),
  };
}

/** One order for every adapter. */
export function subscriptionOrder(a: StoredEventSubscription, b: StoredEventSubscription): number {
  if (a.subscribedAt !== b.subscribedAt) return a.subscribedAt - b.subscribedAt;
  return a.callbackUrl < b.callbackUrl ? -1 : a.callbackUrl > b.callbackUrl ? 1 : 0;
}
