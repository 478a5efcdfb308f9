/**
 * Issue 16: a PostgreSQL restart under a running cluster. Two `drover master` processes and an
 * agent share a throwaway PostgreSQL cluster (its own port; the shared one is never touched). A
 * writer keeps creating apps through both masters and records every 2xx answer. Then
 * `pg_ctlcluster ... stop -m immediate`, at least 5 s down, start. Meanwhile no master claims to
 * lead (GET /v2/leader is 404 on both) and writes are refused; once the server is back a leader is
 * elected again, the app's tasks are the same ones (the agent kept them), and every acknowledged
 * write is there.
 *
 * Needs root, Debian's postgresql-common tools and the server (scripts/provision.sh); fails without.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ClusterProcess } from './support/cluster-process.js';
import { http } from './support/http-json.js';
import { leaderOf } from './support/leader-of.js';
import { createThrowawayPostgres, type ThrowawayPostgres } from './support/throwaway-postgres.js';
import { waitFor } from './support/wait-for.js';

interface TaskJson {
  id: string;
  state: string;
}

const APP = { id: '/pgr', cmd: 'sleep 600', cpus: 0.1, mem: 16, instances: 2, portDefinitions: [] };
const OUTAGE_MS = 5_000;

describe('PostgreSQL restart under two masters and an agent', { timeout: 300_000 }, () => {
  let pgc: ThrowawayPostgres | undefined;
  let setupError: unknown;
  const masters: Array<{ proc: ClusterProcess; url: string }> = [];
  let agent: ClusterProcess | undefined;

  before(async () => {
    pgc = await createThrowawayPostgres().catch((err) => {
      // Kept, not thrown: a throwing before() marks the tests cancelled, which reads like a skip.
      setupError = err;
      return undefined;
    });
  });

  after(async () => {
    await agent?.cleanup();
    for (const m of masters) await m.proc.cleanup();
    await pgc?.drop();
  });

  function server(): ThrowawayPostgres {
    if (!pgc) throw setupError ?? new Error('no throwaway PostgreSQL');
    return pgc;
  }

  async function runningTaskIds(base: string, what: string): Promise<string[]> {
    return waitFor(
      async () => {
        const r = await http(`${base}/v2/apps${APP.id}/tasks`, { timeoutMs: 5_000 });
        if (r.status !== 200) return undefined;
        const ids = (r.json as { tasks: TaskJson[] }).tasks
          .filter((t) => t.state === 'TASK_RUNNING')
          .map((t) => t.id)
          .sort();
        return ids.length === APP.instances ? ids : undefined;
      },
      { what, timeoutMs: 120_000, intervalMs: 250 },
    );
  }

  it('the leader steps down while the store is gone; afterwards a leader is elected, tasks and acknowledged writes are kept', async () => {
    const store = server().url;
    for (let i = 0; i < 2; i++) {
      masters.push(await ClusterProcess.master(['--store', store, '--host', '127.0.0.1', '--port', '0']));
    }
    agent = await ClusterProcess.agent([
      '--master',
      masters.map((m) => m.url).join(','),
      '--advertise',
      '127.0.0.1',
      '--resources',
      'cpus=2,mem=1024,disk=1000,ports=29620-29629',
      '--heartbeat-interval',
      '500',
    ]);
    await waitFor(() => leaderOf(masters[0]!.url), { what: 'a leader', timeoutMs: 60_000 });
    const created = await http(`${masters[0]!.url}/v2/apps`, { method: 'POST', body: APP });
    assert.equal(created.status, 201, created.text);
    const tasksBefore = await runningTaskIds(masters[0]!.url, 'the app running before the restart');

    // The writer: one new app at a time, alternating masters; only 2xx answers count as acknowledged.
    const acked: string[] = [];
    const refused: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n++) {
        const id = `/pgr-w${n}`;
        const base = masters[n % 2]!.url;
        const r = await http(`${base}/v2/apps`, {
          method: 'POST',
          body: { id, cmd: 'sleep 600', cpus: 0.01, mem: 8, instances: 0, portDefinitions: [] },
          timeoutMs: 5_000,
        }).catch(() => undefined);
        if (r && r.status >= 200 && r.status < 300) acked.push(id);
        else {
          refused.push(r?.status ?? 0);
          await delay(100);
        }
      }
    })();
    await waitFor(() => acked.length >= 5, {
      what: 'writes acknowledged before the restart',
      timeoutMs: 60_000,
    });

    const ackedBeforeStop = acked.length;
    const stoppedAt = Date.now();
    await server().stopImmediate();
    // The outage lasts at least 5 s, and until no master claims to lead (each answers 404).
    const steppedDown = await waitFor(
      async () => {
        const seen = await Promise.all(masters.map((m) => leaderOf(m.url)));
        return seen.every((l) => l === undefined) ? seen : undefined;
      },
      {
        what: 'every master to stop claiming leadership while PostgreSQL is down',
        timeoutMs: 60_000,
        intervalMs: 100,
      },
    );
    assert.deepEqual(steppedDown, [undefined, undefined]);
    const refusedBefore = refused.length;
    await waitFor(() => refused.length > refusedBefore, { what: 'a write refused while PostgreSQL is down' });
    const ackedWhileDown = acked.length - ackedBeforeStop;
    const left = OUTAGE_MS - (Date.now() - stoppedAt);
    if (left > 0) await delay(left);
    await server().start();

    const leaderHost = await waitFor(() => leaderOf(masters[0]!.url), {
      what: 'a leader elected once PostgreSQL is back',
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    assert.ok(
      masters.some((m) => new URL(m.url).host === leaderHost),
      leaderHost,
    );
    await waitFor(() => acked.length > ackedBeforeStop + ackedWhileDown, {
      what: 'a write acknowledged after the restart',
      timeoutMs: 60_000,
    });
    writing = false;
    await writer;

    assert.deepEqual(await runningTaskIds(masters[1]!.url, 'the same tasks after the restart'), tasksBefore);
    const apps = await http(`${masters[0]!.url}/v2/apps`);
    assert.equal(apps.status, 200, apps.text);
    const stored = new Set((apps.json as { apps: Array<{ id: string }> }).apps.map((a) => a.id));
    const lost = acked.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `acknowledged ${acked.length} writes, refused ${refused.length}`);
    assert.ok(stored.has(APP.id));
  });
});
