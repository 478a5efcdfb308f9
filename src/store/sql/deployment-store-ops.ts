/**
 * The deployment queries, dialect-neutral kysely (shared by SQLite and PostgreSQL like
 * store-ops.ts). Ordering is done here, not in SQL, so every adapter sorts the same way.
 */
import type { Kysely } from 'kysely';
import type { DeploymentRecord, RootGroupVersion } from '../../domain/deployment.js';
import type { DeploymentStoreOps } from '../deployment-port.js';
import { decodeJson, encodeJson } from '../json-value.js';
import { byId, newestFirst } from '../version-order.js';
import type { StoreDatabase } from './schema.js';

type Db = Kysely<StoreDatabase>;

export function sqlDeploymentOps(db: Db): DeploymentStoreOps {
  return {
    putDeployment: async (d) => {
      const json = encodeJson(d);
      await db
        .insertInto('deployments')
        .values({ id: d.id, json })
        .onConflict((oc) => oc.column('id').doUpdateSet({ json }))
        .execute();
    },

    listDeployments: async () => {
      const rows = await db.selectFrom('deployments').select(['id', 'json']).execute();
      return byId(rows.map((r) => ({ id: r.id, value: decodeJson<DeploymentRecord>(r.json) })));
    },

    deleteDeployment: async (id) => {
      await db.deleteFrom('deployments').where('id', '=', id).execute();
    },

    putRootGroupVersion: async (r) => {
      const json = encodeJson(r);
      await db
        .insertInto('root_group_versions')
        .values({ version: r.version, json })
        .onConflict((oc) => oc.column('version').doUpdateSet({ json }))
        .execute();
    },

    getRootGroupVersion: async (version) => {
      const row = await db
        .selectFrom('root_group_versions')
        .select('json')
        .where('version', '=', version)
        .executeTakeFirst();
      return row ? decodeJson<RootGroupVersion>(row.json) : undefined;
    },

    listRootGroupVersions: async () => {
      const rows = await db.selectFrom('root_group_versions').select('version').execute();
      return newestFirst(rows.map((r) => r.version));
    },

    deleteRootGroupVersion: async (version) => {
      await db.deleteFrom('root_group_versions').where('version', '=', version).execute();
    },
  };
}
