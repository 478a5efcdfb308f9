/** Event subscription queries, dialect-neutral kysely (shared by SQLite and PostgreSQL). */
import type { Kysely } from 'kysely';
import {
  type EventSubscriptionStoreOps,
  type StoredEventSubscription,
  subscriptionOrder,
} from '../event-subscription-port.js';
import { decodeJson, encodeJson } from '../json-value.js';
import type { StoreDatabase } from './schema.js';

export function sqlEventSubscriptionOps(db: Kysely<StoreDatabase>): EventSubscriptionStoreOps {
  return {
    putEventSubscription: async (s) => {
      const json = encodeJson(s);
      await db
        .insertInto('event_subscriptions')
        .values({ callback_url: s.callbackUrl, json })
        .onConflict((oc) => oc.column('callback_url').doUpdateSet({ json }))
        .execute();
    },
    listEventSubscriptions: async () => {
      const rows = await db.selectFrom('event_subscriptions').select('json').execute();
      return rows.map((r) => decodeJson<StoredEventSubscription>(r.json)).sort(subscriptionOrder);
    },
    deleteEventSubscription: async (url) => {
      await db.deleteFrom('event_subscriptions').where('callback_url', '=', url).execute();
    },
  };
}
