/**
 * The web UI behind the master's auth (`--auth-file` with an admin and a read-only viewer), against
 * a real `drover up`: the UI asks for credentials; a wrong password is refused on the form with the
 * fields kept; the right one opens the console; a viewer is offered no write action and no audit
 * log; the admin reads the audit log, filtered to the viewer's refused call.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeAuthFile } from '../support/auth-file.js';
import { repoRoot } from '../support/drover-bin.js';
import { DroverProcess, waitFor } from '../support/drover-process.js';
import { http } from '../support/http-json.js';
import { UiSession } from './browser-session.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function authFile(dir: string): string {
  return writeAuthFile(dir, [
    { name: 'root', role: 'admin', password: 'root-pw' },
    { name: 'dash', role: 'viewer', password: 'dash-pw' },
  ]);
}

test('auth: login form, wrong password refused, viewer sees no write action, admin reads the audit log', {
  timeout: 240_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-ui-auth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const drover = await DroverProcess.startFor(t, {
    agents: 1,
    args: ['--auth-file', authFile(dir)],
    // A shared 2-core machine can take a while to start it.
    startTimeoutMs: 90_000,
  });
  const root = { authorization: basic('root', 'root-pw') };
  const dash = { authorization: basic('dash', 'dash-pw') };
  const app = { id: '/guarded', cmd: 'sleep 1000', cpus: 0.05, mem: 16, instances: 1 };
  assert.equal(
    (await http(`${drover.url}/v2/apps`, { method: 'POST', headers: root, body: app })).status,
    201,
  );
  const job = { name: 'tidy', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/PT1H', cpus: 0.05, mem: 16 };
  const posted = await http(`${drover.url}/v1/scheduler/iso8601`, {
    method: 'POST',
    headers: root,
    body: job,
  });
  assert.equal(posted.status, 204);
  await waitFor(
    async () =>
      (
        (await http(`${drover.url}/v2/apps/guarded`, { headers: root })).json as {
          app: { tasksRunning: number };
        }
      ).app.tasksRunning === 1,
    { what: '/guarded running', timeoutMs: 60_000 },
  );

  const ui = await UiSession.open(t, drover, 'auth');
  const page = ui.page;
  // Before signing in every read is a 401; the browser logs each as a console error.
  ui.expectStatus(401);

  // --- no credentials: the UI asks for them ---
  await ui.goto('/');
  await page.getByRole('heading', { name: 'Sign in to this master' }).waitFor();
  await ui.shoot('login');

  // --- a wrong password: refused on the form, which keeps what was typed ---
  await page.fill('input[name=user]', 'root');
  await page.fill('input[name=secret]', 'not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /refused these credentials \(401\)/);
  assert.equal(await page.inputValue('input[name=user]'), 'root');
  assert.equal(await page.inputValue('input[name=secret]'), 'not-the-password');
  await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'ui', 'auth-login-error-desktop.png') });

  // --- the right one: the console, as root (admin) ---
  await page.fill('input[name=secret]', 'root-pw');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.getByTestId('who').filter({ hasText: 'root · admin' }).waitFor();
  await page.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
  await page.getByRole('link', { name: 'Audit', exact: true }).waitFor();
  await ui.goto('/apps');
  await page.locator('[data-app-id="/guarded"]').waitFor();
  await page.getByRole('link', { name: 'Create app' }).waitFor();

  // --- sign out, then in as dash (viewer): read, but no write action offered anywhere ---
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to this master' }).waitFor();
  await page.fill('input[name=user]', 'dash');
  await page.fill('input[name=secret]', 'dash-pw');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').filter({ hasText: 'dash · viewer (read only)' }).waitFor();
  await ui.phoneCredentials({ kind: 'basic', user: 'dash', password: 'dash-pw' });
  // Each page load asks the master who this is: absent buttons mean something only once it answered.
  const asViewer = () => page.getByTestId('who').filter({ hasText: 'dash · viewer' }).waitFor();

  await ui.goto('/apps');
  await page.locator('[data-app-id="/guarded"]').waitFor();
  await asViewer();
  assert.equal(await page.getByRole('link', { name: /Create/ }).count(), 0, 'no create for a viewer');
  await ui.shoot('viewer-apps', (p) => p.locator('[data-app-id="/guarded"]').waitFor());

  await ui.goto('/apps/guarded');
  await page.getByRole('table').locator('tbody tr').first().waitFor();
  await asViewer();
  for (const name of ['Scale', 'Restart', 'Suspend', 'Destroy'])
    assert.equal(await page.getByRole('button', { name }).count(), 0, `no ${name} for a viewer`);
  assert.equal(await page.getByRole('link', { name: 'stdout' }).count(), 0, 'no logs without logs: true');
  await ui.shoot('viewer-app', (p) => p.getByRole('table').locator('tbody tr').first().waitFor());

  await ui.goto('/jobs/tidy');
  await page.getByRole('heading', { name: 'tidy' }).waitFor();
  await asViewer();
  for (const name of ['Run now', 'Disable', 'Delete'])
    assert.equal(await page.getByRole('button', { name }).count(), 0, `no ${name} for a viewer`);
  await ui.goto('/jobs');
  await page.locator('tr[data-job="tidy"]').waitFor();
  await asViewer();
  assert.equal(await page.getByRole('link', { name: 'Create job' }).count(), 0);

  await ui.goto('/agents');
  await page.locator('[data-agent-id]').first().waitFor();
  await asViewer();
  assert.equal(await page.getByRole('button', { name: /drain/i }).count(), 0, 'no drain for a viewer');
  assert.equal(await page.getByRole('link', { name: 'Audit', exact: true }).count(), 0);

  // The audit log by its URL: a clear refusal, no request the master would refuse.
  await ui.goto('/audit');
  await page.getByRole('alert').filter({ hasText: 'The audit log is for admins' }).waitFor();
  assert.match((await page.getByRole('alert').textContent()) ?? '', /dash \(viewer\)/);
  await ui.shoot('viewer-audit', (p) => p.getByRole('alert').waitFor());

  // A write the viewer tries anyway (curl) is refused with a 403 naming the role, and audited.
  const refused = await http(`${drover.url}/v2/apps/guarded/restart`, { method: 'POST', headers: dash });
  assert.equal(refused.status, 403);
  assert.match(refused.text, /role viewer \(dash\) may not POST/);

  // --- root again: the audit log, filtered to dash ---
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.fill('input[name=user]', 'root');
  await page.fill('input[name=secret]', 'root-pw');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').filter({ hasText: 'root · admin' }).waitFor();
  await ui.phoneCredentials({ kind: 'basic', user: 'root', password: 'root-pw' });
  await ui.goto('/audit');
  const rows = page.locator('table[aria-label="Audit log"] tbody tr');
  await rows.filter({ hasText: 'POST /v2/apps' }).first().waitFor();
  const created = rows
    .filter({ has: page.locator('td[data-label="Call"]', { hasText: /^POST \/v2\/apps$/ }) })
    .first();
  assert.match((await created.textContent()) ?? '', /root \(admin\).*201 done/);
  await page.getByRole('combobox', { name: 'Who' }).selectOption('dash');
  await page.waitForURL(/[?&]who=dash/);
  await rows.first().waitFor();
  assert.deepEqual(
    [...new Set(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-who'))))],
    ['dash'],
  );
  assert.match((await rows.first().textContent()) ?? '', /POST \/v2\/apps\/guarded\/restart.*403 refused/);
  await ui.shoot('audit', (p) => p.locator('table[aria-label="Audit log"] tbody tr').first().waitFor());
  ui.assertNoErrors();
});
