/**
 * The audit log: every call that may change something (any method but GET, HEAD and OPTIONS) is
 * recorded once answered, refused ones included: who (the credential's name and role), what
 * (method, path, the id it names), when, from where, and the status. Entries live in the store
 * (audit_log) for `retentionMs`, and admins read them at `GET /v2/audit?limit=&since=`.
 *
 * A failed write is logged and never fails the call it records: the call already happened.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DroverError } from '../domain/errors.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { AuditEntry, SecurityStoreOps } from '../store/security-port.js';
import { principalOf } from './auth.js';
import { isPlainObject } from './json-body.js';
import { forwardedToLeader, VIA_HEADER } from './leader-proxy.js';
import { nonNegativeIntParam, oneValue } from './query-params.js';
import type { QueryRoute } from './route-generics.js';

export interface AuditDeps {
  store: Pick<SecurityStoreOps, 'appendAudit' | 'listAudit' | 'pruneAudit'>;
  clock: Clock;
  newId: () => string;
  /** Entries older than this are pruned. */
  retentionMs: number;
  logger?: Logger;
}

export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAudit(app: FastifyInstance, deps: AuditDeps): void {
  let prunedAt = Number.NEGATIVE_INFINITY;

  app.addHook('onResponse', async (req, reply) => {
    if (READS.has(req.method)) return;
    const path = req.url.split('?')[0] ?? req.url;
    if (path === '/ping') return;
    // A standby passed it on: the leader records it, once.
    if (forwardedToLeader(req)) return;
    const who = principalOf(req);
    const now = deps.clock.now();
    const target = targetOf(req, path);
    const entry: AuditEntry = {
      id: deps.newId(),
      at: now,
      who: who.name,
      role: who.role,
      method: req.method,
      path,
      ...(target !== undefined ? { target } : {}),
      remote: remoteOf(req),
      status: reply.statusCode,
    };
    try {
      await deps.store.appendAudit(entry);
      if (now - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = now;
        await deps.store.pruneAudit(now - deps.retentionMs);
      }
    } catch (err) {
      deps.logger?.error({ err, method: req.method, path }, 'cannot record the call in the audit log');
    }
  });

  app.get<QueryRoute>('/v2/audit', async (req) => {
    const q = req.query;
    const limit = nonNegativeIntParam(q, 'limit', 10_000) ?? 100;
    const since = sinceParam(oneValue(q, 'since'));
    const entries = await deps.store.listAudit({ limit, ...(since !== undefined ? { since } : {}) });
    return {
      entries: entries.map(({ id: _id, at, ...rest }) => ({ at: new Date(at).toISOString(), ...rest })),
    };
  });
}

/**
 * The address the call came from. Through a standby, the socket's address is the standby's, and
 * the client's is only what the standby says (X-Forwarded-For, which anyone can also send): both
 * are kept, the one seen first, so a forged header never hides where a call really came from.
 */
function remoteOf(req: FastifyRequest): string {
  const via = req.headers[VIA_HEADER];
  const claimed = req.headers['x-forwarded-for'];
  if (via === undefined || claimed === undefined) return req.ip;
  const forwardedFor = (Array.isArray(claimed) ? claimed.join(', ') : claimed).slice(0, 200);
  return `${req.ip} (via ${Array.isArray(via) ? via.join(', ') : via}, for ${forwardedFor})`.slice(0, 400);
}

/** ISO 8601 time or epoch milliseconds. */
function sinceParam(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) {
    throw new DroverError(
      'BAD_REQUEST',
      `Query parameter 'since' must be an ISO 8601 time or epoch ms, got '${v}'`,
    );
  }
  return t;
}

/** The id a call names: the body's `id` (apps, groups) or `name` (jobs), else the path past the collection. */
function targetOf(req: FastifyRequest, path: string): string | undefined {
  const body = req.body;
  if (isPlainObject(body)) {
    if (typeof body.id === 'string') return body.id.slice(0, 512);
    if (typeof body.name === 'string') return body.name.slice(0, 512);
  }
  const m =
    /^(?:\/v1)?\/(?:v2\/(apps|groups|deployments|secrets|agents|queue|tasks)|scheduler\/job)(\/.+)$/.exec(
      path,
    );
  if (!m?.[2]) return undefined;
  const action = m[1] ? ACTION_SUFFIX[m[1]] : undefined;
  const named = action ? m[2].replace(action, '') : m[2];
  return decodeSafely(named || m[2]).slice(0, 512);
}

/**
 * The action routes under an object (`/v2/apps/{id}/restart`, `/v2/agents/{id}/drain`,
 * `/v2/queue/{id}/delay`...): the target is the object they act on, not the action's path.
 */
const ACTION_SUFFIX: Record<string, RegExp> = {
  apps: /\/(?:restart|tasks(?:\/[^/]+)?|versions(?:\/[^/]+)?)$/,
  agents: /\/(?:drain|undrain)$/,
  queue: /\/delay$/,
};

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
