/**
 * Cached serialised views: the bytes of a busy read (`GET /v2/apps`, `/v2/tasks`,
 * `/scheduler/jobs`), kept per variant of the request (filters, embeds, format) until the state
 * they show changes. marathon-lb, UIs and scripts poll these every few seconds; with the cache a
 * poll costs a lookup and a write of ready bytes, and a poller that sends back the ETag
 * (`If-None-Match`) gets a bodiless 304 while nothing changed.
 *
 * Freshness is the master's ViewRevision (control-plane/state-revision.ts): an entry built at
 * another revision, or by another leadership term's state, is rebuilt on its next request and
 * dropped as soon as any newer entry is stored. The ETag is a hash of the bytes, so it stays the
 * same across a failover when the content does.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ViewRevision } from '../control-plane/state-revision.js';

/** Bounds per route: distinct filter values must not grow memory without end. */
const MAX_ENTRIES = 32;
const MAX_BYTES = 64 * 1024 * 1024;

export const JSON_TYPE = 'application/json; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

interface Entry {
  source: object;
  value: number;
  bytes: Buffer;
  etag: string;
  type: string;
}

export interface ViewRequest {
  /** Everything that makes this request's answer differ from another's at the same revision. */
  key: string;
  /** Absent (a master that does not count its changes): build every time, nothing cached. */
  revision: ViewRevision | undefined;
  /** The body: a string is sent as is, anything else as JSON. */
  build: () => unknown;
  type: string;
}

export class ViewCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** Rebuilds so far (tests and the bench check that a steady state does not rebuild). */
  builds = 0;

  send(req: FastifyRequest, reply: FastifyReply, view: ViewRequest): FastifyReply {
    const entry = this.entryFor(view);
    reply.header('etag', entry.etag);
    if (matchesEtag(req.headers['if-none-match'], entry.etag)) return reply.code(304).send();
    return reply.type(entry.type).send(entry.bytes);
  }

  private entryFor(view: ViewRequest): Entry {
    const rev = view.revision;
    const hit = this.entries.get(view.key);
    if (hit && rev && hit.source === rev.source && hit.value === rev.value) {
      // Most recently used last: eviction takes the oldest first.
      this.entries.delete(view.key);
      this.entries.set(view.key, hit);
      return hit;
    }
    const built = view.build();
    this.builds++;
    const bytes = Buffer.from(typeof built === 'string' ? built : JSON.stringify(built));
    const entry: Entry = {
      source: rev?.source ?? this,
      value: rev?.value ?? -1,
      bytes,
      etag: `"${createHash('sha1').update(bytes).digest('base64url')}"`,
      type: view.type,
    };
    if (rev) this.store(view.key, entry);
    return entry;
  }

  private store(key: string, entry: Entry): void {
    this.drop(key);
    // An entry of an older revision can never be served again: the revision only moves on.
    for (const [k, e] of this.entries) if (e.source !== entry.source || e.value !== entry.value) this.drop(k);
    if (entry.bytes.length > MAX_BYTES) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes.length;
    for (const k of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.drop(k);
    }
  }

  private drop(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes.length;
  }

  /** Entries held now (tests). */
  get size(): number {
    return this.entries.size;
  }
}

/** RFC 9110 If-None-Match: `*` or a list of (possibly weak) entity tags, compared weakly. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}
