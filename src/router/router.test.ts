import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Registry } from 'prom-client';
import type { RouteBindFailure, RouteTable } from '../domain/agent-protocol.js';
import { systemClock } from '../platform/clock.js';
import { createLogger } from '../platform/logger.js';
import { RouterMetrics } from './router-metrics.js';
import { Router } from './tcp-router.js';
import { route } from './testing/route-fixture.js';

const logger = createLogger({ level: 'silent' });

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A backend that writes its name and keeps the connection until the client ends it. */
async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.write(name);
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

/** Opens a connection to the service port and resolves with the first bytes (the backend's name). */
function hello(port: number): Promise<{ name: string; end: () => void }> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('data', (d) => resolve({ name: d.toString(), end: () => s.end() }));
    s.once('error', reject);
    s.once('close', () => reject(new Error('closed without data')));
  });
}

function newRouter(
  t: { after(fn: () => unknown): void },
  extra: {
    onBindFailures?: (f: RouteBindFailure[]) => void;
    httpPort?: number;
    metrics?: RouterMetrics;
    connectTimeoutMs?: number;
  } = {},
) {
  const r = new Router({ address: '127.0.0.1', logger, clock: systemClock, bindRetryMs: 100, ...extra });
  t.after(() => r.close());
  return r;
}

test('connections go to the least loaded task; ties alternate', async (t) => {
  const a = await backend('a');
  const b = await backend('b');
  t.after(() => {
    a.server.close();
    b.server.close();
  });
  const sp = await freePort();
  const router = newRouter(t);
  router.apply({ routes: [route(sp, [a.port, b.port])] });
  await waitBound(router, sp);
  const first = await hello(sp);
  const second = await hello(sp);
  assert.notEqual(first.name, second.name, 'two idle tasks share the first two connections');
  second.end();
  await delay(50);
  // `first` is still open: the next connections go to the other task.
  for (let i = 0; i < 3; i++) {
    const c = await hello(sp);
    assert.notEqual(c.name, first.name);
    c.end();
    await delay(20);
  }
  first.end();
});

test('bytes arrive intact both ways through slow and fast clients, and a half-close is passed on', {
  timeout: 120_000,
}, async (t) => {
  // Back-pressure and buffering in the splice: slow readers leave the router's writes pending,
  // fast ones do not, and connections run side by side. Each connection gets its own
  // pseudo-random answer (24 MB in bulk, or 2 MB trickled), so a byte lost, repeated, reordered
  // or taken from another connection changes a checksum.
  const server = createServer({ allowHalfOpen: true }, (s) => {
    const got: Buffer[] = [];
    s.on('data', (d) => got.push(d));
    s.on('end', () => {
      // The client's request ends with its half-close: answer with bytes seeded by it, and echo it.
      const request = Buffer.concat(got);
      const seed = Number(request.toString().split(':')[1]);
      s.write(request);
      const answer = pattern(seed, sizeOf(seed));
      if (seed % 2 === 0) {
        s.end(answer);
        return;
      }
      // Odd seeds trickle in 1000-byte writes, so that the router reads small pieces: a write of
      // one to a slow client stays pending below the write buffer's limit (no 'drain' follows).
      let at = 0;
      const next = () => {
        if (s.destroyed) return;
        if (at >= answer.length) {
          s.end();
          return;
        }
        const more = s.write(answer.subarray(at, at + 1000));
        at += 1000;
        if (more) setImmediate(next);
        else s.once('drain', next);
      };
      next();
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const sp = await freePort();
  const router = newRouter(t);
  router.apply({ routes: [route(sp, [(server.address() as { port: number }).port])] });
  await waitBound(router, sp);
  const exchange = (seed: number, slow: boolean) =>
    new Promise<{ echoed: string; digest: string }>((resolve, reject) => {
      const request = `seed:${seed}:`.padEnd(64 * 1024, 'x');
      const c = connect({ host: '127.0.0.1', port: sp, allowHalfOpen: true });
      const parts: Buffer[] = [];
      c.on('data', (d) => {
        parts.push(d);
        // A slow reader of a bulk answer: 1 ms after every read, so that the router's writes
        // to it queue up past the write buffer's limit.
        if (slow && seed % 2 === 0) {
          c.pause();
          setTimeout(() => c.resume(), 1);
        }
      });
      // A slow reader also reads nothing for a while at first, so that the socket buffers fill
      // and the router's writes stay pending (small ones, for a trickled answer).
      if (slow) {
        c.pause();
        setTimeout(() => c.resume(), 500);
      }
      c.on('end', () => {
        const all = Buffer.concat(parts);
        resolve({
          echoed: all.subarray(0, request.length).toString(),
          digest: createHash('sha256').update(all.subarray(request.length)).digest('hex'),
        });
        c.end();
      });
      c.on('error', reject);
      c.end(request);
    });
  for (const [seed, slow] of [
    [1, true],
    [2, true],
    [4, false],
  ] as const) {
    const [a, b] = await Promise.all([exchange(seed, slow), exchange(seed + 100, !slow)]);
    for (const [r, sd] of [
      [a, seed],
      [b, seed + 100],
    ] as const) {
      assert.equal(r.echoed, `seed:${sd}:`.padEnd(64 * 1024, 'x'), 'the request reached the task whole');
      assert.equal(
        r.digest,
        createHash('sha256')
          .update(pattern(sd, sizeOf(sd)))
          .digest('hex'),
        `the answer of connection ${sd} arrived intact`,
      );
    }
  }
});

/** Bulk answers: more than loopback's socket buffers hold, so that writes to a slow client queue. */
const sizeOf = (seed: number) => (seed % 2 === 0 ? 24 * 1024 * 1024 : 2 * 1024 * 1024);

/** `n` pseudo-random bytes from `seed` (xorshift), so that every connection's bytes differ. */
const patterns = new Map<string, Buffer>();
function pattern(seed: number, n: number): Buffer {
  const known = patterns.get(`${seed}:${n}`);
  if (known) return known;
  const out = Buffer.allocUnsafe(n);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  patterns.set(`${seed}:${n}`, out);
  return out;
}

test('a task that refuses is skipped: the connection reaches a live one', async (t) => {
  const a = await backend('alive');
  t.after(() => a.server.close());
  const dead = await freePort();
  const sp = await freePort();
  const router = newRouter(t);
  router.apply({ routes: [route(sp, [dead, a.port, dead + 0])] });
  await waitBound(router, sp);
  for (let i = 0; i < 6; i++) {
    const c = await hello(sp);
    assert.equal(c.name, 'alive');
    c.end();
  }
});

/**
 * A port whose task never accepts: a listener (python3, listen backlog 0, never calling accept)
 * whose accept queue is full, so the kernel drops further SYNs and a connect hangs.
 */
async function stuckPort(t: { after(fn: () => unknown): void }): Promise<number> {
  const py = spawn('python3', [
    '-c',
    'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(600)',
  ]);
  const fillers: Array<ReturnType<typeof connect>> = [];
  t.after(() => {
    for (const f of fillers) f.destroy();
    py.kill();
  });
  const port = await new Promise<number>((resolve, reject) => {
    py.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    py.once('error', reject);
  });
  // Fill the accept queue until a connect stays pending.
  for (let i = 0; i < 16; i++) {
    const f = connect({ host: '127.0.0.1', port });
    f.on('error', () => {});
    fillers.push(f);
    const connected = await Promise.race([
      new Promise<boolean>((r) => f.once('connect', () => r(true))),
      delay(500).then(() => false),
    ]);
    if (!connected) return port;
  }
  throw new Error('the stuck listener kept accepting');
}

test('a task that does not accept within the connect timeout is skipped for the next', async (t) => {
  const a = await backend('alive');
  t.after(() => a.server.close());
  const stuck = await stuckPort(t);
  const sp = await freePort();
  const router = newRouter(t, { connectTimeoutMs: 200 });
  router.apply({ routes: [route(sp, [stuck, a.port])] });
  await waitBound(router, sp);
  // Ties rotate, so among these connections some try the stuck task first.
  const opened = await Promise.all([hello(sp), hello(sp), hello(sp)]);
  for (const c of opened) {
    assert.equal(c.name, 'alive');
    c.end();
  }
});

test('metrics per service port: connections, bytes both ways, upstream connect time, errors', async (t) => {
  const a = await backend('a');
  t.after(() => a.server.close());
  const registry = new Registry();
  const sp = await freePort();
  const empty = await freePort();
  const router = newRouter(t, { metrics: new RouterMetrics(registry) });
  router.apply({ routes: [route(sp, [a.port]), route(empty, [], { appId: '/none' })] });
  await waitBound(router, sp);
  await waitBound(router, empty);
  for (let i = 0; i < 2; i++) {
    const echoed = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: sp });
      s.once('error', reject);
      s.once('data', () => {
        s.once('data', (d) => {
          resolve(d.toString());
          s.end();
        });
        s.write('ping!');
      });
    });
    assert.equal(echoed, 'ping!');
  }
  await assert.rejects(hello(empty));
  const labels = { address: '127.0.0.1', service_port: String(sp), app: '/web' };
  const value = async (name: string, extra: Record<string, string> = {}) => {
    const want = { ...labels, ...extra };
    // A histogram's series carry their own names (_count, _sum, _bucket).
    const values = (await registry.getMetricsAsJSON()).flatMap((m) =>
      m.values.map((v) => ({ ...v, series: (v as { metricName?: string }).metricName ?? m.name })),
    );
    return values.find(
      (v) => v.series === name && Object.entries(want).every(([k, w]) => String(v.labels[k]) === w),
    )?.value;
  };
  // Closes are counted when the router sees them: wait for both connections to be done.
  for (let i = 0; i < 100 && (await value('drover_router_active_connections')) !== 0; i++) await delay(20);
  assert.equal(await value('drover_router_connections_total'), 2);
  assert.equal(await value('drover_router_active_connections'), 0);
  assert.equal(await value('drover_router_received_bytes_total'), 10, 'the clients sent 5 bytes each');
  assert.equal(await value('drover_router_sent_bytes_total'), 12, 'each got the name and its echo');
  assert.equal(await value('drover_router_upstream_connect_seconds_count'), 2);
  assert.equal(
    await value('drover_router_errors_total', {
      service_port: String(empty),
      app: '/none',
      kind: 'no_backend',
    }),
    1,
  );
});

test('backends change in place; an open connection survives; a removed route stops accepting', async (t) => {
  const a = await backend('a');
  const b = await backend('b');
  t.after(() => {
    a.server.close();
    b.server.close();
  });
  const sp = await freePort();
  const router = newRouter(t);
  router.apply({ routes: [route(sp, [a.port])] });
  await waitBound(router, sp);
  const open = await hello(sp);
  router.apply({ routes: [route(sp, [b.port])] });
  const next = await hello(sp);
  assert.equal(next.name, 'b', 'new connections follow the new table at once');
  next.end();
  // The connection opened before the update still echoes.
  const echoed = await new Promise<string>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: sp });
    s.once('data', () => {
      s.once('data', (d) => resolve(d.toString()));
      s.write('ping');
    });
  });
  assert.equal(echoed, 'ping');
  open.end();
  router.apply({ routes: [] });
  await delay(50);
  await assert.rejects(hello(sp));
});

test('an empty pool refuses connections; it does not hang them', async (t) => {
  const sp = await freePort();
  const router = newRouter(t);
  router.apply({ routes: [route(sp, [])] });
  await waitBound(router, sp);
  await assert.rejects(hello(sp), /closed without data|ECONNRESET/);
});

test('a service port in use is reported and retried; the other routes are served meanwhile', async (t) => {
  const a = await backend('a');
  t.after(() => a.server.close());
  const held = await freePort();
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(held, '127.0.0.1', r));
  const other = await freePort();
  const reports: RouteBindFailure[][] = [];
  const router = newRouter(t, { onBindFailures: (f) => reports.push(f) });
  const table: RouteTable = { routes: [route(held, [a.port]), route(other, [a.port], { appId: '/other' })] };
  router.apply(table);
  await waitFor(() => reports.length > 0);
  assert.deepEqual(
    reports.at(-1)!.map((f) => [f.servicePort, f.appId, f.address, /EADDRINUSE/.test(f.error)]),
    [[held, '/web', '127.0.0.1', true]],
  );
  await waitBound(router, other);
  assert.equal((await hello(other)).name, 'a');
  await new Promise((r) => blocker.close(r));
  await waitBound(router, held);
  await waitFor(() => reports.at(-1)!.length === 0);
  const c = await hello(held);
  assert.equal(c.name, 'a');
  c.end();
});

test('HTTP mode: X-Forwarded headers, idempotent retry on a refused task, 503 with no task', async (t) => {
  const seen: Record<string, string | string[] | undefined>[] = [];
  const app = createHttpServer((req, res) => {
    seen.push(req.headers);
    res.end(`hi ${req.method} ${req.url}`);
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  t.after(() => app.close());
  const live = (app.address() as { port: number }).port;
  const dead = await freePort();
  const sp = await freePort();
  const httpPort = await freePort();
  const router = newRouter(t, { httpPort });
  router.apply({
    routes: [route(sp, [dead, live], { mode: 'http', vhosts: ['shop.local'], paths: ['/api'] })],
  });
  await waitBound(router, sp);
  for (let i = 0; i < 4; i++) {
    const r = await get(sp, '/x', 'whatever');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'hi GET /x');
  }
  await waitFor(
    async () => (await get(httpPort, '/api/items', 'shop.local').catch(() => undefined))?.status === 200,
  );
  const viaVhost = await get(httpPort, '/api/items', 'shop.local:8000');
  assert.equal(viaVhost.body, 'hi GET /api/items');
  const h = seen.at(-1)!;
  assert.equal(h['x-forwarded-for'], '127.0.0.1');
  assert.equal(h['x-forwarded-host'], 'shop.local:8000');
  assert.equal(h['x-forwarded-proto'], 'http');
  assert.equal(h['x-forwarded-port'], String(httpPort));
  assert.equal((await get(httpPort, '/other', 'shop.local')).status, 503);
  router.apply({ routes: [route(sp, [], { mode: 'http' })] });
  assert.equal((await get(sp, '/', 'x')).status, 503);
});

function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('timed out');
    await delay(10);
  }
}

function waitBound(router: Router, port: number): Promise<void> {
  return waitFor(() => router.boundPorts().includes(port));
}
