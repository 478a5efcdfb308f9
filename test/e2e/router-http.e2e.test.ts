/**
 * Issue 15, HTTP mode against a real `drover up`: apps labelled DROVER_ROUTER_MODE=http (or with
 * marathon-lb's HAPROXY_{n}_VHOST / DROVER_ROUTER_{n}_PATH) are proxied as HTTP on their service
 * ports, with X-Forwarded-* headers, and reached on the shared HTTP port (`--router-http-port`) by
 * Host and path prefix; a request nothing matches gets 503. A rolling upgrade under load through
 * an HTTP-mode service port fails no request.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { DroverProcess } from './support/drover-process.js';
import { freeServicePort } from './support/router-load.js';
import { deployEcho, upgradeUnderLoad } from './support/router-scenarios.js';
import { waitFor } from './support/wait-for.js';

interface Answer {
  status: number;
  body: { app?: string; path?: string; headers?: Record<string, string> } | string;
}

function get(port: number, path: string, host?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent: false, headers: host ? { host } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          let body: Answer['body'] = text;
          try {
            body = JSON.parse(text);
          } catch {
            // plain text (the router's own 503)
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const appOf = (a: Answer) => (typeof a.body === 'string' ? undefined : a.body.app);

test('HTTP mode: service ports proxy HTTP with X-Forwarded-*, the shared port routes by host and path', {
  timeout: 420_000,
}, async (t) => {
  const httpPort = await freeServicePort();
  const drover = await DroverProcess.startFor(t, {
    agents: 2,
    args: ['--router-http-port', String(httpPort)],
  });
  const [webPort, apiPort, catchPort] = [
    await freeServicePort(),
    await freeServicePort(),
    await freeServicePort(),
  ];
  // marathon-lb's label alone means HTTP mode; Drover's own names work as well.
  await deployEcho(drover, '/web', webPort, 2, '127.0.0.1', {
    HAPROXY_0_VHOST: 'web.example.com,*.web.example.com',
  });
  await deployEcho(drover, '/api', apiPort, 1, '127.0.0.1', { DROVER_ROUTER_0_PATH: '/api' });
  await deployEcho(drover, '/fallback', catchPort, 1, '127.0.0.1', { DROVER_ROUTER_MODE: 'http' });

  // On its own service port: HTTP with the proxy's headers.
  const direct = await get(webPort, '/headers', 'web.example.com');
  assert.equal(direct.status, 200);
  const headers = (direct.body as { headers: Record<string, string> }).headers;
  assert.equal(headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(headers['x-forwarded-host'], 'web.example.com');
  assert.equal(headers['x-forwarded-proto'], 'http');
  assert.equal(headers['x-forwarded-port'], String(webPort));

  // The shared HTTP port: exact host, wildcard host, path prefix, and the app with neither.
  await waitFor(async () => (await get(httpPort, '/', 'web.example.com')).status === 200, {
    what: 'the shared HTTP port',
  });
  assert.equal(appOf(await get(httpPort, '/', 'web.example.com')), '/web');
  assert.equal(appOf(await get(httpPort, '/x', 'a.web.example.com:8000')), '/web');
  const api = await get(httpPort, '/api/v1/items', 'other.example.org');
  assert.equal(appOf(api), '/api');
  assert.equal((api.body as { path: string }).path, '/api/v1/items', 'the path is passed on whole');
  assert.equal(appOf(await get(httpPort, '/apix', 'other.example.org')), '/fallback', 'a prefix ends at a /');
  assert.equal(appOf(await get(httpPort, '/', 'other.example.org')), '/fallback');

  // With the catch-all gone, a request nothing matches gets 503 from the router.
  await drover.api.json('DELETE', '/v2/apps/fallback');
  await waitFor(async () => (await get(httpPort, '/', 'other.example.org')).status === 503, {
    what: '503 for a request no route takes',
    timeoutMs: 60_000,
  });
  assert.equal(appOf(await get(httpPort, '/api', 'other.example.org')), '/api');

  t.diagnostic(
    `upgrade: ${await upgradeUnderLoad(drover, '/web', webPort, 2, {
      labels: { HAPROXY_0_VHOST: 'web.example.com,*.web.example.com' },
      // Two instances upgrade quickly: fewer requests than the 10-instance tests see.
      minRequests: 20,
    })}`,
  );
});
