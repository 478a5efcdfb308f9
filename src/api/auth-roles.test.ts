/**
 * `--auth-file` users and tokens with roles, in-process: 401 without a credential, 403 naming the
 * role, the audit log of every mutating call (memory store), and `GET /v2/audit` for admins only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, hashToken } from '../platform/password-hash.js';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { createMemoryStore } from '../store/memory-store.js';
import { AuthFileCheck, parseAuthFile } from './auth-file.js';
import { buildApiServer } from './server.js';
import { FakeMaster } from './test-support/fake-master.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function authFile() {
  const parsed = parseAuthFile(
    JSON.stringify({
      users: [
        { name: 'root', role: 'admin', password: await hashPassword('root-pw') },
        { name: 'dash', role: 'viewer', password: await hashPassword('dash-pw') },
      ],
      tokens: [
        { name: 'ci', role: 'deployer', hash: hashToken('ci-token') },
        { name: 'oncall', role: 'viewer', logs: true, hash: hashToken('oncall-token') },
      ],
    }),
  );
  assert.ok(!Array.isArray(parsed), String(parsed));
  return new AuthFileCheck(parsed);
}

async function server() {
  const check = await authFile();
  const store = createMemoryStore();
  let n = 0;
  const clock = new FakeClock(1_000_000);
  const api = buildApiServer({
    master: new FakeMaster(),
    auth: { file: () => check },
    audit: {
      store,
      clock,
      newId: () => `e${++n}`,
      retentionMs: 1_000,
    },
  });
  return { api, store, advance: (ms: number) => clock.jump(ms) };
}

test('an auth file names what is wrong in it, with paths', () => {
  const problems = parseAuthFile(
    JSON.stringify({
      users: [{ name: 'a', role: 'king', password: 'plain' }],
      tokens: [{ name: 'b', role: 'viewer', hash: 'abc', logs: 'yes' }],
    }),
  );
  assert.ok(Array.isArray(problems));
  assert.ok(problems.some((p) => p.startsWith('/users/0/role: expected one of admin, deployer, viewer')));
  assert.ok(problems.some((p) => p.startsWith('/users/0/password: expected scrypt')));
  assert.ok(problems.some((p) => p.startsWith('/tokens/0/hash: expected sha256')));
  assert.ok(problems.some((p) => p.startsWith('/tokens/0/logs')));
  const notJson = parseAuthFile('{');
  assert.ok(Array.isArray(notJson) && notJson[0]?.startsWith('not JSON'));
  assert.deepEqual(parseAuthFile('{}'), { users: [], tokens: [] });
});

test('unknown or wrong credentials get 401; a viewer 403 on POST naming its role, 200 on GET', async () => {
  const { api } = await server();
  for (const authorization of [undefined, basic('dash', 'nope'), basic('nobody', 'dash-pw'), 'Bearer nope']) {
    const res = await api.inject({ url: '/v2/apps', headers: authorization ? { authorization } : {} });
    assert.equal(res.statusCode, 401, String(authorization));
  }
  const viewer = { authorization: basic('dash', 'dash-pw') };
  assert.equal((await api.inject({ url: '/v2/apps', headers: viewer })).statusCode, 200);
  const post = await api.inject({
    method: 'POST',
    url: '/v2/apps',
    headers: viewer,
    payload: { id: '/web', cmd: 'sleep 1' },
  });
  assert.equal(post.statusCode, 403);
  assert.match(JSON.parse(post.body).message, /role viewer \(dash\) may not POST \/v2\/apps/);
  assert.equal((await api.inject({ url: '/v2/tasks/x/logs', headers: viewer })).statusCode, 403);
  const oncall = { authorization: 'Bearer oncall-token' };
  assert.notEqual((await api.inject({ url: '/v2/tasks/x/logs', headers: oncall })).statusCode, 403);
});

test('a deployer deploys but may not drain agents; every mutating call is audited, admins read it', async () => {
  const { api, advance } = await server();
  const ci = { authorization: 'Bearer ci-token' };
  const created = await api.inject({
    method: 'POST',
    url: '/v2/apps',
    headers: ci,
    payload: { id: '/web', cmd: 'sleep 100' },
  });
  assert.equal(created.statusCode, 201);
  const restart = await api.inject({ method: 'POST', url: '/v2/apps/web/restart', headers: ci });
  assert.equal(restart.statusCode, 200, restart.body);
  const drain = await api.inject({ method: 'POST', url: '/v2/agents/a1/drain', headers: ci });
  assert.equal(drain.statusCode, 403);
  assert.match(JSON.parse(drain.body).message, /role deployer/);
  await api.inject({
    method: 'DELETE',
    url: '/v2/apps/web',
    headers: { authorization: basic('dash', 'dash-pw') },
  });

  assert.equal((await api.inject({ url: '/v2/audit', headers: ci })).statusCode, 403);
  const res = await api.inject({ url: '/v2/audit', headers: { authorization: basic('root', 'root-pw') } });
  assert.equal(res.statusCode, 200);
  const { entries } = JSON.parse(res.body);
  assert.deepEqual(
    entries.map((e: Record<string, unknown>) => [e.who, e.role, e.method, e.path, e.target, e.status]),
    [
      ['dash', 'viewer', 'DELETE', '/v2/apps/web', '/web', 403],
      ['ci', 'deployer', 'POST', '/v2/agents/a1/drain', '/a1', 403],
      ['ci', 'deployer', 'POST', '/v2/apps/web/restart', '/web', 200],
      ['ci', 'deployer', 'POST', '/v2/apps', '/web', 201],
    ],
  );
  assert.equal(entries[3].remote, '127.0.0.1');
  assert.equal(entries[3].at, new Date(1_000_000).toISOString());
  const limited = await api.inject({
    url: '/v2/audit?limit=1',
    headers: { authorization: basic('root', 'root-pw') },
  });
  assert.equal(JSON.parse(limited.body).entries.length, 1);
  const bad = await api.inject({
    url: '/v2/audit?since=yesterday',
    headers: { authorization: basic('root', 'root-pw') },
  });
  assert.equal(bad.statusCode, 400);

  // Past the retention (and the hourly prune), old entries go.
  advance(2 * 60 * 60 * 1000);
  await api.inject({ method: 'DELETE', url: '/v2/apps/web', headers: ci });
  const after = await api.inject({ url: '/v2/audit', headers: { authorization: basic('root', 'root-pw') } });
  assert.deepEqual(
    JSON.parse(after.body).entries.map((e: Record<string, unknown>) => e.method),
    ['DELETE'],
  );
});
