/**
 * `drover agent --metrics-port [host:]port`: the agent's Prometheus endpoint, `GET /metrics`, with
 * its router's metrics per service port (router/router-metrics.ts) and the process's own. Off by
 * default; a port that cannot be bound is logged, never fatal (the agent's work goes on).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from '../platform/logger.js';
import { RouterMetrics } from '../router/router-metrics.js';

export interface AgentMetrics {
  registry: Registry;
  router: RouterMetrics;
}

export function agentMetrics(): AgentMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'drover_agent_' });
  return { registry, router: new RouterMetrics(registry) };
}

/** Serves the registry; resolves to the server (its bound port in address()) or undefined. */
export async function serveAgentMetrics(
  listen: { host: string; port: number },
  registry: Registry,
  logger: Logger,
): Promise<Server | undefined> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || (path !== '/metrics' && path !== '/metrics/prometheus')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        logger.error({ err }, 'metrics failed');
        res.writeHead(500).end();
      },
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: listen.host, port: listen.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    logger.warn({ err, ...listen }, 'cannot serve agent metrics');
    console.log(
      `drover agent: no metrics endpoint: cannot bind ${listen.host}:${listen.port}: ${(err as Error).message}`,
    );
    return undefined;
  }
  const port = (server.address() as AddressInfo).port;
  console.log(`drover agent: metrics on http://${listen.host}:${port}/metrics`);
  return server;
}
