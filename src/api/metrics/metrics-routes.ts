/**
 * `GET /metrics`: Dropwizard-shaped JSON (`version`, `gauges`, `counters`, `histograms`, `meters`,
 * `timers`), what Marathon and Chronos serve and their dashboards read. `GET /metrics/prometheus`:
 * the same series in Prometheus text format, at the path Marathon 1.7+ uses.
 */
import type { FastifyInstance } from 'fastify';
import type { DroverMetrics } from '../../control-plane/metrics/drover-metrics.js';

export function registerMetricsRoutes(app: FastifyInstance, metrics: DroverMetrics): void {
  app.get('/metrics', async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(await metrics.dropwizard()),
  );
  app.get('/metrics/prometheus', async (_req, reply) =>
    reply.type(metrics.prometheusContentType).send(await metrics.prometheus()),
  );
}
