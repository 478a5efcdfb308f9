/**
 * The embedded router of one agent: it listens on every service port of the routing table on the
 * agent's address and forwards each connection to one of the route's tasks, least connections
 * first (least-connections.ts). The table arrives from the master (agent protocol `routes`); a
 * route's backends change in place, so open connections are never cut by an update, and a route
 * that leaves the table stops accepting while its open connections finish.
 *
 * A connection is not read from until its task accepted: when a task refuses (it just died, say
 * after a kill -9, before the master knows), the next backend is tried, so only connections
 * already open to a dead task fail.
 *
 * A service port that cannot be bound (another process has it) is reported through
 * `onBindFailures` and retried every `bindRetryMs`; it never stops the other routes.
 *
 * HTTP-mode routes (DROVER_ROUTER_MODE=http) are served by http-proxy.ts on their service port
 * and, by vhost and path, on the shared HTTP port.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Route, RouteBindFailure, RouteTable } from '../domain/agent-protocol.js';
import type { CancelTimer, Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { matchHttpRoute } from '../routing/http-match.js';
import { createHttpProxy, type HttpProxy } from './http-proxy.js';
import { backendKey, ConnectionCounts } from './least-connections.js';
import type { RouterMetrics } from './router-metrics.js';

export interface RouterOptions {
  /** The agent's address: every service port is bound here. */
  address: string;
  logger: Logger;
  clock: Clock;
  metrics?: RouterMetrics;
  /** Called whenever the set of service ports that cannot be bound changes. */
  onBindFailures?: (failures: RouteBindFailure[]) => void;
  /** Default 2000. */
  bindRetryMs?: number;
  /** A task that has not accepted within this is skipped for the next. Default 2000. */
  connectTimeoutMs?: number;
  /** The shared HTTP port for HTTP-mode apps' vhosts and paths; undefined: none. */
  httpPort?: number;
}

interface PortListener {
  port: number;
  route: Route;
  server: Server | HttpServer;
  bound: boolean;
  failure?: RouteBindFailure;
  retry?: CancelTimer;
  closed: boolean;
  labels?: MetricLabels;
}

type MetricLabels = { address: string; service_port: string; app: string };

/** Shared HTTP port's key among the listeners: never a real service port. */
const HTTP_PORT_KEY = -1;

export class Router {
  private readonly listeners = new Map<number, PortListener>();
  private readonly counts = new ConnectionCounts();
  private readonly sockets = new Set<Socket>();
  private table: RouteTable = { routes: [] };
  private readonly http: HttpProxy;
  private lastReported = '[]';
  private closing = false;
  /** Connects to tasks in flight, and the one timer that times them out. */
  private readonly connecting = new Set<Connecting>();
  private sweep: CancelTimer | undefined;

  constructor(private readonly opts: RouterOptions) {
    this.http = createHttpProxy({
      counts: this.counts,
      address: opts.address,
      logger: opts.logger,
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
    });
  }

  /** Takes a new table: binds new service ports, closes removed ones, swaps backends in place. */
  apply(table: RouteTable): void {
    if (this.closing) return;
    this.table = table;
    const wanted = new Map(table.routes.map((r) => [r.servicePort, r]));
    for (const [port, l] of this.listeners) {
      if (port === HTTP_PORT_KEY) continue;
      const next = wanted.get(port);
      if (!next || next.mode !== l.route.mode) this.closeListener(l);
      else l.route = next;
    }
    for (const route of table.routes) {
      if (!this.listeners.has(route.servicePort)) this.listen(route.servicePort, route);
    }
    const needHttpPort = this.opts.httpPort !== undefined && table.routes.some((r) => r.mode === 'http');
    const httpListener = this.listeners.get(HTTP_PORT_KEY);
    if (needHttpPort && !httpListener) this.listen(HTTP_PORT_KEY, sharedHttpRoute(this.opts.httpPort!));
    if (!needHttpPort && httpListener) this.closeListener(httpListener);
    this.opts.metrics?.routes.set({ address: this.opts.address }, table.routes.length);
    this.report();
  }

  /** Service ports that are bound now (the shared HTTP port excluded). */
  boundPorts(): number[] {
    return [...this.listeners.values()].filter((l) => l.bound && l.port !== HTTP_PORT_KEY).map((l) => l.port);
  }

  bindFailures(): RouteBindFailure[] {
    return [...this.listeners.values()].flatMap((l) => (l.failure ? [l.failure] : []));
  }

  /** Stops listening and cuts every open connection. */
  async close(): Promise<void> {
    this.closing = true;
    this.sweep?.();
    this.sweep = undefined;
    for (const c of this.connecting) c.socket.destroy();
    this.connecting.clear();
    const closing = [...this.listeners.values()].map((l) => this.closeListener(l));
    for (const s of this.sockets) s.destroy();
    this.http.close();
    await Promise.all(closing);
  }

  private listen(key: number, route: Route): void {
    const port = key === HTTP_PORT_KEY ? this.opts.httpPort! : key;
    const l: PortListener = { port: key, route, server: this.serverFor(key), bound: false, closed: false };
    this.listeners.set(key, l);
    this.bind(l, port);
  }

  private serverFor(key: number): Server | HttpServer {
    if (key === HTTP_PORT_KEY) {
      return createHttpServer((req, res) => {
        const route = matchHttpRoute(this.table, req.headers.host, req.url ?? '/');
        this.http.handle(req, res, route);
      });
    }
    const l = () => this.listeners.get(key);
    const current = l()?.route ?? this.table.routes.find((r) => r.servicePort === key);
    if (current?.mode === 'http') {
      return createHttpServer((req, res) => this.http.handle(req, res, l()?.route));
    }
    return createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) => {
      const listener = l();
      if (listener) this.forward(listener, socket);
      else socket.destroy();
    });
  }

  private bind(l: PortListener, port: number): void {
    const server = l.server;
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (l.closed) return;
      const first = l.failure?.since ?? this.opts.clock.now();
      l.failure = {
        servicePort: port,
        appId: l.route.appId,
        address: this.opts.address,
        error: err.code ? `${err.code}: ${err.message}` : err.message,
        since: first,
      };
      this.opts.metrics?.errors.inc({ ...this.labels(l), kind: 'bind' });
      const fields = {
        servicePort: port,
        appId: l.route.appId,
        address: this.opts.address,
        err: err.message,
      };
      // Once at warn (the master announces it too); each retry only at debug.
      if (first === this.opts.clock.now())
        this.opts.logger.warn(fields, 'router cannot bind a service port; retrying');
      else this.opts.logger.debug(fields, 'router still cannot bind a service port');
      this.report();
      l.retry = this.opts.clock.setTimer(this.opts.bindRetryMs ?? 2_000, () => {
        l.retry = undefined;
        if (l.closed) return;
        l.server = this.serverFor(l.port);
        this.bind(l, port);
      });
    };
    const onListening = () => {
      server.off('error', onError);
      server.on('error', (err) => this.opts.logger.warn({ err, servicePort: port }, 'router listener error'));
      if (l.closed) {
        server.close();
        return;
      }
      l.bound = true;
      if (l.failure) {
        this.opts.logger.info({ servicePort: port, appId: l.route.appId }, 'router bound the service port');
        delete l.failure;
        this.report();
      }
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: this.opts.address, port, exclusive: true });
  }

  private closeListener(l: PortListener): Promise<void> {
    l.closed = true;
    l.retry?.();
    this.listeners.delete(l.port);
    if (l.failure) delete l.failure;
    if (!l.bound) return Promise.resolve();
    l.bound = false;
    return new Promise((resolve) => l.server.close(() => resolve()));
  }

  private labels(l: PortListener) {
    return {
      address: this.opts.address,
      service_port: String(l.port === HTTP_PORT_KEY ? this.opts.httpPort : l.port),
      app: l.route.appId,
    };
  }

  /** The listener's metric labels, made again only when its port changed app. */
  private labelsOf(l: PortListener): MetricLabels {
    if (l.labels?.app !== l.route.appId) l.labels = this.labels(l);
    return l.labels;
  }

  private report(): void {
    const failures = this.bindFailures().sort((a, b) => a.servicePort - b.servicePort);
    this.opts.metrics?.bindFailures.set({ address: this.opts.address }, failures.length);
    const now = JSON.stringify(failures);
    if (now === this.lastReported) return;
    this.lastReported = now;
    this.opts.onBindFailures?.(failures);
  }

  /**
   * One client connection: find a task that accepts, then splice the two sockets. Written for the
   * per-connection cost (BENCHMARKS.md, router): labels come resolved with the listener, one
   * connect-timeout sweep serves every connect in flight (no timer per connection), TCP_NODELAY
   * comes with the socket options, the set of refused backends is made only on a retry.
   */
  private forward(l: PortListener, client: Socket): void {
    const labels = this.labelsOf(l);
    const m = this.opts.metrics;
    m?.connections.inc(labels);
    m?.active.inc(labels);
    this.sockets.add(client);
    let upstream: Socket | undefined;
    let clientGone = false;
    let pending: Connecting | undefined;
    client.on('error', () => {
      if (upstream === undefined) m?.errors.inc({ ...labels, kind: 'client' });
    });
    client.once('close', () => {
      clientGone = true;
      this.sockets.delete(client);
      m?.active.dec(labels);
      m?.bytesIn.inc(labels, client.bytesRead);
      m?.bytesOut.inc(labels, client.bytesWritten);
      upstream?.destroy();
      if (pending) {
        this.connecting.delete(pending);
        pending.socket.destroy();
      }
    });
    let tried: Set<string> | undefined;
    const attempt = () => {
      if (clientGone) return;
      const backend = this.counts.pick(l.route.backends, tried);
      if (!backend) {
        m?.errors.inc({ ...labels, kind: tried === undefined ? 'no_backend' : 'connect' });
        client.destroy();
        return;
      }
      const key = backendKey(backend);
      const started = performance.now();
      const up = connect({ host: backend.host, port: backend.port, allowHalfOpen: true, noDelay: true });
      const c: Connecting = { socket: up, started };
      pending = c;
      this.connecting.add(c);
      this.sweepConnects();
      up.once('connect', () => {
        this.connecting.delete(c);
        pending = undefined;
        if (clientGone) {
          up.destroy();
          return;
        }
        upstream = up;
        this.counts.opened(key);
        this.sockets.add(up);
        m?.connectSeconds.observe(labels, (performance.now() - started) / 1000);
        client.pipe(up);
        up.pipe(client);
        client.resume();
      });
      up.on('error', () => {
        if (upstream === up) {
          m?.errors.inc({ ...labels, kind: 'upstream' });
          return;
        }
        if (pending !== c) return;
        // Refused, or timed out: the next task.
        this.connecting.delete(c);
        pending = undefined;
        tried ??= new Set();
        tried.add(key);
        attempt();
      });
      up.once('close', (hadError) => {
        if (upstream !== up) return;
        this.sockets.delete(up);
        this.counts.closed(key);
        // After an error, cut the client. After a clean close the pipe ends the client; once that
        // is flushed, close it too, even when the client keeps its own side open.
        if (hadError) client.destroy();
        else if (client.writableFinished) client.destroy();
        else {
          client.once('finish', () => client.destroy());
          client.end();
        }
      });
    };
    attempt();
  }

  /**
   * One timer per router while connects are in flight: a connect older than the timeout is
   * destroyed (its error tries the next task). It looks every quarter of the timeout, so a task is
   * skipped after 1 to 1.25 times the timeout.
   */
  private sweepConnects(): void {
    if (this.sweep !== undefined) return;
    const timeout = this.opts.connectTimeoutMs ?? 2_000;
    this.sweep = this.opts.clock.setTimer(Math.max(10, timeout / 4), () => {
      this.sweep = undefined;
      const now = performance.now();
      for (const c of this.connecting) {
        if (now - c.started >= timeout) c.socket.destroy(new Error('connect timeout'));
      }
      if (this.connecting.size > 0 && !this.closing) this.sweepConnects();
    });
  }
}

/** A connect to a task in flight: what the connect-timeout sweep looks at. */
interface Connecting {
  socket: Socket;
  started: number;
}

function sharedHttpRoute(port: number): Route {
  return { appId: '', servicePort: port, portIndex: 0, mode: 'http', vhosts: [], paths: [], backends: [] };
}
