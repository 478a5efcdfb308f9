import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildApiServer } from './server.js';
import { FakeMaster } from './test-support/fake-master.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-ui-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Drover</title>');
writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(dir, 'robots.txt'), 'no');
writeFileSync(join(tmpdir(), 'drover-ui-outside.txt'), 'CONTENT-OUTSIDE-THE-UI');
after(() => rmSync(dir, { recursive: true, force: true }));

const server = (uiDir: string | null = dir) => buildApiServer({ master: new FakeMaster(), uiDir });

test('GET / sends a browser to /ui/ and keeps a JSON answer for API clients', async () => {
  const api = server();
  const html = await api.inject({
    url: '/',
    headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
  });
  assert.equal(html.statusCode, 302);
  assert.equal(html.headers.location, '/ui/');
  for (const accept of [undefined, 'application/json', '*/*']) {
    const res = await api.inject({ url: '/', headers: accept ? { accept } : {} });
    assert.equal(res.statusCode, 200, String(accept));
    assert.equal(res.json().ui, '/ui/');
  }
});

test('hashed assets are cached for a year; the page and its routes revalidate', async () => {
  const api = server();
  const asset = await api.inject({ url: '/ui/assets/index-abc123.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['content-type']), /^text\/javascript/);
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  for (const url of [
    '/ui/',
    '/ui/apps/group/web',
    '/ui/jobs/a%20b/runs/123?tab=x',
    '/ui/apps/web/tasks/web.5f3c-1',
  ]) {
    const page = await api.inject({ url });
    assert.equal(page.statusCode, 200, url);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(page.body, /<title>Drover/);
  }
  const plain = await api.inject({ url: '/ui/robots.txt' });
  assert.equal(plain.headers['cache-control'], 'no-cache');
  assert.equal(plain.body, 'no');
  const bare = await api.inject({ url: '/ui' });
  assert.equal(bare.statusCode, 301);
  assert.equal(bare.headers.location, '/ui/');
});

test('a missing asset is a 404, not the page; nothing outside the UI folder is served', async () => {
  const api = server();
  assert.equal((await api.inject({ url: '/ui/assets/gone-123.js' })).statusCode, 404);
  for (const url of [
    '/ui/../drover-ui-outside.txt',
    '/ui/%2e%2e/drover-ui-outside.txt',
    '/ui/..%2fdrover-ui-outside.txt',
  ]) {
    const res = await api.inject({ url });
    assert.doesNotMatch(res.body, /CONTENT-OUTSIDE/, url);
  }
});

test('without a built UI, /ui/ says how to build it', async () => {
  const res = await server(null).inject({ url: '/ui/' });
  assert.equal(res.statusCode, 404);
  assert.match(res.json().message, /npm run build/);
});

test('the UI loads without credentials (its login form must); the API behind it still needs them', async () => {
  const api = buildApiServer({ master: new FakeMaster(), uiDir: dir, auth: { bearerTokens: ['tok'] } });
  assert.equal((await api.inject({ url: '/ui/apps' })).statusCode, 200);
  assert.equal((await api.inject({ url: '/ui/assets/index-abc123.js' })).statusCode, 200);
  assert.equal((await api.inject({ url: '/v2/apps' })).statusCode, 401);
  assert.equal((await api.inject({ url: '/uix' })).statusCode, 401);
});
