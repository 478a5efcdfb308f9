/**
 * The audit log with two real `drover master` processes on one PostgreSQL store: a call made
 * through the standby is proxied to the leader and recorded once (by the leader, with the client
 * as the standby saw it), and a call the standby refuses itself (no credential) is recorded once
 * (by the standby). Before, the standby recorded every proxied call as well as the leader.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TempDatabases, tempDatabases } from '../../src/store/postgres/temp-database.js';
import { ClusterProcess } from './support/cluster-process.js';
import { waitFor } from './support/wait-for.js';

const AUTH = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;

interface AuditEntry {
  who: string;
  method: string;
  path: string;
  status: number;
  remote: string;
}

async function call(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; auth?: boolean } = {},
) {
  const res = await fetch(new URL(path, base), {
    method: init.method ?? 'GET',
    headers: {
      ...(init.auth === false ? {} : { authorization: AUTH }),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('audit log with a leader and a standby', { timeout: 120_000 }, () => {
  let dbs: TempDatabases;
  const masters: Array<{ proc: ClusterProcess; url: string }> = [];

  before(async () => {
    dbs = await tempDatabases();
    const store = await dbs.create();
    for (let i = 0; i < 2; i++) {
      masters.push(
        await ClusterProcess.master([
          '--store',
          store,
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--http-credentials',
          'ops:s3cret',
        ]),
      );
    }
  });

  after(async () => {
    for (const m of masters) await m.proc.cleanup();
    await dbs?.dropAll();
  });

  it('a call through the standby is audited once, by the leader; a refusal at the standby once, by it', async () => {
    // Which one leads: both answer GET /v2/leader with the leader's host.
    const leaderHost = await waitFor(
      async () => {
        const r = await call(masters[0]!.url, '/v2/leader');
        return r.status === 200 ? (r.json as { leader: string }).leader : undefined;
      },
      { what: 'a leader elected', timeoutMs: 60_000 },
    );
    const leader = masters.find((m) => new URL(m.url).host === leaderHost)!;
    const standby = masters.find((m) => m !== leader)!;
    assert.ok(leader && standby, `leader ${leaderHost} among ${masters.map((m) => m.url).join(', ')}`);
    // The standby must know the leader to proxy to it.
    await waitFor(async () => (await call(standby.url, '/v2/apps')).status === 200, {
      what: 'the standby proxying to the leader',
      timeoutMs: 30_000,
    });

    const app = { id: '/audited-once', cmd: 'sleep 1000', instances: 0, cpus: 0.1, mem: 16 };
    const created = await call(standby.url, '/v2/apps', { method: 'POST', body: app });
    assert.equal(created.status, 201, created.text);
    const refused = await call(standby.url, '/v2/apps', { method: 'POST', body: app, auth: false });
    assert.equal(refused.status, 401);

    const entries = await waitFor(
      async () => {
        const r = await call(leader.url, '/v2/audit?limit=1000');
        const list = (r.json as { entries: AuditEntry[] }).entries.filter((e) => e.path === '/v2/apps');
        return list.some((e) => e.status === 401) && list.some((e) => e.status === 201) ? list : undefined;
      },
      { what: 'both calls in the audit log' },
    );
    // Both writes are awaited before each answer; give a doubled write no chance to hide.
    const again = (
      (await call(standby.url, '/v2/audit?limit=1000')).json as { entries: AuditEntry[] }
    ).entries.filter((e) => e.path === '/v2/apps');
    assert.deepEqual(again.length, entries.length, 'the same log through either master');
    const ok = entries.filter((e) => e.status === 201);
    assert.equal(ok.length, 1, `one entry for the deployment: ${JSON.stringify(entries)}`);
    assert.equal(ok[0]!.who, 'ops');
    assert.equal(ok[0]!.method, 'POST');
    assert.match(ok[0]!.remote, /^127\.0\.0\.1 \(via 1\.1 127\.0\.0\.1:\d+, for 127\.0\.0\.1\)$/);
    const no = entries.filter((e) => e.status === 401);
    assert.equal(no.length, 1, `one entry for the refusal: ${JSON.stringify(entries)}`);
    assert.equal(no[0]!.remote, '127.0.0.1');
  });
});
