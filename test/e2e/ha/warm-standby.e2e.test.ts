/**
 * Warm standby on real processes and a real PostgreSQL: two `drover master`s; the standby loads
 * the state once and follows the store's change log. Apps are written on the leader up to the
 * moment it is killed with SIGKILL; the survivor takes over WARM (its `leading` line says so,
 * and it never loads the whole state again), serves every app the dead leader acknowledged, and
 * accepts writes. Then a fresh master joins as the new standby and takes over in turn, after a
 * DELETE /v2/leader, with the writes of the second term.
 *
 * Needs PostgreSQL (scripts/provision.sh) and `npm run build`: without them it fails.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TempDatabases, tempDatabases } from '../../../src/store/postgres/temp-database.js';
import { ClusterProcess } from '../support/cluster-process.js';
import { http } from '../support/http-json.js';
import { leaderOf } from '../support/leader-of.js';
import { waitFor } from '../support/wait-for.js';

interface Master {
  proc: ClusterProcess;
  url: string;
}

const LEADING = /"msg":"leading: state loaded, loops started"/;
const STANDBY_LOADED = /"msg":"standby state loaded: following the store"/g;

let dbs: TempDatabases | undefined;
let setupError: unknown;
const masters: Master[] = [];

before(async () => {
  // Kept, not thrown: a throwing before() marks the tests cancelled, which reads like a skip.
  dbs = await tempDatabases().catch((err) => {
    setupError = err;
    return undefined;
  });
});
after(async () => {
  for (const m of masters) await m.proc.cleanup();
  await dbs?.dropAll();
});

async function startMaster(store: string): Promise<Master> {
  const m = await ClusterProcess.master(['--store', store, '--host', '127.0.0.1', '--port', '0'], 60_000);
  masters.push(m);
  return m;
}

/** The master every live master names as leader. */
async function agreedLeader(live: Master[]): Promise<Master> {
  return waitFor(
    async () => {
      const seen = await Promise.all(live.map((m) => leaderOf(m.url).catch(() => undefined)));
      const host = seen[0];
      if (host === undefined || !seen.every((h) => h === host)) return undefined;
      return live.find((m) => new URL(m.url).host === host);
    },
    { what: 'every master to name one leader', timeoutMs: 60_000, intervalMs: 100 },
  );
}

async function postApp(base: string, id: string): Promise<boolean> {
  const r = await http(`${base}/v2/apps`, {
    method: 'POST',
    body: { id, cmd: 'sleep 3600', instances: 0, portDefinitions: [] },
    timeoutMs: 10_000,
  }).catch(() => undefined);
  return r !== undefined && r.status === 201;
}

async function appIds(base: string): Promise<string[]> {
  const r = await http(`${base}/v2/apps`, { timeoutMs: 10_000 });
  assert.equal(r.status, 200);
  return (r.json as { apps: Array<{ id: string }> }).apps.map((a) => a.id).sort();
}

const loadsOf = (m: Master) => m.proc.output().match(STANDBY_LOADED)?.length ?? 0;

describe('warm standby (two masters, PostgreSQL)', () => {
  it('the survivor of a kill -9 takes over warm, with every acknowledged write', async () => {
    if (!dbs) throw setupError ?? new Error('no PostgreSQL');
    const store = await dbs.create();
    await startMaster(store);
    await startMaster(store);
    const leader = await agreedLeader(masters);
    const survivor = masters.find((m) => m !== leader)!;
    await waitFor(async () => loadsOf(survivor) > 0 || undefined, {
      what: 'the standby to load its state',
      timeoutMs: 60_000,
    });

    const acked: string[] = [];
    for (let i = 0; i < 20; i++) if (await postApp(leader.url, `/warm/a-${i}`)) acked.push(`/warm/a-${i}`);
    // Writes up to the kill: the last ones reach the store after the standby's last poll.
    let n = 0;
    const writing = (async () => {
      for (; n < 1_000; n++) {
        if (!(await postApp(leader.url, `/warm/b-${n}`))) return;
        acked.push(`/warm/b-${n}`);
      }
    })();
    await waitFor(async () => n >= 5 || undefined, { what: 'writes in flight', timeoutMs: 30_000 });
    leader.proc.child.kill('SIGKILL');
    await writing;
    await leader.proc.exited;

    const after = await agreedLeader([survivor]);
    assert.equal(after, survivor);
    await waitFor(async () => LEADING.test(survivor.proc.output()) || undefined, {
      what: 'the survivor to lead',
      timeoutMs: 30_000,
    });
    const leading = survivor.proc
      .output()
      .split('\n')
      .find((l) => LEADING.test(l))!;
    assert.match(leading, /"warm":true/, leading);
    assert.equal(loadsOf(survivor), 1, 'the survivor never loaded the whole state again');
    const ids = await appIds(survivor.url);
    for (const id of acked) assert.ok(ids.includes(id), `${id} was acknowledged by the dead leader`);
    assert.ok(await postApp(survivor.url, '/warm/after-kill'));

    // A fresh master joins as the standby; the survivor abdicates; the newcomer takes over warm.
    const third = await startMaster(store);
    await waitFor(async () => loadsOf(third) > 0 || undefined, {
      what: 'the new standby to load',
      timeoutMs: 60_000,
    });
    for (let i = 0; i < 10; i++) assert.ok(await postApp(survivor.url, `/warm/c-${i}`));
    const before = await appIds(survivor.url);
    const r = await http(`${survivor.url}/v2/leader`, { method: 'DELETE', timeoutMs: 10_000 });
    assert.equal(r.status, 200);
    const next = await waitFor(
      async () => {
        const l = await agreedLeader([survivor, third]);
        return l === third ? l : undefined;
      },
      { what: 'the new standby to lead', timeoutMs: 60_000 },
    );
    await waitFor(async () => LEADING.test(next.proc.output()) || undefined, {
      what: 'the newcomer to lead',
      timeoutMs: 30_000,
    });
    assert.match(
      next.proc
        .output()
        .split('\n')
        .find((l) => LEADING.test(l))!,
      /"warm":true/,
    );
    assert.deepEqual(await appIds(next.url), before);
  });
});
