/**
 * Issue 2's bad-input acceptance against the real `drover up` process (raw HTTP, so dot segments
 * and oversized bodies arrive as a client would send them). The details of every rejection are
 * covered in-process by src/api/bad-input.test.ts; this shows the same answers over a socket and
 * that none of them changes the stored apps, versions or tasks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';
import type { HttpAnswer } from './support/http-json.js';
import { exactlyAnswering } from './support/marathon-tasks.js';

const WEB = {
  id: '/web',
  cmd: 'node examples/http-echo.js',
  instances: 2,
  cpus: 0.01,
  mem: 16,
  backoffSeconds: 0,
};

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  check?: (res: HttpAnswer) => void;
}

const detailsPaths = (res: HttpAnswer) =>
  ((res.json as { details?: Array<{ path: string }> }).details ?? []).map((d) => d.path);

const cases: Case[] = [
  { name: 'invalid JSON', method: 'POST', path: '/v2/apps', body: '{"id": "/x", ', status: 400 },
  {
    name: 'invalid JSON on update',
    method: 'PUT',
    path: '/v2/apps/web',
    body: '{instances: 9}',
    status: 400,
  },
  {
    name: 'invalid definition',
    method: 'POST',
    path: '/v2/apps',
    body: { id: '/x', cmd: 'sleep 1', cpus: -1, instances: 'two', cmdd: 'typo' },
    status: 422,
    check: (res) => {
      assert.equal((res.json as { message: string }).message, 'Object is not valid');
      const paths = detailsPaths(res);
      for (const p of ['/cpus', '/instances']) assert.ok(paths.includes(p), `${p} in ${paths}`);
    },
  },
  { name: 'invalid update', method: 'PUT', path: '/v2/apps/web', body: { mem: -5 }, status: 422 },
  { name: 'unknown app GET', method: 'GET', path: '/v2/apps/nope', status: 404 },
  {
    name: 'unknown app PUT tasks kill',
    method: 'DELETE',
    path: '/v2/apps/nope/tasks?scale=true',
    status: 404,
  },
  { name: 'unknown app DELETE', method: 'DELETE', path: '/v2/apps/nope', status: 404 },
  {
    name: 'duplicate POST',
    method: 'POST',
    path: '/v2/apps',
    body: { ...WEB, instances: 7 },
    status: 409,
    check: (res) => assert.match((res.json as { message: string }).message, /already exists/),
  },
  {
    name: 'body over the limit (5 MiB > 4 MiB)',
    method: 'POST',
    path: '/v2/apps',
    body: { id: '/big', cmd: 'sleep 1', env: { BIG: 'x'.repeat(5 * 1024 * 1024) } },
    status: 413,
  },
  {
    name: 'POST id /../x',
    method: 'POST',
    path: '/v2/apps',
    body: { id: '/../x', cmd: 'sleep 1' },
    status: 422,
  },
  {
    name: 'POST id /a/../../b',
    method: 'POST',
    path: '/v2/apps',
    body: { id: '/a/../../b', cmd: 'sleep 1' },
    status: 422,
    check: (res) => assert.deepEqual(detailsPaths(res), ['/id']),
  },
  { name: 'PUT path /../x', method: 'PUT', path: '/v2/apps/../x', body: { cmd: 'sleep 1' }, status: 400 },
  {
    name: 'PUT path /a/../../b',
    method: 'PUT',
    path: '/v2/apps/a/../../b',
    body: { cmd: 'sleep 1' },
    status: 400,
  },
  {
    name: 'PUT path %2E%2E',
    method: 'PUT',
    path: '/v2/apps/a/%2e%2e/%2E%2E/b',
    body: { cmd: 'sleep 1' },
    status: 400,
  },
  { name: 'DELETE path /x/../web', method: 'DELETE', path: '/v2/apps/x/../web', status: 400 },
  {
    name: 'PATCH path /x/../web',
    method: 'PATCH',
    path: '/v2/apps/x/../web',
    body: { instances: 9 },
    status: 400,
  },
  {
    name: 'bulk PUT with /../x',
    method: 'PUT',
    path: '/v2/apps',
    body: [{ id: '/../x', cmd: 'sleep 1' }],
    status: 422,
  },
];

/** What a rejected request must not change: apps (with versions and instances), versions, tasks. */
async function storedState(drover: DroverProcess) {
  const { apps } = await drover.api.get<{ apps: Array<Record<string, unknown>> }>('/v2/apps');
  const versions = await drover.api.get('/v2/apps/web/versions');
  const { tasks } = await drover.api.get<{ tasks: Array<{ id: string; state: string }> }>('/v2/tasks');
  return {
    apps: apps.map(({ id, version, instances, cmd, mem, cpus, env }) => ({
      id,
      version,
      instances,
      cmd,
      mem,
      cpus,
      env,
    })),
    versions,
    tasks: tasks.map((t) => `${t.id} ${t.state}`).sort(),
  };
}

test('bad input against a real drover up: 400/404/409/413/422, nothing stored', {
  timeout: 120_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t);
  await drover.api.json('POST', '/v2/apps', WEB, [201]);
  await waitFor(() => exactlyAnswering(drover.api, '/web', 2), { what: '/web running' });
  const before = await storedState(drover);

  for (const c of cases) {
    const res = await drover.api.raw(c.method, c.path, { body: c.body });
    assert.equal(res.status, c.status, `${c.name}: ${res.status} ${res.text.slice(0, 300)}`);
    assert.match(String(res.headers['content-type']), /^application\/json/, c.name);
    assert.equal(typeof (res.json as { message?: unknown }).message, 'string', `${c.name}: ${res.text}`);
    c.check?.(res);
  }

  assert.deepEqual(await storedState(drover), before, 'no rejected request changed stored state');
  // And after a restart, from SQLite: still only /web at the same version.
  await drover.restart();
  const reloaded = await storedState(drover);
  assert.deepEqual(reloaded.apps, before.apps);
  assert.deepEqual(reloaded.versions, before.versions);
});
