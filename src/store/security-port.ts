/**
 * The Store's security operations (part of StoreOps): the audit log of mutating API calls, the
 * encrypted secrets, and the hashes of the per-agent credentials. The store keeps what it is
 * given: it never sees a secret's value (only ciphertext sealed by api/secrets/secret-cipher.ts)
 * nor an agent's credential (only its hash).
 */

/** One mutating API call: who, what, when, from where, and how it ended. */
export interface AuditEntry {
  /** Unique; orders entries of the same millisecond. */
  id: string;
  /** Epoch ms. */
  at: number;
  /** The credential's name (`alice`, a token's name) or `anonymous` on an open API. */
  who: string;
  role: string;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The app, group, job, deployment or secret the call names, when it names one. */
  target?: string;
  /** The client's address. */
  remote: string;
  status: number;
}

export interface AuditQuery {
  /** Newest first, at most this many. */
  limit: number;
  /** Only entries at or after this epoch ms. */
  since?: number;
}

/** A secret as stored: the value sealed (AES-256-GCM), never in plain text. */
export interface StoredSecret {
  name: string;
  /** 1 on the first put, +1 on each later put. */
  version: number;
  /** Sealed value (api/secrets/secret-cipher.ts), bound to `name`. */
  sealed: string;
  /** ISO time of the last put. */
  updatedAt: string;
}

export interface SecurityStoreOps {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Deletes entries older than `before` (epoch ms); returns how many went. */
  pruneAudit(before: number): Promise<number>;

  /** Upsert by name (the caller sets the version). */
  putSecret(secret: StoredSecret): Promise<void>;
  getSecret(name: string): Promise<StoredSecret | undefined>;
  /** Ordered by name. */
  listSecrets(): Promise<StoredSecret[]>;
  /** Deleting an unknown name does nothing. */
  deleteSecret(name: string): Promise<void>;

  /** The hash of the credential the master issued to an agent at its first registration. */
  putAgentCredential(agentId: string, hash: string): Promise<void>;
  getAgentCredential(agentId: string): Promise<string | undefined>;
}

export const SECURITY_OP_KINDS: Readonly<Record<keyof SecurityStoreOps, 'read' | 'write'>> = {
  appendAudit: 'write',
  listAudit: 'read',
  pruneAudit: 'write',
  putSecret: 'write',
  getSecret: 'read',
  listSecrets: 'read',
  deleteSecret: 'write',
  putAgentCredential: 'write',
  getAgentCredential: 'read',
};

/** Newest first, then by id descending: one order for every adapter. */
export function auditOrder(a: AuditEntry, b: AuditEntry): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
