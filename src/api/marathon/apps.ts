/**
 * `/v2/apps` routes. Ids contain slashes, so everything under `/v2/apps/` is one wildcard route
 * per method, told apart by parseAppPath.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ViewCache } from '../cached-view.js';
import type { QueryRoute, WildcardRoute } from '../route-generics.js';
import { parseAppPath } from './app-path.js';
import { killAppTask, killAppTasks, listAppTasks } from './app-tasks.js';
import { listAppsView, listVersions, showApp, showGroupApps, showVersion } from './apps-read.js';
import { createApp, deleteApp, patchApp, patchApps, putApp, putApps, restartApp } from './apps-write.js';
import type { RouteContext } from './route-context.js';

export function registerAppRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const listCache = new ViewCache();
  app.get<QueryRoute>('/v2/apps', async (req, reply) =>
    listCache.send(req, reply, listAppsView(ctx, req.query)),
  );
  app.post<QueryRoute>('/v2/apps', async (req, reply) => createApp(ctx, req.body, req.query, reply));
  app.put<QueryRoute>('/v2/apps', async (req, reply) => putApps(ctx, req.body, req.query, reply));
  app.patch<QueryRoute>('/v2/apps', async (req, reply) => patchApps(ctx, req.body, req.query, reply));
  app.route<WildcardRoute>({
    method: ['GET', 'PUT', 'PATCH', 'DELETE', 'POST'],
    url: '/v2/apps/*',
    handler: async (req, reply) => dispatch(ctx, req, reply),
  });
}

async function dispatch(
  ctx: RouteContext,
  req: FastifyRequest<WildcardRoute>,
  reply: FastifyReply,
): Promise<unknown> {
  const q = req.query;
  const path = parseAppPath(req.method, req.params['*']);
  switch (path.kind) {
    case 'group':
      return showGroupApps(ctx, path.prefix, q);
    case 'versions':
      return listVersions(ctx, path.id);
    case 'version':
      return showVersion(ctx, path.id, path.version);
    case 'restart':
      return restartApp(ctx, path.id, q, reply);
    case 'tasks':
      return req.method === 'DELETE'
        ? killAppTasks(ctx, path.id, q, reply)
        : listAppTasks(ctx, path.id, req, reply);
    case 'task':
      return killAppTask(ctx, path.id, path.taskId, q, reply);
    case 'app':
      switch (req.method) {
        case 'PUT':
          return putApp(ctx, path.id, req.body, q, reply);
        case 'PATCH':
          return patchApp(ctx, path.id, req.body, q, reply);
        case 'DELETE':
          return deleteApp(ctx, path.id, q, reply);
        default:
          return showApp(ctx, path.id, q);
      }
  }
}
