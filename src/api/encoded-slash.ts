/**
 * `%2F` in a URL path is not a path separator. The router decodes wildcard params, so
 * `/v2/apps/a%2Fb` used to name the app `/a/b`: a path that reads as one segment addressed
 * another app. Ids and job names never contain `/` inside a segment, so a request whose path
 * holds an encoded slash (or backslash) is refused with a 400 before any route sees it, as Jetty
 * does ("Ambiguous URI path separator").
 */
import type { FastifyInstance } from 'fastify';
import { DroverError } from '../domain/errors.js';

const ENCODED_SEPARATOR = /%2f|%5c/i;

export function hasEncodedSeparator(url: string): boolean {
  const q = url.indexOf('?');
  return ENCODED_SEPARATOR.test(q === -1 ? url : url.slice(0, q));
}

export function refuseEncodedSlashes(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    if (hasEncodedSeparator(req.raw.url ?? '')) {
      throw new DroverError(
        'BAD_REQUEST',
        "An encoded '/' or '\\' (%2F, %5C) in a path is not a separator; ids cannot contain one",
      );
    }
  });
}
