/**
 * `/v2/groups` routes. Group ids contain slashes, so everything under `/v2/groups/` is one
 * wildcard route per method, told apart by parseGroupPath; `/v2/groups` itself is the root group.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DroverError } from '../../domain/errors.js';
import type { QueryRoute, WildcardRoute } from '../route-generics.js';
import { parseGroupPath } from './group-path.js';
import { listGroupVersions, showGroup, showGroupVersion } from './groups-read.js';
import { deleteGroup, patchGroup, postGroup, putGroup, rollbackGroupTo } from './groups-write.js';
import type { RouteContext } from './route-context.js';

export function registerGroupRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.route<QueryRoute>({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/v2/groups',
    handler: async (req, reply) => dispatch(ctx, req, reply, ''),
  });
  app.route<WildcardRoute>({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/v2/groups/*',
    handler: async (req, reply) => dispatch(ctx, req, reply, req.params['*']),
  });
}

async function dispatch(
  ctx: RouteContext,
  req: FastifyRequest<QueryRoute>,
  reply: FastifyReply,
  wildcard: string,
): Promise<unknown> {
  const q = req.query;
  const path = parseGroupPath(wildcard);
  if (path.kind === 'versions') {
    if (req.method !== 'GET') throw notAllowed(req.method, 'versions');
    return listGroupVersions(ctx, path.id);
  }
  if (path.kind === 'version') {
    if (req.method === 'GET') return showGroupVersion(ctx, path.id, path.version, q);
    if (req.method === 'PUT') return rollbackGroupTo(ctx, path.id, path.version, q, reply);
    throw notAllowed(req.method, 'a group version');
  }
  switch (req.method) {
    case 'POST':
      return postGroup(ctx, path.id, req.body, q, reply);
    case 'PUT':
      return putGroup(ctx, path.id, req.body, q, reply);
    case 'PATCH':
      return patchGroup(ctx, path.id, req.body, q, reply);
    case 'DELETE':
      return deleteGroup(ctx, path.id, q, reply);
    default:
      return showGroup(ctx, path.id, q);
  }
}

function notAllowed(method: string, what: string): DroverError {
  return new DroverError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${what}`);
}
