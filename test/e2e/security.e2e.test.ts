/**
 * Security of a real `drover up` (issue 12): a non-loopback --host refuses to start without a
 * credential; with credentials (basic, an auth file with roles) unauthenticated calls get 401, a
 * viewer 403 on POST and 200 on GET, and the audit log names who deployed an app. Every request
 * goes to 127.0.0.1, even when drover binds 0.0.0.0.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeAuthFile as writeAuthFileIn } from './support/auth-file.js';
import { droverArgv, repoRoot } from './support/drover-bin.js';
import { DroverProcess, http, waitFor } from './support/drover-process.js';
import { startWithSecrets } from './support/secret-drover.js';
import { UiSession } from './ui/browser-session.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-security-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function drover(args: string[], input?: string) {
  return spawnSync(process.execPath, droverArgv(args), {
    cwd: repoRoot,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** The auth file, with hashes made by `drover hash-password` as an operator would. */
function writeAuthFile(): string {
  return writeAuthFileIn(
    dir,
    [
      { name: 'alice', role: 'deployer', password: 'alice-pw' },
      { name: 'dash', role: 'viewer', password: 'dash-pw' },
    ],
    [{ name: 'auditor', role: 'admin', token: 'admin-token' }],
  );
}

/** drover printed its bind address; requests go to loopback whatever it bound. */
function onLoopback(d: DroverProcess): string {
  const u = new URL(d.url);
  u.hostname = '127.0.0.1';
  return u.origin;
}

describe('drover up exposure, roles and audit', { timeout: 180_000 }, () => {
  it('refuses a non-loopback --host without a credential, naming the flags; --insecure overrides with a warning', async (t) => {
    const r = drover(['up', '--host', '0.0.0.0', '--port', '0', '--data-dir', join(dir, 'refused')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0/);
    assert.match(r.stderr, /--http-credentials/);
    assert.match(r.stderr, /--insecure/);

    const open = await DroverProcess.startFor(t, { args: ['--host', '0.0.0.0', '--insecure'], agents: 1 });
    assert.match(open.output(), /warning: --insecure/);
    assert.equal((await http(`${onLoopback(open)}/v2/apps`)).status, 200);
  });

  it('with credentials: 401 without them, viewer 403 on POST and 200 on GET, audit names the deployer', async (t) => {
    const authFile = writeAuthFile();
    const d = await DroverProcess.startFor(t, {
      agents: 1,
      args: ['--host', '0.0.0.0', '--http-credentials', 'ops:ops-pw', '--auth-file', authFile],
    });
    const base = onLoopback(d);

    for (const headers of [
      {} as Record<string, string>,
      { authorization: basic('dash', 'wrong') },
      { authorization: 'Bearer nope' },
    ]) {
      assert.equal((await http(`${base}/v2/apps`, { headers })).status, 401, JSON.stringify(headers));
    }
    assert.equal((await http(`${base}/ping`)).status, 200, '/ping stays open');

    const viewer = { authorization: basic('dash', 'dash-pw') };
    const app = { id: '/audited', cmd: 'sleep 1000', cpus: 0.1, mem: 16, instances: 0 };
    const refused = await http(`${base}/v2/apps`, { method: 'POST', headers: viewer, body: app });
    assert.equal(refused.status, 403);
    assert.match(refused.text, /role viewer/);
    assert.equal((await http(`${base}/v2/apps`, { headers: viewer })).status, 200);

    const deployer = { authorization: basic('alice', 'alice-pw') };
    assert.equal(
      (await http(`${base}/v2/apps`, { method: 'POST', headers: deployer, body: app })).status,
      201,
    );
    const drain = await http(`${base}/v2/agents/local-agent-1/drain`, { method: 'POST', headers: deployer });
    assert.equal(drain.status, 403);

    assert.equal((await http(`${base}/v2/audit`, { headers: deployer })).status, 403, 'audit is for admins');
    const audit = await http(`${base}/v2/audit`, { headers: { authorization: 'Bearer admin-token' } });
    assert.equal(audit.status, 200);
    const entries = (audit.json as { entries: Array<Record<string, unknown>> }).entries;
    const created = entries.find((e) => e.method === 'POST' && e.path === '/v2/apps' && e.status === 201);
    assert.ok(created, JSON.stringify(entries));
    assert.equal(created.who, 'alice');
    assert.equal(created.role, 'deployer');
    assert.equal(created.target, '/audited');
    assert.equal(created.remote, '127.0.0.1');
    assert.ok(
      entries.some((e) => e.who === 'dash' && e.status === 403),
      'refused calls are audited too',
    );
    // The basic-auth user of --http-credentials is an admin, as before.
    assert.equal(
      (await http(`${base}/v2/audit`, { headers: { authorization: basic('ops', 'ops-pw') } })).status,
      200,
    );
  });

  it('a secret reaches the task environment and nothing else: not the API, events, logs or the state files', async (t) => {
    const { d, events, value } = await startWithSecrets(t, { dir, name: 'app' });

    const put = await d.api.raw('PUT', '/v2/secrets/db/password', { body: { value } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((put.json as Record<string, unknown>).version, 1);
    const listed = await d.api.raw('GET', '/v2/secrets');
    assert.equal(listed.status, 200);
    assert.deepEqual(
      (listed.json as { secrets: Array<Record<string, unknown>> }).secrets.map((x) => [x.name, x.version]),
      [['db/password', 1]],
    );

    const app = {
      id: '/uses-secret',
      cmd: 'env > "$MESOS_SANDBOX/env.txt"; sleep 1000',
      cpus: 0.1,
      mem: 16,
      env: { PLAIN: 'visible', DB_PASSWORD: { secret: 'pw' } },
      secrets: { pw: { source: 'db/password' } },
    };
    // A reference to a secret that does not exist is a 422 at its path, and nothing is stored.
    const missing = await d.api.raw('POST', '/v2/apps', {
      body: { ...app, id: '/missing', secrets: { pw: { source: 'no/such' } } },
    });
    assert.equal(missing.status, 422, missing.text);
    assert.match(missing.text, /"path":"\/secrets\/pw\/source"/);
    assert.equal((await d.api.raw('GET', '/v2/apps/missing')).status, 404);

    assert.equal((await d.api.raw('POST', '/v2/apps', { body: app })).status, 201);
    const sandboxes = join(d.dataDir, 'agents', 'agent-1', 'sandboxes');
    const envFile = await waitFor(
      () => {
        if (!existsSync(sandboxes)) return undefined;
        for (const task of readdirSync(sandboxes)) {
          const f = join(sandboxes, task, 'env.txt');
          if (existsSync(f) && readFileSync(f, 'utf8').includes('PLAIN=')) return f;
        }
        return undefined;
      },
      { what: 'the task to write its environment', timeoutMs: 30_000 },
    );
    const env = readFileSync(envFile, 'utf8');
    assert.match(env, new RegExp(`^DB_PASSWORD=${value}$`, 'm'), 'the task has the secret');
    assert.match(env, /^PLAIN=visible$/m);

    const apps = await d.api.raw('GET', '/v2/apps?embed=apps.tasks');
    assert.ok(!apps.text.includes(value), 'not in GET /v2/apps');
    assert.match(apps.text, /"DB_PASSWORD":\{"secret":"pw"\}/, 'the reference is shown as Marathon shows it');
    const versions = await d.api.raw('GET', '/v2/apps/uses-secret/versions');
    const v = (versions.json as { versions: string[] }).versions[0]!;
    assert.ok(!(await d.api.raw('GET', `/v2/apps/uses-secret/versions/${v}`)).text.includes(value));
    assert.ok(!(await d.api.raw('GET', '/v2/secrets')).text.includes(value), 'not in the secret list');
    assert.ok(!(await d.api.raw('GET', '/v2/tasks')).text.includes(value));
    // The UI is built before the tests (npm test builds), so its page is always there.
    const ui = await d.api.raw('GET', '/ui/');
    assert.equal(ui.status, 200, 'the UI is served');
    assert.ok(!ui.text.includes(value), 'not in the UI page');
    // And as a browser renders it: the app's configuration and tasks pages show the reference only.
    const browser = await UiSession.open(t, d, 'secret');
    await browser.goto('/apps/uses-secret?tab=config');
    await browser.page.getByText('DB_PASSWORD').first().waitFor({ timeout: 30_000 });
    const configHtml = await browser.page.content();
    assert.ok(configHtml.includes('DB_PASSWORD'), 'the variable is shown');
    assert.ok(!configHtml.includes(value), 'not in the rendered configuration page');
    await browser.goto('/apps/uses-secret');
    assert.ok(!(await browser.page.content()).includes(value), 'not in the rendered app page');

    await waitFor(() => events.ofType('status_update_event').length > 0, { what: 'status events' });
    assert.ok(events.events.length > 0);
    assert.ok(!JSON.stringify(events.events).includes(value), 'not in /v2/events');
    assert.ok(!d.output().includes(value), 'not in the master log (debug level)');

    // Stored sealed: neither the state database nor the task checkpoint holds it in plain text.
    for (const f of readdirSync(d.dataDir).filter((n) => n.startsWith('state.db'))) {
      assert.ok(!readFileSync(join(d.dataDir, f)).includes(value), f);
    }
    const checkpoint = join(envFile, '..', '.drover-task.json');
    assert.ok(existsSync(checkpoint));
    assert.ok(!readFileSync(checkpoint, 'utf8').includes(value), 'not in the checkpoint');

    // A secret in use cannot be deleted; once unused it can.
    assert.equal((await d.api.raw('DELETE', '/v2/secrets/db/password')).status, 409);
    assert.equal((await d.api.raw('DELETE', '/v2/apps/uses-secret')).status, 200);
    assert.equal((await d.api.raw('DELETE', '/v2/secrets/db/password')).status, 204);
  });
});
