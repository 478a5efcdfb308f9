/**
 * The deployment part of the Store contract (run from store.contract.ts for every adapter):
 * running deployments by id, root group versions newest first, copies in and out, and both inside
 * a transaction that rolls back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeploymentRecord, RootGroupVersion } from '../domain/deployment.js';
import { perTestStore } from './contract-support.js';
import type { Store } from './port.js';

const V1 = '2026-01-01T00:00:00.000Z';
const V2 = '2026-01-02T00:00:00.000Z';

export function sampleDeployment(id: string, over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    id,
    version: V1,
    affectedApps: ['/web'],
    steps: [{ actions: [{ action: 'RestartApplication', app: '/web' }] }],
    currentStep: 1,
    original: { apps: [], groups: [{ id: '/', dependencies: [], version: V1 }] },
    target: { apps: [], groups: [{ id: '/', dependencies: [], version: V1 }] },
    ...over,
  };
}

export function sampleRootVersion(version: string): RootGroupVersion {
  return {
    version,
    groups: [
      { id: '/', dependencies: [], version },
      { id: '/prod', dependencies: ['/db'], version },
    ],
    apps: [{ id: '/prod/web', version }],
  };
}

class Boom extends Error {}

export function deploymentStoreContract(make: () => Promise<Store>): void {
  const withStore = perTestStore(make);

  describe('deployments', () => {
    it(
      'puts (upserts), lists by id and deletes deployments',
      withStore(async (s) => {
        assert.deepEqual(await s.listDeployments(), []);
        await s.putDeployment(sampleDeployment('b'));
        await s.putDeployment(sampleDeployment('a'));
        await s.putDeployment(sampleDeployment('b', { currentStep: 2 }));
        const listed = await s.listDeployments();
        assert.deepEqual(
          listed.map((d) => [d.id, d.currentStep]),
          [
            ['a', 1],
            ['b', 2],
          ],
        );
        assert.deepEqual(listed[0], sampleDeployment('a'));
        await s.deleteDeployment('a');
        await s.deleteDeployment('unknown');
        assert.deepEqual(
          (await s.listDeployments()).map((d) => d.id),
          ['b'],
        );
      }),
    );

    it(
      'keeps root group versions newest first, each as put',
      withStore(async (s) => {
        assert.deepEqual(await s.listRootGroupVersions(), []);
        await s.putRootGroupVersion(sampleRootVersion(V1));
        await s.putRootGroupVersion(sampleRootVersion(V2));
        assert.deepEqual(await s.listRootGroupVersions(), [V2, V1]);
        assert.deepEqual(await s.getRootGroupVersion(V1), sampleRootVersion(V1));
        assert.equal(await s.getRootGroupVersion('2020-01-01T00:00:00.000Z'), undefined);
        await s.deleteRootGroupVersion(V1);
        assert.deepEqual(await s.listRootGroupVersions(), [V2]);
      }),
    );

    it(
      'stores copies: changing a value after put or get changes nothing stored',
      withStore(async (s) => {
        const d = sampleDeployment('d');
        await s.putDeployment(d);
        d.currentStep = 9;
        const [got] = await s.listDeployments();
        assert.equal(got?.currentStep, 1);
        got!.affectedApps.push('/x');
        assert.deepEqual((await s.listDeployments())[0]?.affectedApps, ['/web']);
      }),
    );

    it(
      'writes nothing when the transaction fails',
      withStore(async (s) => {
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.putDeployment(sampleDeployment('d'));
            await tx.putRootGroupVersion(sampleRootVersion(V1));
            throw new Boom();
          }),
          Boom,
        );
        assert.deepEqual(await s.listDeployments(), []);
        assert.deepEqual(await s.listRootGroupVersions(), []);
        await s.transaction(async (tx) => {
          await tx.putDeployment(sampleDeployment('d'));
          await tx.putRootGroupVersion(sampleRootVersion(V1));
        });
        assert.equal((await s.listDeployments()).length, 1);
        assert.deepEqual(await s.listRootGroupVersions(), [V1]);
      }),
    );
  });
}
