/**
 * The audit log, secret and agent credential queries, dialect-neutral kysely (shared by SQLite and
 * PostgreSQL like store-ops.ts). Ordering ties are broken here, not in SQL, so every adapter sorts
 * the same way.
 */
import type { Kysely } from 'kysely';
import { decodeJson, encodeJson } from '../json-value.js';
import { type AuditEntry, auditOrder, type SecurityStoreOps } from '../security-port.js';
import type { StoreDatabase } from './schema.js';

type Db = Kysely<StoreDatabase>;

export function sqlSecurityOps(db: Db): SecurityStoreOps {
  return {
    appendAudit: async (e) => {
      await db
        .insertInto('audit_log')
        .values({ id: e.id, at: e.at, json: encodeJson(e) })
        .execute();
    },

    listAudit: async (q) => {
      let query = db
        .selectFrom('audit_log')
        .select('json')
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(0, q.limit));
      if (q.since !== undefined) query = query.where('at', '>=', q.since);
      const rows = await query.execute();
      return rows.map((r) => decodeJson<AuditEntry>(r.json)).sort(auditOrder);
    },

    pruneAudit: async (before) => {
      const result = await db.deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    putSecret: async (s) => {
      const row = { version: s.version, sealed: s.sealed, updated_at: s.updatedAt };
      await db
        .insertInto('secrets')
        .values({ name: s.name, ...row })
        .onConflict((oc) => oc.column('name').doUpdateSet(row))
        .execute();
    },

    getSecret: async (name) => {
      const row = await db.selectFrom('secrets').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toSecret(row) : undefined;
    },

    listSecrets: async () => {
      const rows = await db.selectFrom('secrets').selectAll().execute();
      return rows.map(toSecret).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    deleteSecret: async (name) => {
      await db.deleteFrom('secrets').where('name', '=', name).execute();
    },

    putAgentCredential: async (agentId, hash) => {
      await db
        .insertInto('agent_credentials')
        .values({ agent_id: agentId, hash })
        .onConflict((oc) => oc.column('agent_id').doUpdateSet({ hash }))
        .execute();
    },

    getAgentCredential: async (agentId) => {
      const row = await db
        .selectFrom('agent_credentials')
        .select('hash')
        .where('agent_id', '=', agentId)
        .executeTakeFirst();
      return row?.hash;
    },
  };
}

function toSecret(row: { name: string; version: number | string; sealed: string; updated_at: string }) {
  return { name: row.name, version: Number(row.version), sealed: row.sealed, updatedAt: row.updated_at };
}
