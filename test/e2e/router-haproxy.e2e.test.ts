/**
 * Issue 15, haproxy mode: `drover router --haproxy FILE --reload-cmd CMD` in front of Debian's
 * haproxy, fed by a real `drover up` whose embedded routers are off. The same scenarios as the
 * embedded router (support/router-scenarios.ts): a rolling upgrade of 10 instances under load,
 * default settings, fails no request; a kill -9 fails only the requests in flight. A second
 * `drover up` with `--kill-drain-ms 0` (SIGTERM as soon as the kill proceeds) shows the master
 * waiting for the router's acknowledgement: HAProxy is reloaded without the old tasks before
 * they are told to stop.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverProcess } from './support/drover-process.js';
import { HaproxyRouter } from './support/haproxy-router.js';
import { freeServicePort } from './support/router-load.js';
import { deployEcho, killNineUnderLoad, upgradeUnderLoad } from './support/router-scenarios.js';

test('haproxy mode: rolling upgrade of 10 instances 0 failed, kill -9 fails only in-flight', {
  timeout: 600_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t, { agents: 2, args: ['--router', 'off'] });
  const haproxy = await HaproxyRouter.startFor(t, drover.url);
  const port = await freeServicePort();
  await deployEcho(drover, '/upgrade', port, 10);
  assert.match(haproxy.config(), new RegExp(`bind 127\\.0\\.0\\.1:${port}\\n`));
  t.diagnostic(`upgrade: ${await upgradeUnderLoad(drover, '/upgrade', port, 10)}`);
  t.diagnostic(`kill -9: ${await killNineUnderLoad(drover, '/upgrade', port, 10)}`);
  assert.ok(haproxy.haproxyPids().length >= 1, 'haproxy runs');
});

test('haproxy mode without a drain: kills wait for the reload (router acknowledgement)', {
  timeout: 600_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t, {
    agents: 2,
    args: ['--router', 'off', '--kill-drain-ms', '0'],
  });
  await HaproxyRouter.startFor(t, drover.url);
  const port = await freeServicePort();
  await deployEcho(drover, '/nodrain', port, 4);
  t.diagnostic(`upgrade: ${await upgradeUnderLoad(drover, '/nodrain', port, 4)}`);
});
