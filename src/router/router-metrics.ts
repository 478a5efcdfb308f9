/**
 * The router's Prometheus metrics, per service port (and the agent address the router listens on,
 * so the routers of `drover up`'s agents can share one registry). Registered on the registry the
 * composition root passes in: the master's in `drover up` (served at /metrics/prometheus), the
 * agent's own in `drover agent` (served at --metrics-port).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type RouterErrorKind = 'no_backend' | 'connect' | 'upstream' | 'client' | 'bind' | 'http';

export class RouterMetrics {
  readonly connections: Counter<'address' | 'service_port' | 'app'>;
  readonly active: Gauge<'address' | 'service_port' | 'app'>;
  readonly bytesIn: Counter<'address' | 'service_port' | 'app'>;
  readonly bytesOut: Counter<'address' | 'service_port' | 'app'>;
  readonly errors: Counter<'address' | 'service_port' | 'app' | 'kind'>;
  readonly connectSeconds: Histogram<'address' | 'service_port' | 'app'>;
  readonly routes: Gauge<'address'>;
  readonly bindFailures: Gauge<'address'>;

  constructor(registry: Registry) {
    const labelNames = ['address', 'service_port', 'app'] as const;
    const registers = [registry];
    this.connections = new Counter({
      name: 'drover_router_connections_total',
      help: 'Client connections accepted on a service port (or HTTP requests, in HTTP mode)',
      labelNames,
      registers,
    });
    this.active = new Gauge({
      name: 'drover_router_active_connections',
      help: 'Client connections open through a service port',
      labelNames,
      registers,
    });
    this.bytesIn = new Counter({
      name: 'drover_router_received_bytes_total',
      help: 'Bytes received from clients on a service port',
      labelNames,
      registers,
    });
    this.bytesOut = new Counter({
      name: 'drover_router_sent_bytes_total',
      help: 'Bytes sent to clients on a service port',
      labelNames,
      registers,
    });
    this.errors = new Counter({
      name: 'drover_router_errors_total',
      help: 'Failures by kind: no_backend, connect (every backend tried refused), upstream, client, bind, http',
      labelNames: [...labelNames, 'kind'],
      registers,
    });
    this.connectSeconds = new Histogram({
      name: 'drover_router_upstream_connect_seconds',
      help: 'Time to open the connection to the chosen task',
      labelNames,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.routes = new Gauge({
      name: 'drover_router_routes',
      help: 'Service ports the router serves',
      labelNames: ['address'],
      registers,
    });
    this.bindFailures = new Gauge({
      name: 'drover_router_bind_failures',
      help: 'Service ports the router cannot bind right now (retried)',
      labelNames: ['address'],
      registers,
    });
  }
}
