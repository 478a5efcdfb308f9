/**
 * Jobs in the web UI against a real `drover up`: create a job by the form, run it now, see the
 * run in its history (with its log) and its point on the run-time chart; a run started through the
 * API appears live (job run events), in the history and in the overview's feed; a diamond of 4
 * jobs is drawn with 4 nodes and 4 edges.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverProcess } from '../support/drover-process.js';
import { UiSession } from './browser-session.js';

test('jobs: create by form, run now, run in history and chart, diamond graph of 4 nodes and 4 edges', {
  timeout: 180_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t);
  const ui = await UiSession.open(t, drover, 'jobs');
  const page = ui.page;

  await ui.goto('/jobs');
  await page.getByText('No jobs yet').waitFor();
  await ui.shoot('jobs-empty');

  await ui.goto('/create/job');
  await page.fill('input[name=name]', 'nightly-report');
  await page.fill('input[name=command]', 'echo report-written');
  await page.fill('input[name=schedule]', 'R/2030-01-01T02:00:00Z/P1D');
  await page.fill('input[name=scheduleTimeZone]', 'Europe/Berlin');
  await page.fill('input[name=cpus]', '0.05');
  await page.fill('input[name=mem]', '16');
  await page.getByTestId('schedule-preview').filter({ hasText: 'every day from 1 Jan 2030 02:00' }).waitFor();
  await ui.shoot('job-create');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL('**/ui/jobs/nightly-report');
  // The next 3 runs, in the job's own zone (02:00 Berlin is +01:00 in winter).
  const next = page.getByTestId('next-runs');
  await next.filter({ hasText: 'Europe/Berlin' }).waitFor();
  assert.match(
    (await next.textContent()) ?? '',
    /2030-01-01 02:00:00\+01:00.*2030-01-02 02:00:00\+01:00.*2030-01-03/,
  );

  await page.getByRole('button', { name: 'Run now' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Run nightly-report' }).click();
  const row = page.locator('table[aria-label="Run history"] tbody tr').first();
  await row.locator('.badge', { hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
  await ui.shoot('job-runs', (p) => p.locator('table[aria-label="Run history"] tbody tr').first().waitFor());

  await ui.goto('/jobs/nightly-report?tab=chart');
  const chart = page.locator('.chart[data-points="1"]');
  await chart.waitFor();
  assert.equal(await chart.locator('canvas').count(), 1);
  await page.getByTestId('percentiles').filter({ hasText: 'over 1 run' }).waitFor();
  await ui.shoot('job-chart', (p) => p.locator('.chart canvas').waitFor());

  await ui.goto('/jobs/nightly-report');
  await page.locator('table[aria-label="Run history"] tbody tr a').first().click();
  await page.getByTestId('attempt-log-1').filter({ hasText: 'report-written' }).waitFor();
  await ui.shoot('job-run', (p) =>
    p.getByTestId('attempt-log-1').filter({ hasText: 'report-written' }).waitFor(),
  );

  // A run started elsewhere (the API) shows up live: job run events on /v2/events, no reload. No
  // run is active and the stream is live, so the page's fallback re-read is off until it appears.
  await ui.goto('/jobs/nightly-report');
  const rows = page.locator('table[aria-label="Run history"] tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  await page.evaluate(() => {
    (window as unknown as { notReloaded: boolean }).notReloaded = true;
  });
  await drover.api.json('PUT', '/scheduler/job/nightly-report', undefined, [204]);
  await page.locator('table[aria-label="Run history"] tbody tr:nth-child(2)').waitFor({ timeout: 30_000 });
  await rows.first().locator('.badge', { hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
  assert.equal(await rows.count(), 2);
  assert.equal(
    await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    true,
    'the page was not reloaded',
  );
  // The overview's feed names the run and links to it.
  await page.getByRole('link', { name: 'Overview', exact: true }).click();
  const runLine = page.locator('ul.feed li', { hasText: 'run finished' }).first();
  await runLine.waitFor();
  assert.match((await runLine.textContent()) ?? '', /nightly-report.*succeeded, exit 0/);
  assert.match(
    (await runLine.locator('a').getAttribute('href')) ?? '',
    /\/ui\/jobs\/nightly-report\/runs\/\d+$/,
  );

  // --- a diamond: a -> b, a -> c, b -> d, c -> d ---
  const job = (name: string, extra: Record<string, unknown>) => ({
    name,
    command: 'true',
    cpus: 0.05,
    mem: 16,
    ...extra,
  });
  await drover.api.json(
    'POST',
    '/v1/scheduler/iso8601',
    job('a', { schedule: 'R/2030-01-01T00:00:00Z/PT1H' }),
    [200, 201, 204],
  );
  await drover.api.json('POST', '/v1/scheduler/dependency', job('b', { parents: ['a'] }), [200, 201, 204]);
  await drover.api.json('POST', '/v1/scheduler/dependency', job('c', { parents: ['a'] }), [200, 201, 204]);
  await drover.api.json(
    'POST',
    '/v1/scheduler/dependency',
    job('d', { parents: ['b', 'c'] }),
    [200, 201, 204],
  );
  await ui.goto('/jobs/d?tab=graph');
  const svg = page.locator('.graph svg');
  await svg.waitFor();
  assert.equal(await svg.getAttribute('data-nodes'), '4');
  assert.equal(await svg.getAttribute('data-edges'), '4');
  assert.equal(await svg.locator('g.node').count(), 4);
  assert.equal(await svg.locator('path.edge').count(), 4);
  assert.deepEqual(
    (await svg.locator('path.edge').evaluateAll((es) => es.map((e) => e.getAttribute('data-edge')))).sort(),
    ['a->b', 'a->c', 'b->d', 'c->d'],
  );
  await ui.shoot('job-graph', (p) => p.locator('.graph svg g.node').first().waitFor());

  await ui.goto('/jobs');
  await page.locator('tr[data-job="d"]').waitFor();
  await ui.shoot('jobs', (p) => p.locator('tr[data-job="d"]').waitFor());
  await ui.goto('/jobs?tab=graph');
  await page.locator('.graph svg[data-nodes="5"]').waitFor();
  await ui.shoot('jobs-graph', (p) => p.locator('.graph svg').waitFor());
  ui.assertNoErrors();
});
