/**
 * Marathon's api_post_event: fired when an API request created or updated an app, with the
 * client's address, the request path and the app as it now stands. It is emitted here, at the
 * edge, because only the HTTP layer knows the client and the URI; the route handlers stay unaware
 * of it. Deletes are announced by the master (app_terminated_event), as in Marathon.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventBus } from '../../control-plane/events/event-bus.js';
import type { MasterApi } from '../../control-plane/master-api.js';
import { isPlainObject } from '../json-body.js';
import { parseAppPath } from '../marathon/app-path.js';
import { parsePathAppId } from '../path-app-id.js';
import type { WildcardRoute } from '../route-generics.js';

export function registerApiPostEvents(app: FastifyInstance, master: MasterApi, events: EventBus): void {
  // onSend runs before the response leaves, so the event precedes the client's next request.
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode >= 200 && reply.statusCode < 300) {
      const uri = req.url.split('?')[0] ?? req.url;
      for (const id of changedAppIds(req)) {
        const appDefinition = master.getApp(id);
        if (appDefinition) events.emit('api_post_event', { clientIp: req.ip, uri, appDefinition });
      }
    }
    return payload;
  });
}

/** Ids of the apps a successful request created or updated; none for other requests. */
export function changedAppIds(req: FastifyRequest): string[] {
  const path = (req.url.split('?')[0] ?? '').replace(/\/+$/, '');
  try {
    if (path === '/v2/apps') {
      if (req.method === 'POST') return idsIn([req.body]);
      if (req.method === 'PUT' || req.method === 'PATCH')
        return idsIn(Array.isArray(req.body) ? req.body : [req.body]);
      return [];
    }
    if ((req.method === 'PUT' || req.method === 'PATCH') && path.startsWith('/v2/apps/')) {
      // A hook sees every route's request, so the params are not typed here: on /v2/apps/* they
      // are the WildcardRoute's.
      const p = parseAppPath(req.method, (req.params as Partial<WildcardRoute['Params']>)['*'] ?? '');
      return p.kind === 'app' ? [p.id] : [];
    }
  } catch {
    // The request succeeded, so its ids parsed; anything unparseable here just has no event.
  }
  return [];
}

function idsIn(bodies: unknown[]): string[] {
  const ids: string[] = [];
  for (const b of bodies) if (isPlainObject(b) && typeof b.id === 'string') ids.push(parsePathAppId(b.id));
  return ids;
}
