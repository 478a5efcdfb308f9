/**
 * The cached read views (api/cached-view.ts) against the real Master: after every kind of state
 * change the cached answer of every variant (filters, embeds, formats) is byte for byte what an
 * uncached server answers at that moment, the change is seen (the view did move), variants never
 * answer for each other, and a master with nothing to do keeps its ETag (304 for a poller).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.js';
import type { JobsApi } from '../../src/control-plane/jobs/jobs-api.js';
import type { MasterApi } from '../../src/control-plane/master-api.js';
import { createSim, type Sim } from './harness.js';
import { JobSim } from './job-sim.js';

interface Get {
  url: string;
  accept?: string;
}

const APP_VIEWS: Get[] = [
  '/v2/apps',
  '/v2/apps?embed=apps.tasks',
  '/v2/apps?embed=app.tasks',
  '/v2/apps?embed=apps.counts',
  '/v2/apps?embed=apps.deployments',
  '/v2/apps?embed=apps.readiness',
  '/v2/apps?embed=apps.lastTaskFailure',
  '/v2/apps?embed=apps.failures',
  '/v2/apps?embed=apps.tasks&embed=apps.lastTaskFailure',
  '/v2/apps?id=web',
  '/v2/apps?id=db&embed=apps.tasks',
  '/v2/apps?cmd=serve',
  '/v2/apps?label=tier==front',
  '/v2/tasks',
  '/v2/tasks?status=running',
  '/v2/tasks?status[]=staging&status[]=starting',
].map((url) => ({ url }));
const TEXT_TASKS: Get = { url: '/v2/tasks', accept: 'text/plain' };
const JOB_VIEWS: Get[] = [{ url: '/scheduler/jobs' }, { url: '/v1/scheduler/jobs' }];

/** A MasterApi / JobsApi following whatever the current object is, optionally without its revision. */
function live<T extends object>(current: () => T, cached: boolean): T {
  return new Proxy({} as T, {
    get(_, prop) {
      if (!cached && prop === 'viewRevision') return undefined;
      const target = current() as Record<PropertyKey, unknown>;
      const v = target[prop];
      return typeof v === 'function' ? v.bind(target) : v;
    },
    has: (_, prop) => (cached || prop !== 'viewRevision') && prop in current(),
  });
}

class Pair {
  readonly cached: FastifyInstance;
  readonly fresh: FastifyInstance;
  private last = new Map<string, string>();

  constructor(master: () => MasterApi, jobs: () => JobsApi, clock: Sim['clock']) {
    const build = (c: boolean) =>
      buildApiServer({ master: live(master, c), jobs: live(jobs, c), clock, uiDir: null });
    this.cached = build(true);
    this.fresh = build(false);
  }

  private static key(g: Get): string {
    return `${g.accept ?? ''} ${g.url}`;
  }

  /**
   * Every view answered from the cache equals the uncached answer; returns the views whose body
   * changed since the last check. Each is asked twice, so the second answer comes from the cache.
   */
  async check(views: Get[], what: string): Promise<Set<string>> {
    const changed = new Set<string>();
    for (const g of views) {
      const headers = g.accept ? { accept: g.accept } : {};
      const first = await this.cached.inject({ method: 'GET', url: g.url, headers });
      const second = await this.cached.inject({ method: 'GET', url: g.url, headers });
      const fresh = await this.fresh.inject({ method: 'GET', url: g.url, headers });
      assert.equal(fresh.statusCode, 200, `${what}: ${g.url} ${fresh.body}`);
      assert.equal(first.body, fresh.body, `${what}: ${Pair.key(g)} served stale or mixed bytes`);
      assert.equal(second.body, fresh.body, `${what}: ${Pair.key(g)} (from cache) differs`);
      assert.equal(first.headers['content-type'], fresh.headers['content-type']);
      assert.equal(second.headers.etag, first.headers.etag);
      const prev = this.last.get(Pair.key(g));
      if (prev !== undefined && prev !== fresh.body) changed.add(Pair.key(g));
      this.last.set(Pair.key(g), fresh.body);
    }
    return changed;
  }

  async close(): Promise<void> {
    await Promise.all([this.cached.close(), this.fresh.close()]);
  }
}

const web = {
  id: '/web',
  cmd: 'serve',
  instances: 2,
  cpus: 0.1,
  mem: 32,
  backoffSeconds: 1,
  labels: { tier: 'front' },
  healthChecks: [
    {
      protocol: 'HTTP',
      path: '/health',
      gracePeriodSeconds: 30,
      intervalSeconds: 5,
      timeoutSeconds: 2,
      maxConsecutiveFailures: 100,
    },
  ],
};
const db = { id: '/db', cmd: 'database', instances: 1, cpus: 0.1, mem: 32, backoffSeconds: 1 };

describe('cached views of /v2/apps and /v2/tasks', () => {
  let sim: Sim | undefined;
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    await sim?.stop();
  });

  it('every kind of change is seen by every variant, and an idle master keeps its ETag', async () => {
    const s = await createSim({ agents: [{ hostname: 'agent-a' }, { hostname: 'agent-b' }] });
    sim = s;
    const p = new Pair(
      () => s.master,
      () => s.master.jobs,
      s.clock,
    );
    pair = p;
    const views = [...APP_VIEWS, TEXT_TASKS];
    const changes: Array<[string, Set<string>]> = [];
    const step = async (what: string, change: () => Promise<void>) => {
      const before = s.master.viewRevision();
      await change();
      const changed = await p.check(views, what);
      assert.ok(changed.size > 0, `${what}: the views did not move (a change the test does not make)`);
      const after = s.master.viewRevision();
      assert.ok(
        after.source !== before.source || after.value !== before.value,
        `${what}: revision did not move`,
      );
      changes.push([what, changed]);
    };
    await p.check(views, 'empty');

    await step('app created', async () => {
      await s.deploy(web);
      await s.deploy(db);
    });
    await step('tasks staged, running, healthy (status and health updates)', async () => {
      await s.until(
        () => s.running().length === 3 && s.settled() && s.running('/web').every((t) => t.healthy === true),
        { what: 'all running and healthy' },
      );
    });

    // Idle: ticks of the reconciler and health checks that change nothing keep every ETag.
    const idle = s.master.viewRevision();
    const etag = (await p.cached.inject('/v2/apps?embed=apps.tasks')).headers.etag as string;
    await s.clock.advance(20_000);
    assert.equal(s.master.viewRevision().value, idle.value, 'idle ticks moved the revision');
    const notModified = await p.cached.inject({
      method: 'GET',
      url: '/v2/apps?embed=apps.tasks',
      headers: { 'if-none-match': etag },
    });
    assert.equal(notModified.statusCode, 304);
    assert.equal(notModified.body, '');
    assert.equal(notModified.headers.etag, etag);

    await step('scaled up: a deployment runs (deployments embed)', async () => {
      await s.master.putApp({ ...s.master.getApp('/web')!, instances: 3 }, { force: false });
    });
    await step('deployment finished', async () => {
      await s.until(() => s.settled() && s.running('/web').length === 3, { what: 'scaled' });
    });
    await step('health turns unhealthy', async () => {
      const [t] = s.running('/web');
      s.probes.set(t!.id, 'unhealthy');
      await s.until(() => s.running('/web').some((x) => x.healthy === false), { what: 'unhealthy' });
    });
    await step('health turns healthy again', async () => {
      for (const t of s.running('/web')) s.probes.set(t.id, 'healthy');
      await s.until(() => s.running('/web').every((x) => x.healthy === true), { what: 'healthy again' });
    });
    await step('task crashed (lastTaskFailure)', async () => {
      const [t] = s.running('/db');
      s.executors.find((e) => e.tasks.has(t!.id))!.exit(t!.id, { exitCode: 1, signal: null });
      await s.until(() => s.master.lastTaskFailure('/db') !== undefined, { stepMs: 10, what: 'failure' });
    });
    await step('replacement running', async () => {
      await s.until(() => s.running('/db').length === 1, { what: 'replacement' });
    });
    await step('task killed with scale', async () => {
      const [t] = s.running('/web');
      await s.master.killTasks([t!.id], { scale: true, force: false });
      await s.until(() => s.settled() && s.tasks('/web').length === 2, { what: 'killed' });
    });
    await step('agent lost', async () => {
      const b = s.agents[1]!;
      const onB = s.tasks().filter((t) => t.agentId === 'agent-agent-b');
      assert.ok(onB.length > 0, 'agent b has tasks');
      await b.stop({ killTasks: false });
      await s.until(() => !s.tasks().some((t) => onB.some((o) => o.id === t.id && t.state === o.state)), {
        maxMs: 900_000,
        stepMs: 1000,
        what: 'agent loss seen',
      });
    });
    // A new term's Master counts from zero again: its answers are never taken for the old term's.
    const oldTerm = s.master.viewRevision();
    await s.restartMaster();
    await s.until(() => s.running().length === 3 && s.settled(), { what: 'all running again' });
    assert.notEqual(s.master.viewRevision().source, oldTerm.source);
    await p.check(views, 'master restarted');
    await step('scaled down in the new term', async () => {
      await s.master.putApp({ ...s.master.getApp('/web')!, instances: 1 }, { force: false });
      await s.until(() => s.settled() && s.tasks('/web').length === 1, { what: 'scaled down' });
    });
    await step('app deleted', async () => {
      await s.master.deleteApp('/db', { force: false });
      await s.until(() => s.settled(), { what: 'deleted' });
    });

    // Variants answer for themselves only: a filter that leaves `/db` out does not change when only /db does.
    const dbOnly = changes.find(([w]) => w === 'task crashed (lastTaskFailure)')![1];
    assert.ok(dbOnly.has(' /v2/apps?embed=apps.lastTaskFailure'));
    assert.ok(!dbOnly.has(' /v2/apps?id=web'), 'a change to /db moved the ?id=web view');
  });
});

describe('cached view of /scheduler/jobs', () => {
  let sim: JobSim | undefined;
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    await sim?.stop();
  });

  it('job writes, runs and their counters are seen at once; an idle runtime keeps its ETag', async () => {
    const s = await JobSim.create({ start: Date.UTC(2026, 0, 1) });
    sim = s;
    const p = new Pair(
      () => s.master,
      () => s.master.jobs,
      s.clock,
    );
    pair = p;
    const step = async (what: string, change: () => Promise<void>) => {
      await change();
      const changed = await p.check(JOB_VIEWS, what);
      assert.ok(changed.size > 0, `${what}: /scheduler/jobs did not move`);
    };
    await p.check(JOB_VIEWS, 'no jobs');
    await step('job created', () =>
      s.put('iso8601', { name: 'nightly', command: 'x', schedule: 'R/2026-01-02T00:00:00Z/P1D' }),
    );
    await step('dependent job created', () =>
      s.put('dependency', { name: 'after', command: 'y', parents: ['nightly'] }),
    );
    await step('job replaced', () =>
      s.put('iso8601', { name: 'nightly', command: 'z', schedule: 'R/2026-01-02T00:00:00Z/P1D' }),
    );
    await step('manual run succeeded (successCount, lastSuccess)', async () => {
      await s.master.jobs.startJob('nightly');
      await s.until(() => s.tasksOf('nightly').length === 1, { stepMs: 10 });
      s.exit(s.tasksOf('nightly')[0]!, 0);
      await s.until(() => s.master.jobs.getJob('nightly')!.successCount === 1, { stepMs: 10 });
    });
    const before = s.master.jobs.viewRevision();
    const etag = (await p.cached.inject('/scheduler/jobs')).headers.etag as string;
    await s.clock.advance(5_000);
    assert.equal(s.master.jobs.viewRevision().value, before.value, 'idle ticks moved the jobs revision');
    const r = await p.cached.inject({
      method: 'GET',
      url: '/scheduler/jobs',
      headers: { 'if-none-match': etag },
    });
    assert.equal(r.statusCode, 304);
    await step('run failed (errorCount)', async () => {
      await s.put('iso8601', { name: 'flaky', command: 'false', schedule: 'R1//PT1M', retries: 0 });
      await s.until(() => s.tasksOf('flaky').length === 1, { stepMs: 10 });
      s.exit(s.tasksOf('flaky')[0]!, 3);
      await s.until(() => s.master.jobs.getJob('flaky')!.errorCount === 1, { stepMs: 10 });
    });
    await step('job deleted', () => s.master.jobs.deleteJob('flaky'));
    await step('master restarted', async () => {
      await s.restart();
      await s.put('iso8601', { name: 'late', command: 'w', schedule: 'R/2026-01-03T00:00:00Z/P1D' });
    });
  });
});
