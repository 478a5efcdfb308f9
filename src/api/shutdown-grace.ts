/**
 * How long a closing API server waits for connections. Fastify closes idle keep-alive connections
 * at close, but one that was busy then (a response still being written to a slow reader) was kept
 * until its keep-alive timeout ran out, so `drover up` took about 70 s to stop on SIGTERM. In-flight
 * requests get a short grace to finish; what is left after it is cut.
 */
import type { FastifyInstance } from 'fastify';
import { setCappedTimeout } from '../platform/capped-timer.js';

export const SHUTDOWN_GRACE_MS = 5_000;

export function closeLingeringConnections(app: FastifyInstance, graceMs = SHUTDOWN_GRACE_MS): void {
  app.addHook('preClose', (done) => {
    setCappedTimeout(() => app.server.closeAllConnections(), graceMs).unref();
    done();
  });
}
