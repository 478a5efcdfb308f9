/**
 * API authentication: HTTP basic with one user (`--http-credentials user:password`, as Marathon's
 * flag) and bearer tokens (`--api-token`, for scripts and service accounts). Either one admits a
 * request; `/ping` stays open for load balancers. A refusal is a 401 with a Basic challenge (so a
 * browser asks for the password), logged without the presented secret. The agent endpoint is not
 * an API route: agents authenticate with the cluster token on the upgrade (ws-agent-server.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DroverError } from '../domain/errors.js';
import { bearerToken, secretEquals } from '../platform/secret-compare.js';
import { isWebUiPath } from './web-ui.js';

export interface ApiAuth {
  basic?: { user: string; password: string };
  bearerTokens?: string[];
}

/** Paths anyone may call: health probes must not need credentials. */
const OPEN_PATHS = new Set(['/ping']);

export function hasApiCredentials(auth: ApiAuth | undefined): boolean {
  return auth?.basic !== undefined || (auth?.bearerTokens?.length ?? 0) > 0;
}

export function installApiAuth(app: FastifyInstance, auth: ApiAuth): void {
  if (!hasApiCredentials(auth)) return;
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (OPEN_PATHS.has(path) || isWebUiPath(path)) return;
    if (admitted(req, auth)) return;
    req.log.warn(
      { method: req.method, url: req.url, remote: req.ip, scheme: schemeOf(req) },
      'API request refused: bad or missing credentials',
    );
    reply.header('WWW-Authenticate', 'Basic realm="Drover", charset="UTF-8"');
    throw new DroverError('UNAUTHORIZED', 'Invalid username or password.');
  });
}

function admitted(req: FastifyRequest, auth: ApiAuth): boolean {
  const header = req.headers.authorization;
  const token = bearerToken(header);
  if (token !== undefined) return (auth.bearerTokens ?? []).some((t) => secretEquals(token, t));
  const basic = parseBasic(header);
  if (basic === undefined || auth.basic === undefined) return false;
  // Both compared, always: no early exit that tells which half was wrong.
  const userOk = secretEquals(basic.user, auth.basic.user);
  const passwordOk = secretEquals(basic.password, auth.basic.password);
  return userOk && passwordOk;
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function schemeOf(req: FastifyRequest): string {
  return (req.headers.authorization ?? 'none').split(/\s+/)[0] ?? 'none';
}
