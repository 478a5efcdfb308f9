import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FetchError } from './download.js';
import { FetchCache } from './fetch-cache.js';
import { Fetcher, lastSegment } from './fetcher.js';
import { archiveKind } from './unpack.js';

const root = mkdtempSync(join(tmpdir(), 'drover-fetcher-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('fetcher', () => {
  test('file names: the last path segment without query; archives by extension', () => {
    assert.equal(lastSegment('http://h/a/b/app.tgz?x=1#f'), 'app.tgz');
    assert.equal(lastSegment('/srv/x%20y.sh'), 'x y.sh');
    assert.throws(() => lastSegment('http://h/a/..'), FetchError);
    assert.equal(archiveKind('a.tar.xz'), 'tar');
    assert.equal(archiveKind('a.TGZ'), 'tar');
    assert.equal(archiveKind('a.zip'), 'zip');
    assert.equal(archiveKind('a.jar'), undefined);
  });

  test('the cache evicts the least recently used URI once over its limit, and shares one download', async () => {
    const cache = new FetchCache(join(root, 'cache'), 10);
    let downloads = 0;
    const fill = (bytes: number) => async (path: string) => {
      downloads++;
      writeFileSync(path, 'x'.repeat(bytes));
      return bytes;
    };
    const [a1, a2] = await Promise.all([cache.get('a', fill(4)), cache.get('a', fill(4))]);
    assert.equal(downloads, 1);
    assert.deepEqual([a1.hit, a2.hit].sort(), [false, true]);
    await cache.get('b', fill(4));
    assert.equal((await cache.get('a', fill(4))).hit, true); // a is now the most recent
    await cache.get('c', fill(4)); // 12 > 10: b, the least recently used, goes
    assert.equal(cache.has('b'), false);
    assert.equal(cache.has('a'), true);
    assert.equal(cache.bytes, 8);
    assert.equal(downloads, 3);
  });

  test('absolute paths and file:// are copied; executable sets the mode; a missing file names the URI', async () => {
    const src = join(root, 'tool.sh');
    writeFileSync(src, '#!/bin/sh\n');
    const sandbox = join(root, 'sandbox');
    const fetcher = new Fetcher({
      cacheDir: join(root, 'fc'),
      cacheBytes: 1 << 20,
      limits: { maxBytes: 1 << 20, timeoutMs: 5_000 },
    });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sandbox, { recursive: true });
    await fetcher.fetchAll(
      [
        { uri: src, executable: true, extract: false, cache: false },
        { uri: `file://${src}`, executable: false, extract: true, cache: false, outputFile: 'sub/copy.sh' },
      ],
      sandbox,
    );
    assert.equal(statSync(join(sandbox, 'tool.sh')).mode & 0o777, 0o755);
    assert.equal(readFileSync(join(sandbox, 'sub', 'copy.sh'), 'utf8'), '#!/bin/sh\n');
    await assert.rejects(
      fetcher.fetchAll(
        [{ uri: join(root, 'absent'), executable: false, extract: true, cache: false }],
        sandbox,
      ),
      /Failed to fetch .*absent: no such file/,
    );
    await assert.rejects(
      fetcher.fetchAll(
        [{ uri: src, executable: false, extract: false, cache: false, outputFile: '../out' }],
        sandbox,
      ),
      /leaves the sandbox/,
    );
    await assert.rejects(
      new Fetcher({
        cacheDir: join(root, 'fc2'),
        cacheBytes: 1,
        limits: { maxBytes: 3, timeoutMs: 5_000 },
      }).fetchAll(
        [{ uri: src, executable: false, extract: false, cache: false, outputFile: 'big' }],
        sandbox,
      ),
      /download limit/,
    );
    assert.equal(existsSync(join(sandbox, 'big')), false);
    await assert.rejects(
      fetcher.fetchAll([{ uri: 'ftp://h/x', executable: false, extract: false, cache: false }], sandbox),
      /unsupported URI scheme/,
    );
  });
});
