/**
 * `GET /v2/routes` (Drover extension): the routing table every agent's router has, each route
 * with the agents that cannot bind its service port (`bindFailures`, retried by the routers), and
 * `GET /v2/routes/{appId}`: one app's routes (404 for an unknown app). The haproxy mode
 * (`drover router --haproxy`) reads the first.
 */
import type { FastifyInstance } from 'fastify';
import type { Route } from '../domain/agent-protocol.js';
import { DroverError } from '../domain/errors.js';
import type { RouteContext } from './marathon/route-context.js';
import type { WildcardRoute } from './route-generics.js';

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

  app.get('/v2/routes', async () => ({ routes: routes() }));

  app.get<WildcardRoute>('/v2/routes/*', async (req) => {
    const id = `/${req.params['*']
      .split('/')
      .filter((s) => s !== '')
      .join('/')}`;
    if (!ctx.master.getApp(id)) throw new DroverError('APP_NOT_FOUND', `App '${id}' does not exist`);
    return { routes: routes().filter((r) => r.appId === id) };
  });
}
