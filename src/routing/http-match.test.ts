import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Route } from '../domain/agent-protocol.js';
import { matchHttpRoute } from './http-match.js';

const r = (servicePort: number, vhosts: string[], paths: string[], mode: 'http' | 'tcp' = 'http'): Route => ({
  appId: `/a${servicePort}`,
  servicePort,
  portIndex: 0,
  mode,
  vhosts,
  paths,
  backends: [],
});

const table = {
  routes: [
    r(10001, ['shop.example.com'], []),
    r(10002, ['shop.example.com'], ['/api']),
    r(10003, ['*.example.com'], []),
    r(10004, [], ['/static']),
    r(10005, ['tcp.other.org'], [], 'tcp'),
  ],
};
const port = (host: string | undefined, url: string) => matchHttpRoute(table, host, url)?.servicePort;

test('exact vhost, then the longest path prefix on a segment boundary', () => {
  assert.equal(port('shop.example.com', '/'), 10001);
  assert.equal(port('Shop.Example.com:8000', '/api/items?x=1'), 10002);
  assert.equal(port('shop.example.com', '/api'), 10002);
  assert.equal(port('shop.example.com', '/apix'), 10001);
});

test('wildcards match subdomains only; routes without vhost take any host; tcp routes never match', () => {
  assert.equal(port('blog.example.com', '/'), 10003);
  assert.equal(port('example.com', '/'), undefined);
  assert.equal(port('other.org', '/static/app.js'), 10004);
  assert.equal(port(undefined, '/static'), 10004);
  assert.equal(port('other.org', '/'), undefined);
  assert.equal(port('tcp.other.org', '/'), undefined);
});
