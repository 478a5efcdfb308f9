/**
 * The memory store's security tables and ops (memory-store.ts mixes them in): JSON text by key,
 * like every other memory table, so callers never share objects with the store.
 */
import { decodeJson, encodeJson } from './json-value.js';
import { type AuditEntry, auditOrder, type SecurityStoreOps, type StoredSecret } from './security-port.js';

export interface SecurityTables {
  audit: Map<string, string>;
  secrets: Map<string, string>;
  agentCredentials: Map<string, string>;
}

export function emptySecurityTables(): SecurityTables {
  return { audit: new Map(), secrets: new Map(), agentCredentials: new Map() };
}

interface Access {
  read<K extends keyof SecurityTables>(name: K): SecurityTables[K];
  write<K extends keyof SecurityTables>(name: K): SecurityTables[K];
}

type Run = <T>(body: () => T) => Promise<T>;

export function memorySecurityOps(t: Access, run: Run): SecurityStoreOps {
  const allAudit = () => [...t.read('audit').values()].map((j) => decodeJson<AuditEntry>(j));
  return {
    appendAudit: (e) => {
      const json = encodeJson(e);
      return run(() => {
        t.write('audit').set(e.id, json);
      });
    },
    listAudit: (q) =>
      run(() =>
        allAudit()
          .filter((e) => q.since === undefined || e.at >= q.since)
          .sort(auditOrder)
          .slice(0, Math.max(0, q.limit)),
      ),
    pruneAudit: (before) =>
      run(() => {
        const old = allAudit().filter((e) => e.at < before);
        const table = t.write('audit');
        for (const e of old) table.delete(e.id);
        return old.length;
      }),
    putSecret: (s) => {
      const json = encodeJson(s);
      return run(() => {
        t.write('secrets').set(s.name, json);
      });
    },
    getSecret: (name) =>
      run(() => {
        const json = t.read('secrets').get(name);
        return json === undefined ? undefined : decodeJson<StoredSecret>(json);
      }),
    listSecrets: () =>
      run(() =>
        [...t.read('secrets')]
          .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
          .map(([, json]) => decodeJson<StoredSecret>(json)),
      ),
    deleteSecret: (name) =>
      run(() => {
        t.write('secrets').delete(name);
      }),
    putAgentCredential: (id, hash) =>
      run(() => {
        t.write('agentCredentials').set(id, hash);
      }),
    getAgentCredential: (id) => run(() => t.read('agentCredentials').get(id)),
  };
}
