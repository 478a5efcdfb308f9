/**
 * Our JSON body parser. Fastify's own rejects an empty body sent with `Content-Type:
 * application/json`, which Marathon clients do on DELETE and POST .../restart; here an empty body
 * is simply "no body". Unparseable JSON is a 400 in Marathon's shape.
 */
import type { FastifyInstance } from 'fastify';
import { DroverError } from '../domain/errors.js';

export function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, raw, done) => {
    try {
      done(null, parseJsonBody(typeof raw === 'string' ? raw : raw.toString('utf8')));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    // Dropping `__proto__` keys keeps a hostile body from changing prototypes when it is merged.
    return JSON.parse(text, (key, value) => (key === '__proto__' ? undefined : value));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DroverError('INVALID_JSON', 'Invalid JSON', [{ path: '/', errors: [reason] }]);
  }
}

/** For routes that need a body: an absent one is the same client error as malformed JSON. */
export function requireBody(body: unknown): unknown {
  if (body === undefined) {
    throw new DroverError('INVALID_JSON', 'Invalid JSON', [{ path: '/', errors: ['Request body is empty'] }]);
  }
  return body;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Marathon answers a body of the wrong JSON type with 400 and Play's error key. */
export function requireObjectBody(body: unknown): Record<string, unknown> {
  const b = requireBody(body);
  if (!isPlainObject(b)) {
    throw new DroverError('INVALID_JSON', 'Invalid JSON', [
      { path: '/', errors: ['error.expected.jsobject'] },
    ]);
  }
  return b;
}
