/**
 * Issue 2's "bad input" acceptance: invalid JSON 400, invalid definition 422 with paths, unknown
 * app 404, duplicate POST 409, body over the limit 413, `/../x`-style ids rejected; and none of
 * them changes stored state.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { json, storedApp, taskOf, testApi } from './test-support/fixtures.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

function seeded() {
  const api = testApi({ bodyLimit: 4096 });
  const web = storedApp({ id: '/web', instances: 2 });
  const b = storedApp({ id: '/b' });
  api.master.seedApp(web);
  api.master.seedApp(b);
  api.master.seedTask(taskOf(web, 1));
  return api;
}

interface Case {
  name: string;
  req: InjectOptions;
  status: number;
}

const body = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: unknown): InjectOptions => ({
  method,
  url,
  headers: JSON_HEADERS,
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
});

const cases: Case[] = [
  { name: 'invalid JSON on POST', req: body('POST', '/v2/apps', '{"id": '), status: 400 },
  { name: 'invalid JSON on PUT', req: body('PUT', '/v2/apps/web', '{instances: 3}'), status: 400 },
  { name: 'invalid JSON on bulk PUT', req: body('PUT', '/v2/apps', '[{"id": "/web"'), status: 400 },
  { name: 'empty body on POST', req: body('POST', '/v2/apps', ''), status: 400 },
  { name: 'array body on PUT /v2/apps/{id}', req: body('PUT', '/v2/apps/web', [1]), status: 400 },
  { name: 'negative cpus', req: body('POST', '/v2/apps', { id: '/new', cmd: 'x', cpus: -1 }), status: 422 },
  { name: 'unknown field', req: body('POST', '/v2/apps', { id: '/new', cmd: 'x', cmdd: 'y' }), status: 422 },
  { name: 'cmd and args', req: body('POST', '/v2/apps', { id: '/new', cmd: 'x', args: ['y'] }), status: 422 },
  { name: 'invalid update on PUT', req: body('PUT', '/v2/apps/web', { instances: -5 }), status: 422 },
  { name: 'invalid update on PATCH', req: body('PATCH', '/v2/apps/web', { mem: 'lots' }), status: 422 },
  { name: 'duplicate POST', req: body('POST', '/v2/apps', { id: '/web', cmd: 'sleep 1' }), status: 409 },
  { name: 'unknown app GET', req: { method: 'GET', url: '/v2/apps/nope' }, status: 404 },
  { name: 'unknown app DELETE', req: { method: 'DELETE', url: '/v2/apps/nope' }, status: 404 },
  { name: 'unknown app PATCH', req: body('PATCH', '/v2/apps/nope', { instances: 1 }), status: 404 },
  {
    name: 'unknown app tasks kill',
    req: { method: 'DELETE', url: '/v2/apps/nope/tasks?scale=true' },
    status: 404,
  },
  {
    name: 'unknown rollback version',
    req: body('PUT', '/v2/apps/web', { version: '1999-01-01T00:00:00Z' }),
    status: 404,
  },
  {
    name: 'body over the limit',
    req: body('POST', '/v2/apps', { id: '/big', cmd: 'x', env: { BIG: 'x'.repeat(5000) } }),
    status: 413,
  },
  { name: 'POST id /../x', req: body('POST', '/v2/apps', { id: '/../x', cmd: 'sleep 1' }), status: 422 },
  {
    name: 'POST id /a/../../b',
    req: body('POST', '/v2/apps', { id: '/a/../../b', cmd: 'sleep 1' }),
    status: 422,
  },
  { name: 'POST id /a/../b', req: body('POST', '/v2/apps', { id: '/a/../b', cmd: 'sleep 1' }), status: 422 },
  // inject() resolves literal and %2E dot segments as a browser would; an encoded slash keeps
  // them in the path, and the router decodes it to `/../x`, as a raw HTTP request would arrive.
  { name: 'PUT path /../x', req: body('PUT', '/v2/apps/..%2Fx', { cmd: 'sleep 1' }), status: 400 },
  {
    name: 'PUT path /a/../../b',
    req: body('PUT', '/v2/apps/a%2F..%2F..%2Fb', { cmd: 'sleep 1' }),
    status: 400,
  },
  { name: 'PUT path /a/./b', req: body('PUT', '/v2/apps/a%2F.%2Fb', { cmd: 'sleep 1' }), status: 400 },
  { name: 'DELETE path /x/../b', req: { method: 'DELETE', url: '/v2/apps/x%2F..%2Fb' }, status: 400 },
  {
    name: 'PATCH path /x/../web',
    req: body('PATCH', '/v2/apps/x%2F..%2Fweb', { instances: 9 }),
    status: 400,
  },
  {
    name: 'kill tasks path /x/../web',
    req: { method: 'DELETE', url: '/v2/apps/x%2F..%2Fweb/tasks' },
    status: 400,
  },
  { name: 'PUT uppercase path id', req: body('PUT', '/v2/apps/Web', { cmd: 'sleep 1' }), status: 400 },
  {
    name: 'bulk PUT with /../x',
    req: body('PUT', '/v2/apps', [{ id: '/../x', cmd: 'sleep 1' }]),
    status: 422,
  },
  {
    name: 'bulk PUT with one bad app',
    req: body('PUT', '/v2/apps', [
      { id: '/web', instances: 5 },
      { id: '/c', cmd: 'x', mem: -1 },
    ]),
    status: 422,
  },
];

for (const c of cases) {
  test(`bad input: ${c.name} -> ${c.status}, state unchanged`, async () => {
    const { server, master } = seeded();
    const before = master.snapshot();
    const res = await server.inject(c.req);
    assert.equal(res.statusCode, c.status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(typeof json(res).message, 'string');
    assert.equal(master.snapshot(), before, 'stored state must not change');
  });
}

test('a 422 carries Marathon details with paths', async () => {
  const { server } = seeded();
  const res = await server.inject(
    body('POST', '/v2/apps', { id: '/new', cmd: 'x', cpus: -1, instances: 'two' }),
  );
  assert.equal(res.statusCode, 422);
  const b = json<{ message: string; details: Array<{ path: string; errors: string[] }> }>(res);
  const paths = b.details.map((d) => d.path);
  assert.ok(paths.includes('/cpus'), JSON.stringify(b));
  assert.ok(paths.includes('/instances'), JSON.stringify(b));
  for (const d of b.details) assert.ok(d.errors.length > 0);
});
