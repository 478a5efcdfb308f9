/**
 * Counts every HTTP response by status code and times it. Hooked on the raw response's `close`
 * rather than Fastify's onResponse so that hijacked responses (event streams) and aborted
 * requests are counted too, and the active-request gauge can never leak.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { DroverMetrics } from '../../control-plane/metrics/drover-metrics.js';

export function registerHttpMetrics(app: FastifyInstance, metrics: DroverMetrics): void {
  app.addHook('onRequest', (req, reply, done) => {
    const start = performance.now();
    metrics.httpRequestStarted();
    reply.raw.once('close', () => {
      const type = reply.raw.getHeader('content-type');
      const streamed = typeof type === 'string' && type.startsWith('text/event-stream');
      metrics.httpRequestFinished(
        req.method,
        reply.raw.statusCode,
        (performance.now() - start) / 1000,
        streamed,
      );
    });
    done();
  });
}
