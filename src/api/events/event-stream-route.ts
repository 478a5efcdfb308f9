/**
 * `GET /v2/events`: Marathon's event stream over Server-Sent Events. The route only checks the
 * request and hands the raw response to the hub; Fastify stays out of the streaming (hijack).
 */
import type { FastifyInstance } from 'fastify';
import { DroverError } from '../../domain/errors.js';
import { allValues } from '../query-params.js';
import type { QueryRoute } from '../route-generics.js';
import { acceptsEventStream } from './accepts-event-stream.js';
import type { EventStreamHub } from './event-stream-hub.js';

export function registerEventStreamRoute(app: FastifyInstance, hub: EventStreamHub): void {
  app.route<QueryRoute>({
    method: 'GET',
    url: '/v2/events',
    // A HEAD would otherwise run this handler and open a stream nobody reads.
    exposeHeadRoute: false,
    handler: (req, reply) => {
      if (!acceptsEventStream(req.headers.accept)) {
        // Marathon's answer (Jetty's "HTTP method GET is not supported by this URL"), with a hint.
        throw new DroverError(
          'METHOD_NOT_ALLOWED',
          'HTTP method GET is not supported by this URL without Accept: text/event-stream',
        );
      }
      const lastEventId = req.headers['last-event-id'];
      reply.hijack();
      hub.open({
        res: reply.raw,
        remoteAddress: req.ip,
        eventTypes: allValues(req.query, 'event_type'),
        lastEventId: Array.isArray(lastEventId) ? lastEventId[0] : lastEventId,
      });
    },
  });
  // Streams never end on their own, so a closing server ends them first or would wait forever.
  app.addHook('preClose', (done) => {
    hub.closeAll();
    done();
  });
}
