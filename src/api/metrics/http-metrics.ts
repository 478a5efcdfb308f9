/**
 * Counts every HTTP response by status code and times it. Listens on the raw server rather than
 * through Fastify hooks, so requests answered before our hooks would run (authentication's 401,
 * body-parser errors) are counted too, hijacked responses (event streams) are seen, and the
 * active-request gauge cannot leak: every request ends with its response's `close`.
 */
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { DroverMetrics } from '../../control-plane/metrics/drover-metrics.js';

export function registerHttpMetrics(app: FastifyInstance, metrics: DroverMetrics): void {
  // Before Fastify's own listener, so the clock starts first and a request is in flight while handled.
  (app.server as Server).prependListener('request', (req, res) => {
    const start = performance.now();
    metrics.httpRequestStarted();
    res.once('close', () => {
      const type = res.getHeader('content-type');
      const streamed = typeof type === 'string' && type.startsWith('text/event-stream');
      metrics.httpRequestFinished(
        req.method ?? 'GET',
        res.statusCode,
        (performance.now() - start) / 1000,
        streamed,
      );
    });
  });
}
