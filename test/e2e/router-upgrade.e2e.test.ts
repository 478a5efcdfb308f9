/**
 * Issue 15: a rolling upgrade of 10 instances under continuous load through the router, with
 * default settings (default upgrade strategy, default kill grace and drain), fails no request.
 * Each request is a fresh connection with a 1 s timeout (support/router-scenarios.ts).
 */
import { test } from 'node:test';
import { DroverProcess } from './support/drover-process.js';
import { freeServicePort } from './support/router-load.js';
import { deployEcho, upgradeUnderLoad } from './support/router-scenarios.js';

test('rolling upgrade of 10 instances through the router: 0 failed requests', {
  timeout: 300_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t, { agents: 2 });
  const port = await freeServicePort();
  await deployEcho(drover, '/upgrade', port, 10);
  t.diagnostic(await upgradeUnderLoad(drover, '/upgrade', port, 10));
});
