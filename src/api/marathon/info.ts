/**
 * `/ping`, `/v2/info`, `/v2/leader`: what load balancers and clients probe first.
 */
import type { FastifyInstance } from 'fastify';
import { infoView } from '../views/info-view.js';
import type { RouteContext } from './route-context.js';

/** `eventSubscribers`: the `/v2/eventSubscriptions` callback URLs, for `event_subscriber.http_endpoints`. */
export function registerInfoRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  eventSubscribers?: () => Promise<string[]>,
): void {
  app.get('/ping', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('pong'));
  app.get('/v2/info', async (_req, reply) => {
    const info = ctx.master.info();
    reply.header('x-drover-version', info.version);
    return infoView(info, eventSubscribers ? { eventSubscribers: await eventSubscribers() } : {});
  });
  app.get('/v2/leader', async () => ({ leader: ctx.master.info().leader }));
}
