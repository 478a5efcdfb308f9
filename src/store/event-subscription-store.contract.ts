/**
 * The event subscription part of the Store contract (run from store.contract.ts for every
 * adapter): upsert by callback URL, a stable order, delete (unknown URL: nothing), rollback.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { perTestStore } from './contract-support.js';
import type { StoredEventSubscription } from './event-subscription-port.js';
import type { Store } from './port.js';

const sub = (callbackUrl: string, subscribedAt: number, clientIp = '127.0.0.1'): StoredEventSubscription => ({
  callbackUrl,
  clientIp,
  subscribedAt,
});

class Boom extends Error {}

export function eventSubscriptionStoreContract(make: () => Promise<Store>): void {
  const withStore = perTestStore(make);

  describe('event subscriptions', () => {
    it(
      'puts (upsert by URL), lists in subscription order, deletes',
      withStore(async (s) => {
        assert.deepEqual(await s.listEventSubscriptions(), []);
        await s.putEventSubscription(sub('http://127.0.0.1:9/b', 2_000));
        await s.putEventSubscription(sub('http://127.0.0.1:9/a', 1_000));
        await s.putEventSubscription(sub('http://127.0.0.1:9/c', 2_000));
        await s.putEventSubscription(sub('http://127.0.0.1:9/a', 1_000, '10.0.0.1'));
        assert.deepEqual(await s.listEventSubscriptions(), [
          sub('http://127.0.0.1:9/a', 1_000, '10.0.0.1'),
          sub('http://127.0.0.1:9/b', 2_000),
          sub('http://127.0.0.1:9/c', 2_000),
        ]);
        await s.deleteEventSubscription('http://127.0.0.1:9/b');
        await s.deleteEventSubscription('http://127.0.0.1:9/unknown');
        assert.deepEqual(
          (await s.listEventSubscriptions()).map((x) => x.callbackUrl),
          ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/c'],
        );
      }),
    );

    it(
      'a failed transaction leaves no subscription behind',
      withStore(async (s) => {
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.putEventSubscription(sub('http://127.0.0.1:9/x', 1));
            throw new Boom('rollback');
          }),
          Boom,
        );
        assert.deepEqual(await s.listEventSubscriptions(), []);
      }),
    );
  });
}
