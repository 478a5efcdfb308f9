/**
 * The web UI (ui/, built by `npm run build` into dist/ui) served at `/ui/`. Files with a content
 * hash in their name (`/ui/assets/*`) are cached for a year; everything else, and every path that
 * names no file (the UI's own routes: `/ui/apps/web`), answers index.html uncached, so a reload
 * or a shared link lands on the right page and a new build is picked up at once.
 *
 * `GET /` sends a browser (`Accept: text/html`) to `/ui/`; an API client keeps a JSON answer.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { WildcardRoute } from './route-generics.js';

export const UI_PREFIX = '/ui/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** Paths anyone may fetch: the UI's files hold no data, and its login form must load before a credential is known. */
export function isWebUiPath(path: string): boolean {
  return path === '/ui' || path.startsWith(UI_PREFIX);
}

/**
 * Where the built UI is: dist/ui beside dist/api (the package), or the repo's dist/ui when the
 * server runs from src/ (tests under tsx).
 */
export function defaultUiDir(): string | undefined {
  const candidates = [new URL('../ui/', import.meta.url), new URL('../../dist/ui/', import.meta.url)];
  for (const c of candidates) {
    const dir = fileURLToPath(c);
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

export function registerWebUi(app: FastifyInstance, uiDir: string | undefined): void {
  app.get('/', async (req, reply) => {
    if (prefersHtml(req.headers.accept)) return reply.redirect(UI_PREFIX, 302);
    return { name: 'drover', ui: UI_PREFIX, api: ['/v2', '/v1/scheduler'] };
  });
  // The router ignores trailing slashes: `/ui` and `/ui/` both land here, and only `/ui/` works
  // as the base of the page's relative URLs.
  app.get('/ui', async (req, reply) => {
    if ((req.url.split('?')[0] ?? '') === '/ui') return reply.redirect(UI_PREFIX, 301);
    return serve(uiDir, '', reply);
  });
  // find-my-way has already decoded the wildcard.
  app.get<WildcardRoute>('/ui/*', async (req, reply) => serve(uiDir, req.params['*'] ?? '', reply));
}

async function serve(uiDir: string | undefined, rest: string, reply: FastifyReply): Promise<FastifyReply> {
  if (uiDir === undefined) {
    return reply
      .code(404)
      .send({ message: 'The web UI is not built: run `npm run build` (it writes dist/ui).' });
  }
  const file = rest === '' ? undefined : safeJoin(uiDir, rest);
  if (file !== undefined) {
    const body = await readFile(file).catch(() => undefined);
    if (body !== undefined) {
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const cache = rest.startsWith('assets/') ? IMMUTABLE : REVALIDATE;
      return reply.type(type).header('cache-control', cache).send(body);
    }
    // A missing asset is a 404, not the page: a stale index.html must not get HTML for its script.
    // Other paths are the UI's routes, dots and all (`/ui/apps/web/tasks/web.5f3c...`).
    if (rest.startsWith('assets/')) return reply.code(404).send({ message: `No UI file ${rest}` });
  }
  const index = await readFile(join(uiDir, 'index.html'));
  return reply.type(TYPES['.html']!).header('cache-control', REVALIDATE).send(index);
}

/** The file under `root` that `rest` names, or undefined when it would leave `root`. */
function safeJoin(root: string, rest: string): string | undefined {
  if (rest.includes('\0')) return undefined;
  const full = normalize(join(root, rest));
  const base = root.endsWith(sep) ? root : root + sep;
  return full.startsWith(base) ? full : undefined;
}

function prefersHtml(accept: string | undefined): boolean {
  return (accept ?? '').toLowerCase().includes('text/html');
}
