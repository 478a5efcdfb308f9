/**
 * The memory store's event subscription table (memory-store.ts mixes it in): JSON text by
 * callback URL, like every other memory table.
 */
import {
  type EventSubscriptionStoreOps,
  type StoredEventSubscription,
  subscriptionOrder,
} from './event-subscription-port.js';
import { decodeJson, encodeJson } from './json-value.js';

export interface EventSubscriptionTables {
  eventSubscriptions: Map<string, string>;
}

export function emptyEventSubscriptionTables(): EventSubscriptionTables {
  return { eventSubscriptions: new Map() };
}

interface Access {
  read<K extends keyof EventSubscriptionTables>(name: K): EventSubscriptionTables[K];
  write<K extends keyof EventSubscriptionTables>(name: K): EventSubscriptionTables[K];
}

type Run = <T>(body: () => T) => Promise<T>;

export function memoryEventSubscriptionOps(t: Access, run: Run): EventSubscriptionStoreOps {
  return {
    putEventSubscription: (s) => {
      const json = encodeJson(s);
      return run(() => {
        t.write('eventSubscriptions').set(s.callbackUrl, json);
      });
    },
    listEventSubscriptions: () =>
      run(() =>
        [...t.read('eventSubscriptions').values()]
          .map((j) => decodeJson<StoredEventSubscription>(j))
          .sort(subscriptionOrder),
      ),
    deleteEventSubscription: (url) =>
      run(() => {
        t.write('eventSubscriptions').delete(url);
      }),
  };
}
