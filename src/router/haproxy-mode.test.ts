/**
 * The haproxy mode's writer against Debian's real `haproxy -c`: a config it accepts goes live
 * and the reload command runs; one it refuses never replaces the live file; a failed reload is
 * tried again. And the follower: it acknowledges only what went live.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RoutesClient } from '../client/routes.js';
import type { RouteTableView } from '../client/types.js';
import type { RouteTable } from '../domain/agent-protocol.js';
import { silentLogger } from '../platform/logger.js';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { followRoutes, HaproxyWriter } from './haproxy-mode.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-haproxy-mode-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const table = (ports: number[]): RouteTable => ({
  routes: ports.map((servicePort, i) => ({
    appId: `/app${i}`,
    servicePort,
    portIndex: 0,
    mode: i % 2 === 0 ? 'tcp' : 'http',
    vhosts: i % 2 === 0 ? [] : ['app.example.com', '*.apps.example.com'],
    paths: i % 2 === 0 ? [] : ['/api'],
    backends: [
      { taskId: `app${i}.1`, host: '127.0.0.1', port: 31000 + i },
      { taskId: `app${i}.2`, host: '127.0.0.2', port: 32000 + i },
    ],
  })),
});

test('a config haproxy accepts replaces the live one, then the reload command runs', async () => {
  const cfg = join(dir, 'ok.cfg');
  const marker = join(dir, 'reloads');
  const w = new HaproxyWriter({
    configPath: cfg,
    address: '127.0.0.1',
    httpPort: 18080,
    reloadCmd: `echo reload >> ${marker}`,
    logger: silentLogger(),
  });
  assert.equal(await w.apply(table([10001, 10002, 10003])), 'reloaded');
  assert.match(readFileSync(cfg, 'utf8'), /listen drover_10002\n/);
  assert.equal(readFileSync(marker, 'utf8'), 'reload\n');
  assert.equal(await w.apply(table([10001, 10002, 10003])), 'unchanged');
  assert.equal(readFileSync(marker, 'utf8'), 'reload\n', 'no reload for the same config');
  assert.equal(await w.apply(table([10001])), 'reloaded');
  assert.ok(!readFileSync(cfg, 'utf8').includes('10002'));
  assert.ok(!existsSync(`${cfg}.drover-new`));
});

test('an empty table is a valid config (the stats socket is a listener)', async () => {
  const cfg = join(dir, 'empty.cfg');
  const w = new HaproxyWriter({
    configPath: cfg,
    address: '127.0.0.1',
    statsSocket: join(dir, 'empty.sock'),
    logger: silentLogger(),
  });
  assert.equal(await w.apply({ routes: [] }), 'written');
});

test('a config haproxy refuses never goes live: the live file stays, no reload', async () => {
  const cfg = join(dir, 'refused.cfg');
  writeFileSync(cfg, 'live config\n');
  const marker = join(dir, 'refused-reloads');
  const w = new HaproxyWriter({
    configPath: cfg,
    address: '127.0.0.1',
    // A header HAProxy does not understand, as a user's --header file might be.
    header: 'global\n  no-such-keyword 1\n',
    reloadCmd: `echo reload >> ${marker}`,
    logger: silentLogger(),
  });
  await assert.rejects(w.apply(table([10001])), /haproxy -c refused the generated config.*no-such-keyword/s);
  assert.equal(readFileSync(cfg, 'utf8'), 'live config\n');
  assert.ok(!existsSync(`${cfg}.drover-new`));
  assert.ok(!existsSync(marker));
});

test('a failed reload is reported and tried again with the same config', async () => {
  const cfg = join(dir, 'reload-fails.cfg');
  const flag = join(dir, 'reload-ok');
  const w = new HaproxyWriter({
    configPath: cfg,
    address: '127.0.0.1',
    reloadCmd: `test -e ${flag} || { echo haproxy is not running >&2; exit 3; }`,
    logger: silentLogger(),
  });
  await assert.rejects(w.apply(table([10001])), /reload command failed \(exit 3\).*haproxy is not running/s);
  writeFileSync(flag, '');
  assert.equal(await w.apply(table([10001])), 'reloaded');
});

test('the follower acknowledges (asks after) only versions that went live', async () => {
  const asked: Array<number | undefined> = [];
  const versions: RouteTableView[] = [
    { version: 5, routes: [] },
    { version: 6, routes: [] }, // apply fails
    { version: 6, routes: [] }, // applies on the retry
    { version: 7, routes: [] },
  ];
  const stop = new AbortController();
  const routes = {
    table: async (opts: { after?: number; router?: string }) => {
      asked.push(opts.after);
      assert.equal(opts.router, opts.after === undefined ? undefined : 'r1');
      const next = versions.shift();
      if (!next) {
        stop.abort();
        throw new Error('done');
      }
      return next;
    },
  } as unknown as RoutesClient;
  let failOnce = true;
  const applied: number[] = [];
  const clock = new FakeClock();
  const following = followRoutes(
    routes,
    {
      apply: async () => {
        if (asked.length === 2 && failOnce) {
          failOnce = false;
          throw new Error('haproxy -c refused');
        }
        return 'reloaded';
      },
    },
    {
      name: 'r1',
      logger: silentLogger(),
      clock,
      signal: stop.signal,
      onApplied: (v) => applied.push(v),
    },
  );
  await clock.advance(1_000);
  await following;
  assert.deepEqual(applied, [5, 6, 7]);
  // After the failed 6 it still asks after 5: the master does not count 6 as live here.
  assert.deepEqual(asked, [undefined, 5, 5, 6, 7]);
});
