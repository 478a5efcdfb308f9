import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildApiServer } from './server.js';
import { FakeMaster } from './test-support/fake-master.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function server() {
  return buildApiServer({
    master: new FakeMaster(),
    auth: { basic: { user: 'ops', password: 'pa:ss' }, bearerTokens: ['tok-1', 'tok-2'] },
  });
}

test('basic credentials or a bearer token admit; /ping stays open', async () => {
  const api = server();
  assert.equal((await api.inject({ url: '/ping' })).statusCode, 200);
  assert.equal((await api.inject({ url: '/ping?x=1' })).statusCode, 200);
  for (const authorization of [basic('ops', 'pa:ss'), 'Bearer tok-1', 'bearer tok-2']) {
    const res = await api.inject({ url: '/v2/apps', headers: { authorization } });
    assert.equal(res.statusCode, 200, authorization);
  }
});

test('missing or wrong credentials get 401 with a Basic challenge, and the route does not run', async () => {
  const master = new FakeMaster();
  const api = buildApiServer({ master, auth: { basic: { user: 'ops', password: 'secret' } } });
  for (const headers of [
    {},
    { authorization: basic('ops', 'wrong') },
    { authorization: basic('other', 'secret') },
    { authorization: 'Bearer secret' },
    { authorization: 'Basic !!!' },
  ]) {
    const res = await api.inject({
      method: 'POST',
      url: '/v2/apps',
      headers,
      payload: { id: '/x', cmd: 'true' },
    });
    assert.equal(res.statusCode, 401, JSON.stringify(headers));
    assert.match(String(res.headers['www-authenticate']), /^Basic realm="Drover"/);
    assert.deepEqual(JSON.parse(res.body), { message: 'Invalid username or password.' });
  }
  assert.deepEqual(master.calls, []);
});

test('a script that says so (X-Requested-With, the web UI) gets its 401 without the Basic challenge', async () => {
  const api = server();
  const res = await api.inject({
    url: '/v2/apps',
    headers: { 'x-requested-with': 'XMLHttpRequest', authorization: basic('ops', 'wrong') },
  });
  assert.equal(res.statusCode, 401);
  assert.equal(res.headers['www-authenticate'], undefined);
  assert.deepEqual(JSON.parse(res.body), { message: 'Invalid username or password.' });
  const ok = await api.inject({
    url: '/v2/apps',
    headers: { 'x-requested-with': 'XMLHttpRequest', authorization: basic('ops', 'pa:ss') },
  });
  assert.equal(ok.statusCode, 200);
});

test('without auth configured every route is open (loopback development)', async () => {
  const api = buildApiServer({ master: new FakeMaster() });
  assert.equal((await api.inject({ url: '/v2/apps' })).statusCode, 200);
});
