/**
 * The transaction, concurrency and close parts of the Store contract (run from store.contract.ts
 * for every adapter): a transaction commits all or nothing, concurrent writers never lose a write,
 * and close waits for calls already started.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  perTestStore,
  sampleAgent,
  sampleApp,
  sampleFailure,
  sampleTask,
  V1,
  V2,
} from './contract-support.js';
import type { Store } from './port.js';

class Boom extends Error {}

export function transactionContract(make: () => Promise<Store>): void {
  const withStore = perTestStore(make);

  describe('transactions', () => {
    it(
      'commits every write and returns fn’s result',
      withStore(async (store) => {
        const result = await store.transaction(async (tx) => {
          await tx.putApp(sampleApp('/web'));
          await tx.putTask(sampleTask('web.1', '/web', 'agent-1'));
          await tx.putAgent(sampleAgent('agent-1'));
          await tx.putTaskFailure(sampleFailure('/web'));
          return 42;
        });
        assert.equal(result, 42);
        assert.deepEqual(await store.getApp('/web'), sampleApp('/web'));
        assert.deepEqual(await store.listAppVersions('/web'), [V1]);
        assert.ok(await store.getTask('web.1'));
        assert.ok(await store.getAgent('agent-1'));
        assert.ok(await store.getTaskFailure('/web'));
      }),
    );

    it(
      'sees its own writes before commit',
      withStore(async (store) => {
        await store.putTask(sampleTask('old.1', '/old', 'agent-1'));
        await store.transaction(async (tx) => {
          await tx.putApp(sampleApp('/web'));
          await tx.putTask(sampleTask('web.1', '/web', 'agent-1'));
          await tx.deleteTask('old.1');
          assert.deepEqual(await tx.getApp('/web'), sampleApp('/web'));
          assert.deepEqual(await tx.listAppVersions('/web'), [V1]);
          assert.deepEqual(
            (await tx.listTasks({ agentId: 'agent-1' })).map((t) => t.id),
            ['web.1'],
          );
          assert.equal(await tx.getTask('old.1'), undefined);
        });
      }),
    );

    it(
      'a throw inside fn leaves no write visible and rethrows the same error',
      withStore(async (store) => {
        await store.putApp(sampleApp('/web', V1));
        await store.putTask(sampleTask('web.1', '/web', 'agent-1'));
        await store.putAgent(sampleAgent('agent-1'));
        await store.putTaskFailure(sampleFailure('/web'));
        const boom = new Boom('boom');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.putApp(sampleApp('/web', V2, { instances: 7 }));
            await tx.putApp(sampleApp('/new'));
            await tx.putTask(sampleTask('web.2', '/web', 'agent-1'));
            await tx.deleteTask('web.1');
            await tx.putAgent(sampleAgent('agent-1', { connected: false }));
            await tx.deleteAgent('agent-1');
            await tx.putAgent(sampleAgent('agent-2'));
            await tx.putTaskFailure(sampleFailure('/new'));
            await tx.deleteApp('/web');
            throw boom;
          }),
          (e) => e === boom,
        );
        assert.deepEqual(await store.getApp('/web'), sampleApp('/web', V1));
        assert.deepEqual(await store.listAppVersions('/web'), [V1]);
        assert.equal(await store.getApp('/new'), undefined);
        assert.deepEqual(await store.listAppVersions('/new'), []);
        assert.deepEqual(
          (await store.listTasks()).map((t) => t.id),
          ['web.1'],
        );
        assert.deepEqual(await store.listAgents(), [sampleAgent('agent-1')]);
        assert.deepEqual(await store.getTaskFailure('/web'), sampleFailure('/web'));
        assert.equal(await store.getTaskFailure('/new'), undefined);
      }),
    );

    it(
      'a nested transaction joins the outer one: it commits with it and rolls back with it',
      withStore(async (store) => {
        await store.transaction(async (tx) => {
          await tx.putApp(sampleApp('/a'));
          const inner = await store.transaction(async (tx2) => {
            assert.deepEqual(await tx2.getApp('/a'), sampleApp('/a'));
            await tx2.putApp(sampleApp('/b'));
            return 'inner';
          });
          assert.equal(inner, 'inner');
          assert.ok(await tx.getApp('/b'));
        });
        assert.deepEqual(
          (await store.listApps()).map((a) => a.id),
          ['/a', '/b'],
        );

        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.putApp(sampleApp('/c'));
            await store.transaction(async (tx2) => {
              await tx2.putApp(sampleApp('/d'));
            });
            throw new Boom('outer fails after the inner one finished');
          }),
          Boom,
        );
        assert.deepEqual(
          (await store.listApps()).map((a) => a.id),
          ['/a', '/b'],
        );
      }),
    );

    it(
      'calls on the store itself from inside fn join the transaction (no deadlock, no leak)',
      withStore(async (store) => {
        await assert.rejects(
          store.transaction(async () => {
            await store.putApp(sampleApp('/web'));
            assert.ok(await store.getApp('/web'));
            await store.putTask(sampleTask('web.1', '/web', 'agent-1'));
            throw new Boom('roll back');
          }),
          Boom,
        );
        assert.equal(await store.getApp('/web'), undefined);
        assert.equal(await store.getTask('web.1'), undefined);
      }),
    );

    it(
      'a write from outside waits for an open transaction and is not lost by its commit or rollback',
      withStore(async (store) => {
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => {
          entered = resolve;
        });
        let proceed!: () => void;
        const gate = new Promise<void>((resolve) => {
          proceed = resolve;
        });

        const committing = store.transaction(async (tx) => {
          await tx.putTask(sampleTask('tx.1', '/tx', 'agent-1'));
          entered();
          await gate;
          await tx.putTask(sampleTask('tx.2', '/tx', 'agent-1'));
        });
        await inside;
        const outside = store.putTask(sampleTask('out.1', '/out', 'agent-1'));
        proceed();
        await Promise.all([committing, outside]);

        const failing = store.transaction(async (tx) => {
          await tx.putTask(sampleTask('tx.3', '/tx', 'agent-1'));
          throw new Boom('roll back');
        });
        const outside2 = store.putTask(sampleTask('out.2', '/out', 'agent-1'));
        await assert.rejects(failing, Boom);
        await outside2;

        assert.deepEqual(
          (await store.listTasks()).map((t) => t.id),
          ['out.1', 'out.2', 'tx.1', 'tx.2'],
        );
      }),
    );

    it(
      'concurrent read-modify-write transactions do not lose updates',
      withStore(async (store) => {
        await store.putAgent(sampleAgent('counter', { attributes: { n: '0' } }));
        await Promise.all(
          Array.from({ length: 20 }, () =>
            store.transaction(async (tx) => {
              const agent = (await tx.getAgent('counter'))!;
              await new Promise((resolve) => setImmediate(resolve));
              agent.attributes['n'] = String(Number(agent.attributes['n']) + 1);
              await tx.putAgent(agent);
            }),
          ),
        );
        assert.equal((await store.getAgent('counter'))?.attributes['n'], '20');
      }),
    );
  });

  describe('concurrency', () => {
    it(
      'concurrent writes of different entities are all kept',
      withStore(async (store) => {
        const n = 50;
        await Promise.all([
          ...Array.from({ length: n }, (_, i) =>
            store.putTask(sampleTask(`t.${i}`, '/web', `agent-${i % 3}`)),
          ),
          ...Array.from({ length: n }, (_, i) => store.putApp(sampleApp(`/app-${i}`))),
          ...Array.from({ length: n }, (_, i) =>
            store.putApp(sampleApp('/many', new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString())),
          ),
          ...Array.from({ length: 10 }, (_, i) => store.putAgent(sampleAgent(`agent-${i}`))),
          ...Array.from({ length: 10 }, (_, i) =>
            store.transaction(async (tx) => {
              await tx.putTaskFailure(sampleFailure(`/app-${i}`));
              await tx.putTask(sampleTask(`tx.${i}`, '/tx', 'agent-0'));
            }),
          ),
        ]);
        assert.equal((await store.listTasks({ appId: '/web' })).length, n);
        assert.equal((await store.listTasks({ appId: '/tx' })).length, 10);
        assert.equal((await store.listApps()).length, n + 1);
        assert.equal((await store.listAppVersions('/many')).length, n);
        assert.equal((await store.listAgents()).length, 10);
        for (let i = 0; i < 10; i++) assert.ok(await store.getTaskFailure(`/app-${i}`));
      }),
    );
  });

  describe('close', () => {
    it('waits for calls already started, then refuses new ones', async () => {
      const store = await make();
      const writes = Array.from({ length: 20 }, (_, i) => store.putTask(sampleTask(`t.${i}`, '/web', 'a')));
      const tx = store.transaction(async (t) => {
        await t.putApp(sampleApp('/web'));
      });
      await store.close();
      await Promise.all([...writes, tx]);
      await assert.rejects(store.getApp('/web'));
      await store.close();
    });
  });
}
