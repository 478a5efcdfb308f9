/**
 * The security part of the Store contract (run from store.contract.ts for every adapter): the audit
 * log newest first with its limit, since and pruning; sealed secrets by name with versions; agent
 * credential hashes; and all of them rolled back with a failed transaction.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { perTestStore } from './contract-support.js';
import type { Store } from './port.js';
import type { AuditEntry, StoredSecret } from './security-port.js';

export function sampleAudit(id: string, at: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    at,
    who: 'alice',
    role: 'deployer',
    method: 'POST',
    path: '/v2/apps',
    target: '/web',
    remote: '127.0.0.1',
    status: 201,
    ...over,
  };
}

function sampleSecret(name: string, version = 1): StoredSecret {
  return { name, version, sealed: `v1.sealed-${name}-${version}`, updatedAt: '2026-01-01T00:00:00.000Z' };
}

class Boom extends Error {}

export function securityStoreContract(make: () => Promise<Store>): void {
  const withStore = perTestStore(make);

  describe('audit log', () => {
    it(
      'lists entries newest first, with limit and since, and prunes by age',
      withStore(async (s) => {
        assert.deepEqual(await s.listAudit({ limit: 10 }), []);
        await s.appendAudit(sampleAudit('a', 1_000));
        await s.appendAudit(sampleAudit('c', 3_000, { who: 'bob', status: 403 }));
        await s.appendAudit(sampleAudit('b', 2_000));
        await s.appendAudit(sampleAudit('d', 3_000));
        const all = await s.listAudit({ limit: 10 });
        assert.deepEqual(
          all.map((e) => e.id),
          ['d', 'c', 'b', 'a'],
        );
        assert.deepEqual(all[1], sampleAudit('c', 3_000, { who: 'bob', status: 403 }));
        assert.deepEqual(
          (await s.listAudit({ limit: 2 })).map((e) => e.id),
          ['d', 'c'],
        );
        assert.deepEqual(
          (await s.listAudit({ limit: 10, since: 2_000 })).map((e) => e.id),
          ['d', 'c', 'b'],
        );
        assert.equal(await s.pruneAudit(2_500), 2);
        assert.deepEqual(
          (await s.listAudit({ limit: 10 })).map((e) => e.id),
          ['d', 'c'],
        );
        assert.equal(await s.pruneAudit(0), 0);
      }),
    );
  });

  describe('secrets', () => {
    it(
      'puts (upserts), gets, lists by name and deletes sealed secrets',
      withStore(async (s) => {
        assert.equal(await s.getSecret('db'), undefined);
        await s.putSecret(sampleSecret('db'));
        await s.putSecret(sampleSecret('api/key'));
        await s.putSecret(sampleSecret('db', 2));
        assert.deepEqual(await s.getSecret('db'), sampleSecret('db', 2));
        assert.deepEqual(
          (await s.listSecrets()).map((x) => [x.name, x.version]),
          [
            ['api/key', 1],
            ['db', 2],
          ],
        );
        await s.deleteSecret('db');
        await s.deleteSecret('never-there');
        assert.equal(await s.getSecret('db'), undefined);
        assert.deepEqual(
          (await s.listSecrets()).map((x) => x.name),
          ['api/key'],
        );
      }),
    );
  });

  describe('agent credentials', () => {
    it(
      'keeps one hash per agent, replaced by a later put',
      withStore(async (s) => {
        assert.equal(await s.getAgentCredential('agent-1'), undefined);
        await s.putAgentCredential('agent-1', 'hash-1');
        await s.putAgentCredential('agent-2', 'hash-2');
        await s.putAgentCredential('agent-1', 'hash-3');
        assert.equal(await s.getAgentCredential('agent-1'), 'hash-3');
        assert.equal(await s.getAgentCredential('agent-2'), 'hash-2');
      }),
    );
  });

  it(
    'a failed transaction leaves no audit entry, secret or credential behind',
    withStore(async (s) => {
      await assert.rejects(
        s.transaction(async (tx) => {
          await tx.appendAudit(sampleAudit('x', 1));
          await tx.putSecret(sampleSecret('x'));
          await tx.putAgentCredential('x', 'h');
          throw new Boom();
        }),
        Boom,
      );
      assert.deepEqual(await s.listAudit({ limit: 10 }), []);
      assert.equal(await s.getSecret('x'), undefined);
      assert.equal(await s.getAgentCredential('x'), undefined);
    }),
  );
}
