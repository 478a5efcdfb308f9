/**
 * The warm standby's one promise, checked on every store with a change feed (SQLite, PostgreSQL;
 * warm-standby.test.ts): after any sequence of writes, a standby that caught up holds exactly
 * what a fresh full load of the store holds. Writes are random (seeded, so a failure replays),
 * touch every table a leader loads, delete as well as put, and land between polls, during a
 * poll, and in bursts, with the standby catching up at random points.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../platform/ids.js';
import { silentLogger } from '../../platform/logger.js';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import { sampleAgent, sampleApp, sampleFailure, sampleTask } from '../../store/contract-support.js';
import { sampleDeployment, sampleRootVersion } from '../../store/deployment-store.contract.js';
import { sampleJob, sampleRun } from '../../store/job-store.contract.js';
import type { Store } from '../../store/port.js';
import { type LoadedState, loadState } from '../loaded-state.js';
import { WarmStandby } from './warm-standby.js';

/** Everything a leader acts on, as plain sorted data: equal digests, equal states. */
export function stateDigest(l: LoadedState): unknown {
  const sorted = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    apps: sorted(l.state.apps),
    tasks: sorted(l.state.tasks),
    tasksByApp: [...new Set([...l.state.tasks.values()].map((t) => t.appId))].sort().map((a) => [
      a,
      l.state
        .tasksOf(a)
        .map((t) => t.id)
        .sort(),
    ]),
    agents: sorted(l.state.agents),
    failures: sorted(l.state.failures),
    rootVersion: l.deployments.rootVersion,
    groups: sorted(l.deployments.groups),
    deployments: sorted(l.deployments.active),
    jobs: sorted(l.jobs.byName),
    activeRuns: l.jobs.allActive(),
    progress: [...l.jobs.progress.entries()].map(([c, ps]) => [c, [...ps].sort()]).sort(),
  };
}

/** The same seed, the same writes (platform/ids.ts: mulberry32). */
function prng(seed: number): () => number {
  const random = seededRandom(seed);
  return () => random.next();
}

const V = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();

/** One random write to the store: `step` makes versions and values unique. */
async function randomWrite(store: Store, r: () => number, step: number): Promise<void> {
  const pick = (n: number) => Math.floor(r() * n);
  const app = `/g${pick(3)}/app-${pick(6)}`;
  const task = `t-${pick(40)}`;
  const agent = `agent-${pick(8)}`;
  const job = `job-${pick(5)}`;
  switch (pick(14)) {
    case 0:
    case 1:
    case 2:
      return store.putTask(sampleTask(task, app, agent, { updatedAt: step, state: 'TASK_RUNNING' }));
    case 3:
      return store.deleteTask(task);
    case 4:
      return store.putAgent(sampleAgent(agent, { lastHeartbeatAt: step, attributes: { n: String(step) } }));
    case 5:
      return store.deleteAgent(agent);
    case 6:
      return store.putApp(sampleApp(app, V(step), { instances: pick(5) }));
    case 7:
      return store.deleteApp(app);
    case 8:
      return store.putTaskFailure(sampleFailure(app, { timestamp: V(step) }));
    case 9:
      return pick(3) === 0
        ? store.deleteDeployment(`d-${pick(3)}`)
        : store.putDeployment(sampleDeployment(`d-${pick(3)}`, { version: V(step), affectedApps: [app] }));
    case 10:
      return store.putRootGroupVersion(sampleRootVersion(V(step)));
    case 11:
      return pick(4) === 0 ? store.deleteJob(job) : store.putJob(sampleJob(job, { retries: pick(5) }));
    case 12: {
      const status = (['queued', 'running', 'succeeded', 'failed'] as const)[pick(4)] ?? 'queued';
      await store.putJob(sampleJob(job));
      return store.putJobRun(sampleRun(job, 1_767_225_600_000 + pick(4) * 60_000, { status }));
    }
    default:
      // Several writes in one transaction: they commit (and are seen) together.
      return store.transaction(async (tx) => {
        await tx.putTask(sampleTask(task, app, agent, { updatedAt: step }));
        await tx.addJobProgress({ child: job, parent: `job-${pick(5)}`, at: step });
        if (pick(2) === 0) await tx.deleteTask(`t-${pick(40)}`);
        if (pick(3) === 0) await tx.clearJobProgress(`job-${pick(5)}`);
      });
  }
}

export function warmStandbyContract(name: string, make: () => Promise<Store>): void {
  describe(`warm standby (${name})`, () => {
    const withStandby =
      (body: (store: Store, standby: WarmStandby) => Promise<void>) => async (): Promise<void> => {
        const store = await make();
        const feed = store.changes;
        assert.ok(feed, `the ${name} store has a change feed`);
        const standby = new WarmStandby({ store, feed, clock: new FakeClock(), logger: silentLogger() });
        try {
          await body(store, standby);
        } finally {
          await standby.stop();
          await store.close();
        }
      };

    const assertSameAsFullLoad = async (store: Store, standby: WarmStandby, what: string) => {
      await standby.catchUp();
      const fresh = stateDigest(await loadState(store));
      // Peeked at, not handed over: the same object the standby goes on changing.
      const followed = stateDigest((standby as unknown as { loaded: LoadedState }).loaded);
      assert.deepEqual(followed, fresh, what);
    };

    for (const seed of [1, 2, 3]) {
      it(
        `equals a fresh full load after random writes (seed ${seed})`,
        withStandby(async (store, standby) => {
          const r = prng(seed);
          let step = 1;
          // Some state before the standby starts, loaded whole.
          for (; step <= 40; step++) await randomWrite(store, r, step);
          assert.deepEqual((await standby.catchUp()).reloaded, true);
          for (let round = 0; round < 25; round++) {
            const burst = 1 + Math.floor(r() * 12);
            // Writes racing the poll: some land before it reads the feed, some while it fetches.
            const poll = r() < 0.5 ? standby.catchUp() : undefined;
            for (let i = 0; i < burst; i++, step++) await randomWrite(store, r, step);
            await poll;
            await assertSameAsFullLoad(store, standby, `round ${round}, seed ${seed}`);
          }
        }),
      );
    }

    it(
      'hundreds of row changes since the last poll are applied one by one, without a full load',
      withStandby(async (store, standby) => {
        await standby.catchUp();
        for (let i = 0; i < 300; i++) await store.putTask(sampleTask(`t-${i}`, '/a', `agent-${i % 7}`));
        for (let i = 0; i < 50; i++) await store.putAgent(sampleAgent(`agent-${i}`));
        const caught = await standby.catchUp();
        assert.equal(caught.changes, 350);
        assert.equal(caught.reloaded, false);
        await assertSameAsFullLoad(store, standby, 'after 350 keyed changes');
      }),
    );

    it(
      'a standby behind the pruned part of the log loads everything again, and is right',
      withStandby(async (store, standby) => {
        await store.putApp(sampleApp('/a'));
        await standby.catchUp();
        const behind = standby.position;
        await store.putTask(sampleTask('t-1', '/a', 'agent-1'));
        await store.deleteApp('/a');
        await store.changes!.prune(await store.changes!.position());
        assert.ok((await store.changes!.since(behind, 100)).kind === 'reload');
        assert.equal((await standby.catchUp()).reloaded, true);
        await assertSameAsFullLoad(store, standby, 'after a prune past the standby');
      }),
    );

    it(
      'handOver gives the state away and nothing changes it afterwards',
      withStandby(async (store, standby) => {
        await standby.catchUp();
        const loaded = standby.handOver();
        assert.equal(standby.warm, false);
        await store.putTask(sampleTask('t-after', '/a', 'agent-1'));
        await standby.catchUp();
        assert.equal(loaded.state.tasks.has('t-after'), false);
        assert.throws(() => standby.handOver(), /not warm/);
      }),
    );
  });
}
