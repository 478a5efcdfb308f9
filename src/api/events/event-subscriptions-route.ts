/**
 * Marathon's `/v2/eventSubscriptions` (HTTP callback subscribers; delivery in
 * control-plane/events/event-callbacks.ts): POST and DELETE `?callbackUrl=` answer with the
 * `subscribe_event` / `unsubscribe_event` they emit, GET with `{callbackUrls}`. Without the
 * callback system (an API built without it) every call is a 400 with Marathon's message.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { BusEvent } from '../../control-plane/events/event-bus.js';
import type { EventCallbacks } from '../../control-plane/events/event-callbacks.js';
import { DroverError } from '../../domain/errors.js';
import { oneValue } from '../query-params.js';
import type { QueryRoute } from '../route-generics.js';
import { eventJson } from './sse-frame.js';

const NOT_RUNNING =
  'http event callback system is not running on this Marathon instance. ' +
  'Please re-start this instance with "--event_subscriber http_callback".';

export function registerEventSubscriptionRoutes(
  app: FastifyInstance,
  callbacks: EventCallbacks | undefined,
): void {
  const need = (): EventCallbacks => {
    if (callbacks) return callbacks;
    throw new DroverError('BAD_REQUEST', NOT_RUNNING);
  };
  const send = (reply: FastifyReply, e: BusEvent) =>
    reply.code(200).header('content-type', 'application/json; charset=utf-8').send(eventJson(e));

  app.get('/v2/eventSubscriptions', async () => ({ callbackUrls: await need().list() }));

  app.post<QueryRoute>('/v2/eventSubscriptions', async (req, reply) =>
    send(reply, await need().subscribe(callbackUrl(req.query), req.ip)),
  );

  app.delete<QueryRoute>('/v2/eventSubscriptions', async (req, reply) =>
    send(reply, await need().unsubscribe(callbackUrl(req.query), req.ip)),
  );
}

function callbackUrl(query: QueryRoute['Querystring']): string {
  const url = oneValue(query, 'callbackUrl');
  const problem =
    url === undefined || url === ''
      ? 'the query parameter callbackUrl is required'
      : !/^https?:\/\/[^\s]+$/i.test(url) || !URL.canParse(url)
        ? `callbackUrl '${url}' is not an http(s) URL`
        : undefined;
  if (problem) throw new DroverError('BAD_REQUEST', problem, [{ path: '/callbackUrl', errors: [problem] }]);
  return url!;
}
