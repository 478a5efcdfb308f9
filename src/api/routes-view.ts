/**
 * `GET /v2/routes` (Drover extension): the routing table every agent's router has, each route
 * with the agents that cannot bind its service port (`bindFailures`, retried by the routers), and
 * its `version`; `GET /v2/routes/{appId}`: one app's routes (404 for an unknown app).
 *
 * The haproxy mode (`drover router --haproxy`) long-polls the first: `?after=V` answers once the
 * version is past V (at most `wait` ms, default 25 s, then the same table); `&router=NAME` says
 * that router has applied V, so the master's kills wait for it (control-plane/agents/route-push.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Route } from '../domain/agent-protocol.js';
import { DroverError } from '../domain/errors.js';
import type { RouteContext } from './marathon/route-context.js';
import { nonNegativeIntParam, oneValue } from './query-params.js';
import type { QueryRoute, WildcardRoute } from './route-generics.js';

const DEFAULT_WAIT_MS = 25_000;
const MAX_WAIT_MS = 60_000;
const ROUTER_NAME = /^[A-Za-z0-9_.:@-]{1,128}$/;

export function registerRouteTableRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const routes = (): Array<Route & { bindFailures: unknown[] }> => {
    const failures = ctx.master.routeBindFailures();
    return ctx.master.routingTable().routes.map((r) => ({
      ...r,
      bindFailures: failures
        .filter((f) => f.servicePort === r.servicePort)
        .map(({ agentId, address, error, since }) => ({
          agentId,
          address,
          error,
          since: new Date(since).toISOString(),
        })),
    }));
  };

  app.get<QueryRoute>('/v2/routes', async (req, reply) => {
    const q = req.query;
    const after = nonNegativeIntParam(q, 'after', Number.MAX_SAFE_INTEGER);
    const waitMs = nonNegativeIntParam(q, 'wait', MAX_WAIT_MS) ?? DEFAULT_WAIT_MS;
    const router = oneValue(q, 'router');
    if (router !== undefined && !ROUTER_NAME.test(router))
      throw new DroverError('BAD_REQUEST', `Query parameter 'router' must match ${ROUTER_NAME.source}`);
    const m = ctx.master;
    if (after !== undefined) {
      const gone = new AbortController();
      // The response's close (not the request's, which fires once the request is read): the client left.
      reply.raw.once('close', () => gone.abort());
      await m.routeTableAfter(after, {
        waitMs,
        signal: gone.signal,
        ...(router !== undefined ? { router } : {}),
      });
    }
    return { version: m.routeTableVersion(), routes: routes() };
  });

  app.get<WildcardRoute>('/v2/routes/*', async (req) => {
    const id = `/${req.params['*']
      .split('/')
      .filter((s) => s !== '')
      .join('/')}`;
    if (!ctx.master.getApp(id)) throw new DroverError('APP_NOT_FOUND', `App '${id}' does not exist`);
    return { routes: routes().filter((r) => r.appId === id) };
  });
}
