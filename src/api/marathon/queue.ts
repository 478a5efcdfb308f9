/**
 * `GET /v2/queue` (apps with instances waiting, and why they are not placed) and
 * `DELETE /v2/queue/{appId}/delay` (forget the launch backoff).
 */
import type { FastifyInstance } from 'fastify';
import { DroverError } from '../../domain/errors.js';
import { parsePathAppId } from '../path-app-id.js';
import { allValues } from '../query-params.js';
import type { QueryRoute, WildcardRoute } from '../route-generics.js';
import { queueView } from '../views/queue-view.js';
import { requireApp } from './app-lookup.js';
import type { RouteContext } from './route-context.js';

export function registerQueueRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<QueryRoute>('/v2/queue', async (req) => {
    const embed = allValues(req.query, 'embed');
    return queueView(ctx.master.queue(), {
      agents: ctx.master.agents(),
      withUnplacedReasons: embed.some((e) => e === 'unplacedReasons' || e === 'queue.unplacedReasons'),
      now: ctx.clock.now(),
    });
  });

  app.delete<WildcardRoute>('/v2/queue/*', async (req, reply) => {
    const rest = req.params['*'].replace(/\/+$/, '');
    if (!rest.endsWith('/delay'))
      throw new DroverError('NOT_FOUND', `No route for DELETE ${req.url.split('?')[0]}`);
    const id = parsePathAppId(rest.slice(0, -'/delay'.length));
    requireApp(ctx.master, id);
    await ctx.master.resetDelay(id);
    return reply.code(204).send();
  });
}
