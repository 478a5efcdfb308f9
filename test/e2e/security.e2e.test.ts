/**
 * Security of a real `drover up` (issue 12): a non-loopback --host refuses to start without a
 * credential; with credentials (basic, an auth file with roles) unauthenticated calls get 401, a
 * viewer 403 on POST and 200 on GET, and the audit log names who deployed an app. Every request
 * goes to 127.0.0.1, even when drover binds 0.0.0.0.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { droverArgv, repoRoot } from './support/drover-bin.js';
import { DroverProcess, http } from './support/drover-process.js';

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
  const hash = (secret: string, token = false) => {
    const r = drover(['hash-password', ...(token ? ['--token'] : [])], secret);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const file = join(dir, 'auth.json');
  writeFileSync(
    file,
    JSON.stringify({
      users: [
        { name: 'alice', role: 'deployer', password: hash('alice-pw') },
        { name: 'dash', role: 'viewer', password: hash('dash-pw') },
      ],
      tokens: [{ name: 'auditor', role: 'admin', hash: hash('admin-token', true) }],
    }),
  );
  return file;
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
});
