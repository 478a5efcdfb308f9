import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Route } from '../domain/agent-protocol.js';
import { defaultHeader, haproxyConfig } from './haproxy-config.js';

const route = (servicePort: number, over: Partial<Route> = {}): Route => ({
  appId: `/app${servicePort}`,
  servicePort,
  portIndex: 0,
  mode: 'tcp',
  vhosts: [],
  paths: [],
  backends: [],
  ...over,
});

const section = (cfg: string, name: string) => {
  const start = cfg.indexOf(`\n${name}\n`);
  assert.ok(start >= 0, `${name} in\n${cfg}`);
  const end = cfg.indexOf('\n\n', start + 1);
  return cfg.slice(start + 1, end < 0 ? undefined : end);
};

test('a TCP route: its service port on the address, least connections over its tasks', () => {
  const cfg = haproxyConfig(
    {
      routes: [
        route(10555, {
          backends: [
            { taskId: 'web.1', host: '127.0.0.1', port: 25001 },
            { taskId: 'web 2', host: '::1', port: 25002 },
          ],
        }),
      ],
    },
    { address: '10.0.0.5', statsSocket: '/run/h.sock' },
  );
  assert.ok(cfg.startsWith('# Written by'));
  assert.ok(cfg.includes(defaultHeader('/run/h.sock')));
  assert.ok(cfg.includes('stats socket /run/h.sock mode 600 level admin expose-fd listeners'));
  assert.equal(
    section(cfg, 'listen drover_10555'),
    [
      'listen drover_10555',
      '  bind 10.0.0.5:10555',
      '  mode tcp',
      '  balance leastconn',
      '  server web.1 127.0.0.1:25001',
      '  server web_2 [::1]:25002',
    ].join('\n'),
  );
});

test('a route without tasks keeps its port, with no server; the header can be replaced', () => {
  const cfg = haproxyConfig({ routes: [route(10600)] }, { address: '127.0.0.1', header: 'global\n' });
  assert.ok(!cfg.includes('defaults'));
  assert.ok(!section(cfg, 'listen drover_10600').includes('server'));
});

test('HTTP routes add X-Forwarded-*; the HTTP port routes by host and path in http-match order', () => {
  const backends = [{ taskId: 't', host: '127.0.0.1', port: 30000 }];
  const cfg = haproxyConfig(
    {
      routes: [
        route(10001, { mode: 'http', backends }),
        route(10002, { mode: 'http', vhosts: ['*.example.com'], backends }),
        route(10003, { mode: 'http', vhosts: ['api.example.com'], paths: ['/v1', '/v1/admin/'], backends }),
        route(10004, { mode: 'tcp', backends }),
      ],
    },
    { address: '127.0.0.1', httpPort: 8000 },
  );
  assert.match(section(cfg, 'listen drover_10001'), /option forwardfor\n.*X-Forwarded-Host/);
  assert.ok(!section(cfg, 'listen drover_10004').includes('forwardfor'));
  const front = section(cfg, 'frontend drover_http');
  assert.ok(front.includes('bind 127.0.0.1:8000'));
  const uses = front.split('\n').filter((l) => l.includes('use_backend'));
  assert.deepEqual(uses, [
    '  use_backend drover_10003_http if drover_10003_http_exact drover_10003_http_path1',
    '  use_backend drover_10003_http if drover_10003_http_exact drover_10003_http_path0',
    '  use_backend drover_10002_http if drover_10002_http_wild',
    '  use_backend drover_10001_http',
  ]);
  // /v1 matches /v1 and /v1/x, not /v1x; /v1/admin/ is a prefix as written.
  assert.ok(front.includes('acl drover_10003_http_path0 path -m str /v1\n'));
  assert.ok(front.includes('acl drover_10003_http_path0 path -m beg /v1/\n'));
  assert.ok(front.includes('acl drover_10003_http_path1 path -m beg /v1/admin/\n'));
  assert.ok(front.includes('acl drover_10002_http_wild var(txn.host) -m end .example.com'));
  assert.ok(!cfg.includes('backend drover_10004_http'), 'TCP routes are not on the HTTP port');
});

test('no HTTP port frontend without HTTP routes or without a port', () => {
  const http = route(10001, { mode: 'http' });
  assert.ok(!haproxyConfig({ routes: [route(10004)] }, { address: 'a', httpPort: 80 }).includes('frontend'));
  assert.ok(!haproxyConfig({ routes: [http] }, { address: 'a' }).includes('frontend'));
});
