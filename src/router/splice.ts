/**
 * The TCP data path of one client connection of the embedded router: pick a task (least
 * connections), connect, and when the task accepted, splice the two sockets (bytes both ways,
 * back-pressure, half-close); when it refuses or does not accept within the connect timeout, the
 * next task is tried. The client socket is not read from until a task accepted.
 *
 * Written for the per-connection cost (a new connection through the router cost about 3.5x
 * HAProxy's CPU): the task's bytes are read into a 16 KiB buffer per upstream socket, reused from
 * read to read and, through a small pool, from connection to connection, instead of a new 64 KiB
 * allocation per read (net's `onread`); the socket listeners are module-level functions that find
 * the connection's one state object on the socket, instead of closures and `pipe()`'s listeners
 * made per connection; connect timeouts are one sweep per router, not a timer per connection;
 * TCP_NODELAY comes with the socket options. Measured A/B with bench/router-cost.bench.ts
 * (BENCHMARKS.md, router section): the reused buffer lowers the CPU per keep-alive request by
 * 7-9%; a new connection still costs about twice HAProxy's CPU, most of it Node's own per-socket
 * work. The price: 16 KiB held per open upstream connection (HAProxy's default tune.bufsize).
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Route } from '../domain/agent-protocol.js';
import type { CancelTimer, Clock } from '../platform/clock.js';
import { backendKey, type ConnectionCounts } from './least-connections.js';
import type { RouterMetrics } from './router-metrics.js';

/** What every connection of one router shares. */
export interface SpliceContext {
  counts: ConnectionCounts;
  /** Every open socket (client and connected upstream), for the router's close(). */
  sockets: Set<Socket>;
  metrics: RouterMetrics | undefined;
  clock: Clock;
  connectTimeoutMs: number;
  /** Connections whose upstream connect is in flight: the sweep's work list. */
  connecting: Set<Splice>;
  sweep: CancelTimer | undefined;
}

export type SpliceLabels = { address: string; service_port: string; app: string };

export function spliceContext(
  counts: ConnectionCounts,
  sockets: Set<Socket>,
  metrics: RouterMetrics | undefined,
  clock: Clock,
  connectTimeoutMs: number,
): SpliceContext {
  return { counts, sockets, metrics, clock, connectTimeoutMs, connecting: new Set(), sweep: undefined };
}

/** Stops the connect-timeout sweep (the router is closing). */
export function stopSplicing(ctx: SpliceContext): void {
  ctx.sweep?.();
  ctx.sweep = undefined;
  for (const s of ctx.connecting) s.pending?.destroy();
  ctx.connecting.clear();
}

const SPLICE = Symbol('splice');
type Spliced = Socket & { [SPLICE]: Splice };

class Splice {
  /** The connected task socket, once a task accepted. */
  upstream: Socket | undefined = undefined;
  /** The connect in flight. */
  pending: Socket | undefined = undefined;
  /** The backend of the current attempt. */
  key = '';
  /** Backends that refused; made only on a retry. */
  tried: Set<string> | undefined = undefined;
  started = 0;
  clientGone = false;
  readBuffer: Buffer | undefined = undefined;
  /** `onread`'s buffer source, asked at connect and after every read. */
  readonly nextBuffer = (): Buffer => takeReadBuffer(this);

  constructor(
    readonly ctx: SpliceContext,
    /** The listener: its route (and so its backends) is swapped in place by table updates. */
    readonly listener: { readonly route: Route },
    readonly labels: SpliceLabels,
    readonly client: Spliced,
  ) {}
}

/** Takes a client connection accepted with `pauseOnConnect` and forwards it. */
export function startSplice(
  ctx: SpliceContext,
  listener: { readonly route: Route },
  labels: SpliceLabels,
  socket: Socket,
): void {
  const client = socket as Spliced;
  const s = new Splice(ctx, listener, labels, client);
  client[SPLICE] = s;
  client.on('error', onClientError);
  client.once('close', onClientClose);
  attempt(s);
}

function attempt(s: Splice): void {
  if (s.clientGone) return;
  const { ctx, labels } = s;
  const backend = ctx.counts.pick(s.listener.route.backends, s.tried);
  if (!backend) {
    ctx.metrics?.errors.inc({ ...labels, kind: s.tried === undefined ? 'no_backend' : 'connect' });
    s.client.destroy();
    return;
  }
  s.key = backendKey(backend);
  s.started = performance.now();
  const up = connect({
    host: backend.host,
    port: backend.port,
    allowHalfOpen: true,
    noDelay: true,
    onread: { buffer: s.nextBuffer, callback: onUpRead },
  }) as Spliced;
  up[SPLICE] = s;
  s.pending = up;
  up.once('connect', onUpConnect);
  up.on('error', onUpError);
  up.once('close', onUpClose);
  ctx.connecting.add(s);
  if (ctx.sweep === undefined) scheduleSweep(ctx);
}

/**
 * One timer per router while connects are in flight: a connect older than the timeout is
 * destroyed (its error tries the next task). Checked every quarter of the timeout, so a task is
 * skipped after 1 to 1.25 times the timeout.
 */
function scheduleSweep(ctx: SpliceContext): void {
  ctx.sweep = ctx.clock.setTimer(Math.max(10, ctx.connectTimeoutMs / 4), () => {
    ctx.sweep = undefined;
    const now = performance.now();
    for (const s of ctx.connecting) {
      if (now - s.started >= ctx.connectTimeoutMs) s.pending?.destroy(new Error('connect timeout'));
    }
    if (ctx.connecting.size > 0) scheduleSweep(ctx);
  });
}

function onUpConnect(this: Spliced): void {
  const s = this[SPLICE];
  const { ctx, client } = s;
  ctx.connecting.delete(s);
  s.pending = undefined;
  if (s.clientGone) {
    this.destroy();
    return;
  }
  s.upstream = this;
  ctx.counts.opened(s.key);
  ctx.sockets.add(this);
  ctx.metrics?.connectSeconds.observe(s.labels, (performance.now() - s.started) / 1000);
  client.on('data', onClientData);
  client.on('end', onClientEnd);
  client.on('drain', onClientDrain);
  this.on('end', onUpEnd);
  this.on('drain', onUpDrain);
  client.resume();
}

function onUpError(this: Spliced): void {
  const s = this[SPLICE];
  if (s.upstream === this) {
    s.ctx.metrics?.errors.inc({ ...s.labels, kind: 'upstream' });
    return;
  }
  if (s.pending !== this) return;
  // Refused, or timed out: the next task.
  s.pending = undefined;
  s.ctx.connecting.delete(s);
  s.tried ??= new Set();
  s.tried.add(s.key);
  attempt(s);
}

function onUpClose(this: Spliced, hadError: boolean): void {
  const s = this[SPLICE];
  if (s.upstream !== this) return;
  s.ctx.sockets.delete(this);
  s.ctx.counts.closed(s.key);
  const client = s.client;
  // After an error, cut the client. After a clean close the task's end was passed on to the
  // client; once that is flushed, close it too, even when the client keeps its own side open.
  // No write holds the current read buffer (one that a pending write held was replaced).
  giveBack(s);
  if (hadError || client.writableFinished) client.destroy();
  else {
    client.once('finish', destroySelf);
    client.end();
  }
}

function onClientError(this: Spliced): void {
  const s = this[SPLICE];
  if (s.upstream === undefined) s.ctx.metrics?.errors.inc({ ...s.labels, kind: 'client' });
}

function onClientClose(this: Spliced): void {
  const s = this[SPLICE];
  const { ctx, labels } = s;
  s.clientGone = true;
  ctx.sockets.delete(this);
  const m = ctx.metrics;
  if (m) {
    m.active.dec(labels);
    m.bytesIn.inc(labels, this.bytesRead);
    m.bytesOut.inc(labels, this.bytesWritten);
  }
  s.upstream?.destroy();
  if (s.pending) {
    ctx.connecting.delete(s);
    s.pending.destroy();
    s.pending = undefined;
  }
}

// The splice itself: what one side sends is written to the other; a full write buffer pauses
// the sender until the buffer drains; an end (half-close) is passed on.
function onClientData(this: Spliced, chunk: Buffer): void {
  if (!this[SPLICE].upstream!.write(chunk)) this.pause();
}
/**
 * The task's bytes are read into the upstream socket's own buffer, reused from read to read. A
 * write to the client that did not complete at once still points into that buffer: the next read
 * gets a new one (`onread` asks `nextBuffer` after every read), and the held one is left to the
 * collector. Back-pressure is the write's own, as with pipe(): a full write buffer pauses reading
 * until the client drains.
 */
const READ_BUFFER = 16 * 1024;
const POOL_MAX = 256;
const pool: Buffer[] = [];
function takeReadBuffer(s: Splice): Buffer {
  s.readBuffer ??= pool.pop() ?? Buffer.allocUnsafe(READ_BUFFER);
  return s.readBuffer;
}
function giveBack(s: Splice): void {
  if (s.readBuffer && pool.length < POOL_MAX) pool.push(s.readBuffer);
  s.readBuffer = undefined;
}
function onUpRead(this: Spliced, n: number, buf: Buffer): boolean {
  const s = this[SPLICE];
  const client = s.client;
  const more = client.write(buf.subarray(0, n));
  if (client.writableLength !== 0) s.readBuffer = Buffer.allocUnsafe(READ_BUFFER);
  return more;
}
function onUpDrain(this: Spliced): void {
  this[SPLICE].client.resume();
}
function onClientDrain(this: Spliced): void {
  this[SPLICE].upstream?.resume();
}
function onClientEnd(this: Spliced): void {
  this[SPLICE].upstream?.end();
}
function onUpEnd(this: Spliced): void {
  this[SPLICE].client.end();
}
function destroySelf(this: Socket): void {
  this.destroy();
}
