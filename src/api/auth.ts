/**
 * API authentication and roles. Credentials: HTTP basic with one user (`--http-credentials
 * user:password`, as Marathon's flag) and bearer tokens (`--api-token`), both admins; and the
 * users and tokens of `--auth-file`, each with its role (roles.ts). `/ping` stays open for load
 * balancers. A missing or wrong credential is a 401 with a Basic challenge (so a browser asks for
 * the password); a call the role may not make is a 403 naming the role. Refusals are logged
 * without the presented secret; a request with `X-Requested-With: XMLHttpRequest` (the web UI)
 * gets its 401 without the challenge, so the browser leaves the sign-in to the page. The agent endpoint is not an API route: agents authenticate on
 * the upgrade (control-plane/agents/ws-agent-server.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DroverError } from '../domain/errors.js';
import { bearerToken, secretEquals } from '../platform/secret-compare.js';
import type { AuthFileCheck } from './auth-file.js';
import { type Principal, roleAllows } from './roles.js';
import { isWebUiPath } from './web-ui.js';

export interface ApiAuth {
  basic?: { user: string; password: string };
  bearerTokens?: string[];
  /** The auth file as loaded now (a getter: SIGHUP replaces it). */
  file?: () => AuthFileCheck;
}

/** Who calls when no credential is configured (an open API on loopback). */
const ANONYMOUS: Principal = { name: 'anonymous', role: 'admin' };

/** Paths anyone may call: health probes must not need credentials. */
const OPEN_PATHS = new Set(['/ping']);

const principals = new WeakMap<FastifyRequest, Principal>();

/** The caller of an authenticated request (anonymous admin on an open API). */
export function principalOf(req: FastifyRequest): Principal {
  return principals.get(req) ?? ANONYMOUS;
}

export function hasApiCredentials(auth: ApiAuth | undefined): boolean {
  return auth?.basic !== undefined || (auth?.bearerTokens?.length ?? 0) > 0 || auth?.file !== undefined;
}

export function installApiAuth(app: FastifyInstance, auth: ApiAuth): void {
  if (!hasApiCredentials(auth)) return;
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (OPEN_PATHS.has(path) || isWebUiPath(path)) return;
    const who = await identify(req, auth);
    if (who === undefined) {
      req.log.warn(
        { method: req.method, url: req.url, remote: req.ip, scheme: schemeOf(req) },
        'API request refused: bad or missing credentials',
      );
      // A script (the web UI says so with X-Requested-With, as jQuery did) shows its own sign-in
      // form: the challenge would make the browser open its password dialog over it.
      if (req.headers['x-requested-with'] !== 'XMLHttpRequest')
        reply.header('WWW-Authenticate', 'Basic realm="Drover", charset="UTF-8"');
      throw new DroverError('UNAUTHORIZED', 'Invalid username or password.');
    }
    principals.set(req, who);
    if (!roleAllows(who, req.method, path)) {
      req.log.warn(
        { method: req.method, url: req.url, who: who.name, role: who.role },
        'API request forbidden',
      );
      throw new DroverError('FORBIDDEN', `role ${who.role} (${who.name}) may not ${req.method} ${path}`);
    }
  });
}

async function identify(req: FastifyRequest, auth: ApiAuth): Promise<Principal | undefined> {
  const header = req.headers.authorization;
  const token = bearerToken(header);
  if (token !== undefined) {
    if ((auth.bearerTokens ?? []).some((t) => secretEquals(token, t)))
      return { name: 'api-token', role: 'admin' };
    return auth.file?.().byToken(token);
  }
  const basic = parseBasic(header);
  if (basic === undefined) return undefined;
  if (auth.basic !== undefined) {
    // Both compared, always: no early exit that tells which half was wrong.
    const userOk = secretEquals(basic.user, auth.basic.user);
    const passwordOk = secretEquals(basic.password, auth.basic.password);
    if (userOk && passwordOk) return { name: basic.user, role: 'admin' };
  }
  return auth.file?.().byPassword(basic.user, basic.password);
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
