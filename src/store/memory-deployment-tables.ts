/**
 * The memory store's deployment tables and ops (memory-store.ts mixes them in): JSON text by key,
 * like every other memory table, so callers never share objects with the store.
 */
import type { DeploymentRecord, RootGroupVersion } from '../domain/deployment.js';
import type { DeploymentStoreOps } from './deployment-port.js';
import { decodeJson, encodeJson } from './json-value.js';
import { newestFirst } from './version-order.js';

export interface DeploymentTables {
  deployments: Map<string, string>;
  rootGroupVersions: Map<string, string>;
}

export function emptyDeploymentTables(): DeploymentTables {
  return { deployments: new Map(), rootGroupVersions: new Map() };
}

interface Access {
  read<K extends keyof DeploymentTables>(name: K): DeploymentTables[K];
  write<K extends keyof DeploymentTables>(name: K): DeploymentTables[K];
}

type Run = <T>(body: () => T) => Promise<T>;

export function memoryDeploymentOps(t: Access, run: Run): DeploymentStoreOps {
  return {
    putDeployment: (d) => {
      const json = encodeJson(d);
      return run(() => {
        t.write('deployments').set(d.id, json);
      });
    },
    listDeployments: () =>
      run(() =>
        [...t.read('deployments')]
          .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
          .map(([, json]) => decodeJson<DeploymentRecord>(json)),
      ),
    deleteDeployment: (id) =>
      run(() => {
        t.write('deployments').delete(id);
      }),
    putRootGroupVersion: (r) => {
      const json = encodeJson(r);
      return run(() => {
        t.write('rootGroupVersions').set(r.version, json);
      });
    },
    getRootGroupVersion: (version) =>
      run(() => {
        const json = t.read('rootGroupVersions').get(version);
        return json === undefined ? undefined : decodeJson<RootGroupVersion>(json);
      }),
    listRootGroupVersions: () => run(() => newestFirst(t.read('rootGroupVersions').keys())),
    deleteRootGroupVersion: (version) =>
      run(() => {
        t.write('rootGroupVersions').delete(version);
      }),
  };
}
