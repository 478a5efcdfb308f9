import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { StateRevision, type ViewRevision } from '../control-plane/state-revision.js';
import { JSON_TYPE, matchesEtag, TEXT_TYPE, ViewCache } from './cached-view.js';

/** A server whose one route serves `?v=` variants of a counter from the cache. */
function server(revision: () => ViewRevision | undefined, content: (v: string) => unknown) {
  const cache = new ViewCache();
  const app = Fastify();
  app.get('/view', async (req, reply) => {
    const v = (req.query as { v?: string }).v ?? '';
    return cache.send(req, reply, {
      key: v,
      revision: revision(),
      build: () => content(v),
      type: v === 'text' ? TEXT_TYPE : JSON_TYPE,
    });
  });
  return { app, cache };
}

describe('ViewCache', () => {
  it('builds once per revision and variant, serves bytes with an ETag, 304 on If-None-Match', async () => {
    const rev = new StateRevision();
    const source = {};
    let n = 0;
    const { app, cache } = server(
      () => ({ source, value: rev.value }),
      (v) => (v === 'text' ? `n=${n}\n` : { n, v }),
    );
    const a = await app.inject('/view?v=a');
    assert.deepEqual(a.json(), { n: 0, v: 'a' });
    assert.equal(a.headers['content-type'], JSON_TYPE);
    const etag = a.headers.etag as string;
    assert.match(etag, /^"[\w-]+"$/);
    n = 1; // not a counted change: the cache still answers what it built
    assert.deepEqual((await app.inject('/view?v=a')).json(), { n: 0, v: 'a' });
    assert.equal(cache.builds, 1);
    const t = await app.inject('/view?v=text');
    assert.equal(t.body, 'n=1\n');
    assert.equal(t.headers['content-type'], TEXT_TYPE);
    assert.equal(cache.builds, 2);

    const same = await app.inject({ url: '/view?v=a', headers: { 'if-none-match': `"x", W/${etag}` } });
    assert.equal(same.statusCode, 304);
    assert.equal(same.body, '');

    rev.bump();
    const b = await app.inject({ url: '/view?v=a', headers: { 'if-none-match': etag } });
    assert.equal(b.statusCode, 200);
    assert.deepEqual(b.json(), { n: 1, v: 'a' });
    assert.notEqual(b.headers.etag, etag);
    // The text variant of the old revision was dropped when the new entry was stored.
    assert.equal(cache.size, 1);
  });

  it('a new source (leadership term) at the same count is rebuilt', async () => {
    let rev: ViewRevision = { source: {}, value: 3 };
    let n = 0;
    const { app } = server(
      () => rev,
      () => ({ n }),
    );
    assert.deepEqual((await app.inject('/view')).json(), { n: 0 });
    n = 1;
    rev = { source: {}, value: 3 };
    assert.deepEqual((await app.inject('/view')).json(), { n: 1 });
  });

  it('without a revision nothing is cached', async () => {
    let n = 0;
    const { app, cache } = server(
      () => undefined,
      () => ({ n: n++ }),
    );
    assert.deepEqual((await app.inject('/view')).json(), { n: 0 });
    assert.deepEqual((await app.inject('/view')).json(), { n: 1 });
    assert.equal(cache.size, 0);
  });

  it('holds at most 32 variants, the least recently used go first', async () => {
    const source = {};
    const { app, cache } = server(
      () => ({ source, value: 0 }),
      (v) => ({ v }),
    );
    for (let i = 0; i < 40; i++) await app.inject(`/view?v=${i}`);
    assert.equal(cache.size, 32);
    const before = cache.builds;
    await app.inject('/view?v=39');
    assert.equal(cache.builds, before);
    await app.inject('/view?v=0');
    assert.equal(cache.builds, before + 1);
  });

  it('a build that throws is an error answer and caches nothing', async () => {
    const source = {};
    const cache = new ViewCache();
    const app = Fastify();
    app.get('/view', async (req, reply) =>
      cache.send(req, reply, {
        key: 'k',
        revision: { source, value: 0 },
        build: () => {
          throw new Error('bad filter');
        },
        type: JSON_TYPE,
      }),
    );
    assert.equal((await app.inject('/view')).statusCode, 500);
    assert.equal(cache.size, 0);
  });
});

describe('If-None-Match', () => {
  it('matches *, lists and weak tags', () => {
    assert.equal(matchesEtag(undefined, '"a"'), false);
    assert.equal(matchesEtag('*', '"a"'), true);
    assert.equal(matchesEtag('"b", "a"', '"a"'), true);
    assert.equal(matchesEtag('W/"a"', '"a"'), true);
    assert.equal(matchesEtag('"ab"', '"a"'), false);
  });
});
