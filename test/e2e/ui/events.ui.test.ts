/**
 * The UI's event stream across a master restart, in a real browser against a real `drover up`:
 * the page says "reconnecting" while the master is gone, comes back live on its own, resumes
 * with Last-Event-ID, and shows the new master's events, all without a reload. The master ends
 * the stream cleanly when it shuts down, so the only console errors are the refused connections
 * while it is down (expected), never a broken stream (net::ERR_INCOMPLETE_CHUNKED_ENCODING).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../../src/agent/executors/executor.contract.js';
import { DroverProcess } from '../support/drover-process.js';
import { waitFor } from '../support/wait-for.js';
import { ARTIFACTS, UiSession } from './browser-session.js';
import { eventsSeen, streamChurn } from './feed-load.js';

test('events: a master restart shows reconnecting, then live with Last-Event-ID, no broken stream', {
  timeout: 180_000,
}, async (t) => {
  // A fixed port, so the restarted master is where the page left it.
  const port = await freePort();
  const drover = await DroverProcess.startFor(t, { agents: 1, args: ['--port', String(port)] });
  const ui = await UiSession.open(t, drover, 'events');
  const page = ui.page;
  const streamRequests: Array<string | undefined> = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v2/events') streamRequests.push(r.headers()['last-event-id']);
  });
  await ui.goto('/');
  await page.locator('[data-connection="live"]').waitFor();
  const seen0 = await eventsSeen(page);
  await streamChurn(drover.url, 5);
  await waitFor(async () => (await eventsSeen(page)) >= seen0 + 10, { what: '10 events on the overview' });
  const lastShown = Number(await page.locator('ul.feed li').first().getAttribute('data-event-id'));
  assert.equal(streamRequests.length, 1);
  assert.equal(streamRequests[0], undefined, 'the first connection starts live');

  // --- the master goes away: the page says so and keeps trying ---
  ui.expectNetError('ERR_CONNECTION_REFUSED');
  await drover.stop('SIGTERM');
  await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'events-reconnecting-desktop.png'), fullPage: true });

  // --- it comes back on the same port: live again without a reload ---
  await page.evaluate(() => {
    (window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true;
  });
  const restartedAt = new Date().toISOString();
  await drover.restart();
  assert.equal(new URL(drover.url).port, String(port));
  await page.locator('[data-connection="live"]').waitFor({ timeout: 60_000 });
  assert.ok(streamRequests.length >= 2, 'the page reconnected');
  // Every reconnect resumed from the newest event the page had (at least the newest line shown).
  for (const id of streamRequests.slice(1)) {
    assert.ok(id !== undefined && Number(id) >= lastShown, `Last-Event-ID ${id} (newest shown ${lastShown})`);
  }
  const seen1 = await eventsSeen(page);
  await streamChurn(drover.url, 3);
  await waitFor(async () => (await eventsSeen(page)) >= seen1 + 6, { what: "the new master's events" });
  // The newest line is one of them, stamped by the new master.
  await page.waitForFunction(
    (since) => (document.querySelector('ul.feed li time')?.getAttribute('datetime') ?? '') >= since,
    restartedAt,
  );
  assert.equal(
    await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage),
    true,
  );
  await ui.shoot('overview-after-restart');
  ui.assertNoErrors();
});
