/**
 * Wires the event stream and metrics into an API server: `/v2/events`, api_post_event, `/metrics`,
 * `/metrics/prometheus` and the HTTP response counters. Called before the routes are registered so
 * its hooks see every request.
 */
import type { FastifyInstance } from 'fastify';
import type { MasterApi } from '../control-plane/master-api.js';
import { DroverMetrics } from '../control-plane/metrics/drover-metrics.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { registerApiPostEvents } from './events/api-post-events.js';
import { EventStreamHub, type EventStreamOptions } from './events/event-stream-hub.js';
import { registerEventStreamRoute } from './events/event-stream-route.js';
import { registerHttpMetrics } from './metrics/http-metrics.js';
import { registerMetricsRoutes } from './metrics/metrics-routes.js';

export interface ObservabilityDeps {
  master: MasterApi;
  clock: Clock;
  logger?: Logger | undefined;
  /** The master's metrics (the composition root makes them before the master starts); made here when absent. */
  metrics?: DroverMetrics | undefined;
  eventStream?: EventStreamOptions | undefined;
}

export function registerObservability(app: FastifyInstance, deps: ObservabilityDeps): EventStreamHub {
  let metrics = deps.metrics;
  if (!metrics) {
    const own = new DroverMetrics({ master: deps.master, clock: deps.clock });
    app.addHook('onClose', (_app, done) => {
      own.close();
      done();
    });
    metrics = own;
  }
  registerHttpMetrics(app, metrics);
  registerMetricsRoutes(app, metrics);
  registerApiPostEvents(app, deps.master, deps.master.events);
  const hub = new EventStreamHub(deps.master.events, deps.clock, deps.eventStream, metrics, deps.logger);
  registerEventStreamRoute(app, hub);
  return hub;
}
