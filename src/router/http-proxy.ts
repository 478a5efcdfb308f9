/**
 * HTTP mode (an app labelled DROVER_ROUTER_MODE=http, or with vhost/path labels): the router ends
 * each client's HTTP request and sends it on to a task, least connections first, over kept-alive
 * upstream connections, adding X-Forwarded-For/-Host/-Proto/-Port. A request that is idempotent
 * (GET, HEAD, PUT, DELETE, OPTIONS, TRACE; with a body of at most 1 MiB, held until sent) is
 * retried on the next task when a task refuses the connection, or drops a reused kept-alive one
 * before answering: what happens to a task that just died. Anything else fails with 502, as it
 * may have reached the task. No task at all: 503. WebSocket upgrades are not proxied.
 */
import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request,
  type ServerResponse,
} from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Route } from '../domain/agent-protocol.js';
import type { Logger } from '../platform/logger.js';
import { backendKey, type ConnectionCounts } from './least-connections.js';
import type { RouterMetrics } from './router-metrics.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);
const MAX_RETRY_BODY = 1024 * 1024;
/** Per-hop headers (RFC 9110 §7.6.1): never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface HttpProxy {
  handle(req: IncomingMessage, res: ServerResponse, route: Route | undefined): void;
  close(): void;
}

export interface HttpProxyOptions {
  counts: ConnectionCounts;
  address: string;
  logger: Logger;
  metrics?: RouterMetrics;
}

export function createHttpProxy(opts: HttpProxyOptions): HttpProxy {
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 256 });
  const m = opts.metrics;

  function handle(req: IncomingMessage, res: ServerResponse, route: Route | undefined): void {
    const labels = {
      address: opts.address,
      service_port: String(req.socket.localPort ?? ''),
      app: route?.appId ?? '',
    };
    m?.connections.inc(labels);
    m?.active.inc(labels);
    res.once('close', () => {
      m?.active.dec(labels);
      m?.bytesIn.inc(labels, Number(req.headers['content-length'] ?? 0) || 0);
    });
    if (!route || route.backends.length === 0) {
      m?.errors.inc({ ...labels, kind: 'no_backend' });
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no task to route to\n');
      return;
    }
    const retryable = IDEMPOTENT.has(req.method ?? '');
    if (!retryable) {
      send(req, res, route, labels, undefined, false);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!req.headers['transfer-encoding'] && declared === 0) {
      send(req, res, route, labels, Buffer.alloc(0), true);
      return;
    }
    if (declared > MAX_RETRY_BODY) {
      send(req, res, route, labels, undefined, false);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      chunks.push(c);
    });
    req.once('end', () => {
      send(req, res, route, labels, Buffer.concat(chunks, size), size <= MAX_RETRY_BODY);
    });
    req.once('error', () => res.destroy());
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    labels: { address: string; service_port: string; app: string },
    body: Buffer | undefined,
    retryable: boolean,
  ): void {
    const tried = new Set<string>();
    const attempt = () => {
      const backend = opts.counts.pick(route.backends, tried);
      if (!backend) {
        m?.errors.inc({ ...labels, kind: 'connect' });
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('no task answered\n');
        else res.destroy();
        return;
      }
      const key = backendKey(backend);
      tried.add(key);
      opts.counts.opened(key);
      let counted = true;
      const done = () => {
        if (counted) opts.counts.closed(key);
        counted = false;
      };
      const started = performance.now();
      const up = request({
        host: backend.host,
        port: backend.port,
        method: req.method,
        path: req.url,
        headers: forwardHeaders(req),
        agent,
      });
      up.once('socket', (s) => {
        if (s.connecting)
          s.once('connect', () => m?.connectSeconds.observe(labels, (performance.now() - started) / 1000));
      });
      up.once('response', (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.statusMessage, responseHeaders(ur.headers));
        ur.pipe(res);
        ur.once('end', done);
        ur.once('error', () => {
          done();
          m?.errors.inc({ ...labels, kind: 'upstream' });
          res.destroy();
        });
      });
      up.once('error', (err: NodeJS.ErrnoException) => {
        done();
        if (res.headersSent) {
          m?.errors.inc({ ...labels, kind: 'upstream' });
          res.destroy();
          return;
        }
        const refused = err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH';
        const droppedReused = up.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        if (retryable && (refused || droppedReused)) {
          attempt();
          return;
        }
        m?.errors.inc({ ...labels, kind: 'http' });
        res.writeHead(502, { 'content-type': 'text/plain' }).end('task failed to answer\n');
      });
      res.once('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      if (body !== undefined) up.end(body);
      else req.pipe(up);
    };
    attempt();
  }

  return { handle, close: () => agent.destroy() };
}

function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const connectionNamed = new Set(
    String(req.headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase()),
  );
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || connectionNamed.has(k)) continue;
    out[k] = v;
  }
  const peer = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${prior}, ${peer}` : peer;
  if (req.headers.host) out['x-forwarded-host'] = req.headers.host;
  out['x-forwarded-proto'] = 'http';
  out['x-forwarded-port'] = String(req.socket.localPort ?? '');
  if (req.headers['transfer-encoding'] && req.headers['content-length'] === undefined) {
    out['transfer-encoding'] = 'chunked';
  }
  return out;
}

function responseHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}
