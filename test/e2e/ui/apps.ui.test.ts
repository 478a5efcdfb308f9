/**
 * The web UI against a real `drover up` in a real browser: create an app through the form and see
 * it turn healthy with no reload, scale it, follow a task's log, roll back after reading the diff,
 * and a 422 from a bad edit shown beside its field. Every page is screenshotted at desktop and
 * phone width (test-artifacts/ui/), with no console errors and no horizontal overflow on a phone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DroverProcess } from '../support/drover-process.js';
import { waitFor } from '../support/wait-for.js';
import { UiSession } from './browser-session.js';
import { eventsSeen, pageWeight, streamChurn } from './feed-load.js';

const LONG = { timeout: 180_000 };

test(
  'apps: create by form, healthy live, scale, log line after open, 422 beside the field, diff and rollback',
  LONG,
  async (t) => {
    const drover = await DroverProcess.startFor(t);
    const ui = await UiSession.open(t, drover, 'apps');
    const page = ui.page;

    await ui.goto('/');
    await page.locator('[data-connection="live"]').waitFor();
    await ui.shoot('overview-empty');
    await ui.goto('/apps');
    await page.getByText('No apps yet').waitFor();
    await ui.shoot('apps-empty');

    // --- create through the form; it reaches healthy while the page stays open (no reload) ---
    await ui.goto('/create/app?mode=form');
    await page.fill('input[name=id]', '/shop/web');
    await page.fill('input[name=cmd]', 'node examples/http-echo.js');
    await page.fill('input[name=instances]', '2');
    await page.fill('input[name=mem]', '32');
    await page.selectOption('select[name=healthProtocol]', 'HTTP');
    await page.fill('input[name=healthPath]', '/health');
    await page.fill('input[name=healthInterval]', '1');
    await ui.shoot('create-form');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL('**/ui/apps/shop/web');
    await page.evaluate(() => {
      (window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true;
    });
    const bar = page.locator('main .page-head .instances');
    await waitFor(async () => (await bar.getAttribute('data-healthy')) === '2', {
      what: 'the app page to show 2 healthy instances',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    await page.locator('main .page-head .badge', { hasText: 'Running' }).waitFor();
    assert.equal(
      await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage),
      true,
    );
    await page.locator('table[aria-label=Tasks] tbody tr').nth(1).waitFor();
    const hosts = await page.locator('table[aria-label=Tasks] td.mono a').allTextContents();
    assert.equal(hosts.length, 2);
    for (const h of hosts) assert.match(h, /^127\.0\.0\.\d+:\d+$/);
    assert.equal(await page.locator('table[aria-label=Tasks] .badge', { hasText: 'healthy' }).count(), 2);
    await ui.shoot('app-tasks', (p) => p.locator('table[aria-label=Tasks] tbody tr').nth(1).waitFor());

    // --- scale, with a confirmation that names the app ---
    await page.fill('input[name=scale]', '3');
    await page.getByRole('button', { name: 'Scale', exact: true }).click();
    const dialog = page.locator('dialog[open]');
    assert.match((await dialog.locator('h2').textContent()) ?? '', /Scale \/shop\/web to 3 instances\?/);
    await dialog.getByRole('button', { name: 'Scale /shop/web' }).click();
    await waitFor(async () => (await bar.getAttribute('data-healthy')) === '3', {
      what: 'the page to show 3 healthy instances after scaling',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    assert.equal(
      (await drover.api.get<{ app: { instances: number } }>('/v2/apps/shop/web')).app.instances,
      3,
    );

    await ui.goto('/apps');
    await page.locator('[data-app-id="/shop/web"]').waitFor();
    await ui.shoot('apps', (p) => p.locator('[data-app-id="/shop/web"]').waitFor());
    await ui.goto('/');
    await page.getByText('3 running').or(page.getByText('1 running')).first().waitFor();
    await ui.shoot('overview');

    // --- the overview stays the same size however many events it has shown (counted, not timed) ---
    const seen0 = await eventsSeen(page);
    await streamChurn(drover.url, 150);
    await waitFor(async () => (await eventsSeen(page)) >= seen0 + 300, {
      what: 'the overview to count 300 more events',
      timeoutMs: 60_000,
    });
    const full = await pageWeight(page);
    await streamChurn(drover.url, 500);
    await waitFor(async () => (await eventsSeen(page)) >= seen0 + 1_300, {
      what: 'the overview to count 1,000 more events',
      timeoutMs: 60_000,
    });
    const after = await pageWeight(page);
    assert.equal(full.feedLines, 100, 'the feed shows its newest 100 events');
    assert.equal(after.feedLines, 100, 'and no more after 1,000 more');
    const grown = `${JSON.stringify(full)} -> ${JSON.stringify(after)}`;
    assert.ok(after.elements <= full.elements + 20, `elements in the page: ${grown}`);
    assert.ok(after.nodes <= full.nodes * 1.1 + 100, `DOM nodes after GC: ${grown}`);
    assert.ok(after.listeners <= full.listeners + 10, `event listeners: ${grown}`);

    // --- a 422 from a bad edit appears beside the field, and the form keeps what was typed ---
    await ui.goto('/apps/shop/web?tab=config');
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.fill('form.app-form input[name=cpus]', '-1');
    ui.expectStatus(422);
    await page.getByRole('button', { name: 'Save' }).click();
    const cpusError = page.locator('.field-error[data-path="/cpus"]');
    await cpusError.waitFor();
    assert.match((await cpusError.textContent()) ?? '', /expected 0\.0 or more/);
    // Beside the field: inside the same label as the cpus input.
    assert.equal(await page.locator('label.field.invalid:has(input[name=cpus]) .field-error').count(), 1);
    assert.equal(await page.inputValue('form.app-form input[name=cpus]'), '-1');
    await ui.shoot('app-config-422', async (p) => {
      await p.getByRole('button', { name: 'Edit' }).click();
    });

    // --- an edit that works makes a new version: mem 32 -> 48 ---
    await page.fill('form.app-form input[name=cpus]', '0.1');
    await page.fill('form.app-form input[name=mem]', '48');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved: a new version is deploying.').waitFor();
    await waitFor(
      async () => (await drover.api.get<{ app: { mem: number } }>('/v2/apps/shop/web')).app.mem === 48,
      {
        what: 'mem 48 stored',
      },
    );

    // A change to an app being deployed is refused (409) without force: let the edit finish first.
    await waitFor(async () => (await drover.api.get<unknown[]>('/v2/deployments')).length === 0, {
      what: 'the mem edit to finish deploying',
      timeoutMs: 60_000,
    });

    // --- roll back after seeing the diff ---
    const { versions } = await drover.api.get<{ versions: string[] }>('/v2/apps/shop/web/versions');
    const current = (await drover.api.get<{ app: { version: string } }>('/v2/apps/shop/web')).app.version;
    const before48 = await waitFor(
      async () => {
        for (const v of versions) {
          const def = await drover.api.get<{ mem: number }>(
            `/v2/apps/shop/web/versions/${encodeURIComponent(v)}`,
          );
          if (def.mem === 32 && v !== current) return v;
        }
        return undefined;
      },
      { what: 'a version with mem 32' },
    );
    await ui.goto('/apps/shop/web?tab=versions');
    await page.getByRole('button', { name: before48.replace('T', ' ').slice(0, 23) }).click();
    const diff = page.locator('.diff');
    await diff.waitFor();
    // Side by side: the old line on the left (deleted), the current one on the right (added).
    await diff.locator('.del', { hasText: '"mem": 32' }).waitFor();
    await diff.locator('.add', { hasText: '"mem": 48' }).waitFor();
    await ui.shoot('app-versions-diff', (p) => p.locator('.diff .del').first().waitFor());
    await page.getByRole('button', { name: 'Roll back to this version' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Roll back /shop/web' }).click();
    await page.getByText(`Rolling /shop/web back to ${before48}`).waitFor();
    await waitFor(
      async () => (await drover.api.get<{ app: { mem: number } }>('/v2/apps/shop/web')).app.mem === 32,
      {
        what: 'the rollback to mem 32',
      },
    );

    // --- a task's log shows a line the task printed after the page opened ---
    const gate = mkdtempSync(join(tmpdir(), 'drover-ui-gate-'));
    t.after(() => rmSync(gate, { recursive: true, force: true }));
    await drover.api.json('POST', '/v2/apps', {
      id: '/printer',
      cmd: `echo started; while [ ! -f ${gate}/go ]; do sleep 0.2; done; echo printed-after-the-page-opened; sleep 600`,
      cpus: 0.05,
      mem: 16,
      portDefinitions: [],
    });
    const taskId = await waitFor(
      async () => {
        const { app } = await drover.api.get<{ app: { tasks: Array<{ id: string; state: string }> } }>(
          '/v2/apps/printer',
        );
        return app.tasks.find((x) => x.state === 'TASK_RUNNING')?.id;
      },
      { what: 'the printer task running' },
    );
    await ui.goto('/apps/printer');
    await page.locator(`tr[data-task-id="${taskId}"] a`, { hasText: 'stdout' }).click();
    const log = page.getByTestId('log');
    await log.filter({ hasText: 'started' }).waitFor();
    assert.doesNotMatch((await log.textContent()) ?? '', /printed-after/);
    writeFileSync(join(gate, 'go'), '');
    await log.filter({ hasText: 'printed-after-the-page-opened' }).waitFor({ timeout: 30_000 });
    await ui.shoot('task-log', (p) => p.getByTestId('log').filter({ hasText: 'printed-after' }).waitFor());

    // --- the remaining tabs and pages, for the screenshots ---
    for (const tab of ['queue', 'deployment', 'events']) {
      await ui.goto(`/apps/shop/web?tab=${tab}`);
      await ui.shoot(`app-${tab}`);
    }
    await ui.goto('/deployments');
    await ui.shoot('deployments');
    await ui.goto('/create/app?mode=json');
    await page.fill(
      'textarea[name=json]',
      JSON.stringify({ id: '/bad', cmd: 'true', cpus: -2, mem: 'lots' }, null, 2),
    );
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('.json-error[data-line="4"]', { hasText: '/cpus' }).waitFor();
    await page.locator('.json-error[data-line="5"]', { hasText: '/mem' }).waitFor();
    await ui.shoot('create-json-422');
    await ui.goto('/nowhere');
    ui.assertNoErrors();
  },
);
