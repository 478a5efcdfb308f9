/** `GET /v2/whoami`: each credential learns its own name and role; no credential is a 401. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, hashToken } from '../platform/password-hash.js';
import { AuthFileCheck, parseAuthFile } from './auth-file.js';
import { buildApiServer } from './server.js';
import { FakeMaster } from './test-support/fake-master.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('whoami answers the caller name, role and log access, for every role', async () => {
  const parsed = parseAuthFile(
    JSON.stringify({
      users: [{ name: 'dash', role: 'viewer', password: await hashPassword('dash-pw') }],
      tokens: [{ name: 'ci', role: 'deployer', hash: hashToken('ci-token') }],
    }),
  );
  assert.ok(!Array.isArray(parsed), String(parsed));
  const check = new AuthFileCheck(parsed);
  const api = buildApiServer({
    master: new FakeMaster(),
    auth: { basic: { user: 'root', password: 'root-pw' }, file: () => check },
  });
  const ask = (authorization?: string) =>
    api.inject({ method: 'GET', url: '/v2/whoami', headers: authorization ? { authorization } : {} });

  assert.deepEqual((await ask(basic('root', 'root-pw'))).json(), { name: 'root', role: 'admin', logs: true });
  assert.deepEqual((await ask(basic('dash', 'dash-pw'))).json(), {
    name: 'dash',
    role: 'viewer',
    logs: false,
  });
  assert.deepEqual((await ask('Bearer ci-token')).json(), { name: 'ci', role: 'deployer', logs: true });
  assert.equal((await ask()).statusCode, 401);
  assert.equal((await ask(basic('dash', 'wrong'))).statusCode, 401);
  await api.close();
});

test('whoami on an API without credentials is the anonymous admin', async () => {
  const api = buildApiServer({ master: new FakeMaster() });
  const res = await api.inject({ method: 'GET', url: '/v2/whoami' });
  assert.deepEqual(res.json(), { name: 'anonymous', role: 'admin', logs: true });
  await api.close();
});
