/**
 * The standby's leader gate (api/leader-proxy.ts) against a real leader on loopback: requests and
 * their bodies pass through with Marathon's headers, streams stay streams, and a standby answers
 * by itself only `/ping` and who leads. (Sockets, so it lives with the e2e tests.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { installLeaderGate, type LeaderGate } from '../../src/api/leader-proxy.js';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function call(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(new URL(path, base), init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('leader gate', () => {
  let leader: FastifyInstance;
  let standby: FastifyInstance;
  let leaderUrl = '';
  let standbyUrl = '';
  let known: string | undefined;
  let abdicated = 0;

  before(async () => {
    leader = Fastify();
    const leaderGate: LeaderGate = {
      leads: () => true,
      leaderUrl: () => leaderUrl,
      get selfUrl() {
        return leaderUrl;
      },
      abdicate: async () => {
        abdicated += 1;
      },
    };
    installLeaderGate(leader, leaderGate);
    leader.post('/v2/apps', async (req) => ({
      echoed: req.body,
      via: req.headers['x-marathon-via'] ?? null,
    }));
    leader.get('/v2/leader', async () => ({ leader: new URL(leaderUrl).host }));
    leader.get('/v2/events', (_req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      reply.raw.write('event: one\ndata: {}\n\n');
      setTimeout(() => reply.raw.end('event: two\ndata: {}\n\n'), 50);
    });
    leaderUrl = await leader.listen({ host: '127.0.0.1', port: 0 });

    standby = Fastify();
    installLeaderGate(standby, {
      leads: () => false,
      leaderUrl: () => known,
      get selfUrl() {
        return standbyUrl;
      },
      abdicate: async () => {
        throw new Error('a standby never abdicates itself');
      },
    });
    standby.get('/v2/apps', async () => {
      throw new Error('routes never run on a standby');
    });
    standby.get('/ui/*', async () => 'the UI page, from the standby itself');
    standbyUrl = await standby.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await standby?.close();
    await leader?.close();
  });

  it('the web UI files are served by every master itself, with or without a leader', async () => {
    for (const leaderKnown of [undefined, leaderUrl]) {
      known = leaderKnown;
      const res = await call(standbyUrl, '/ui/apps/web');
      assert.equal(res.status, 200, `leader ${leaderKnown ?? 'unknown'}`);
      assert.equal(res.text, 'the UI page, from the standby itself');
    }
    // Not a prefix match on a name that only starts like it.
    known = undefined;
    assert.equal((await call(standbyUrl, '/uix')).status, 503);
  });

  it('with no leader known: 503 for the API, 404 for /v2/leader, /ping still answers', async () => {
    known = undefined;
    const res = await call(standbyUrl, '/v2/apps');
    assert.equal(res.status, 503);
    assert.match(res.text, /Could not determine the current leader/);
    assert.equal((await call(standbyUrl, '/v2/leader')).status, 404);
    assert.equal((await call(standbyUrl, '/ping')).status, 404, 'not a route here, but not proxied');
  });

  it('proxies a request with its body to the leader and marks both directions', async () => {
    known = leaderUrl;
    const res = await call(standbyUrl, '/v2/apps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '/x' }),
    });
    assert.equal(res.status, 200);
    const standbyHost = new URL(standbyUrl).host;
    assert.deepEqual(JSON.parse(res.text), { echoed: { id: '/x' }, via: `1.1 ${standbyHost}` });
    assert.equal(res.headers.get('x-marathon-leader'), leaderUrl);
    assert.equal(res.headers.get('x-marathon-via'), `1.1 ${standbyHost}`);
  });

  it('answers GET /v2/leader itself and forwards DELETE /v2/leader to the leader', async () => {
    known = leaderUrl;
    const got = await call(standbyUrl, '/v2/leader');
    assert.deepEqual(JSON.parse(got.text), { leader: new URL(leaderUrl).host });
    const del = await call(standbyUrl, '/v2/leader', { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.deepEqual(JSON.parse(del.text), { message: 'Leadership abdicated' });
    assert.equal(abdicated, 1);
  });

  it('streams pass through as streams', async () => {
    known = leaderUrl;
    const res = await call(standbyUrl, '/v2/events');
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    assert.match(res.text, /event: one[\s\S]*event: two/);
  });

  it('refuses a proxy loop and reports an unreachable leader as 503', async () => {
    known = leaderUrl;
    const looped = await call(standbyUrl, '/v2/apps', {
      headers: { 'x-marathon-via': `1.1 ${new URL(standbyUrl).host}` },
    });
    assert.equal(looped.status, 502);
    known = 'http://127.0.0.1:1';
    const dead = await call(standbyUrl, '/v2/apps');
    assert.equal(dead.status, 503);
    assert.match(dead.text, /did not answer/);
  });
});
