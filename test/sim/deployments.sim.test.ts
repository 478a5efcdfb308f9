/**
 * Deployments in simulation (fake clock, fake probes): rolling upgrades under the three classic
 * strategies with the bounds checked at every step, a new version that never becomes healthy
 * (the deployment stays, old tasks keep serving, a rollback restores them), force-cancel in the
 * middle, dependency order across a group, and a master restart in the middle of a deployment.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { BusEvent } from '../../src/control-plane/events/event-bus.js';
import { parseGroupBody } from '../../src/deploy/group-body.js';
import { createGroup } from '../../src/deploy/group-change.js';
import type { AppDefinition } from '../../src/domain/app.js';
import { parseAppDefinition } from '../../src/domain/app-validate.js';
import { isDroverError } from '../../src/domain/errors.js';
import type { TaskRecord } from '../../src/domain/task.js';
import { isTerminal } from '../../src/domain/task.js';
import { createSim, type Sim } from './harness.js';

const INTERVAL = 2;

const web = (over: Record<string, unknown> = {}) => ({
  id: '/web',
  cmd: 'serve v1',
  instances: 4,
  cpus: 0.1,
  mem: 32,
  backoffSeconds: 1,
  healthChecks: [
    {
      protocol: 'HTTP',
      path: '/health',
      gracePeriodSeconds: 10,
      intervalSeconds: INTERVAL,
      delaySeconds: 1,
      timeoutSeconds: 1,
      maxConsecutiveFailures: 0,
    },
  ],
  ...over,
});

const serving = (t: TaskRecord) =>
  t.state === 'TASK_RUNNING' && t.healthy === true && t.killRequestedAt === undefined;
const alive = (t: TaskRecord) => !isTerminal(t.state);

/** Makes every probe of a health check with this path fail: a version that never becomes healthy. */
const BROKEN_PATH = '/broken';

describe('deployments in simulation', () => {
  let sim: Sim;
  afterEach(async () => {
    await sim?.stop();
  });

  async function started(n = 4, over: Record<string, unknown> = {}): Promise<AppDefinition> {
    sim = await createSim({
      agents: [{ hostname: 'agent-a' }, { hostname: 'agent-b' }, { hostname: 'agent-c' }],
    });
    sim.probes.fallback = (target) =>
      target.kind === 'http' && target.path === BROKEN_PATH
        ? { kind: 'http', status: 503, statusText: 'Service Unavailable' }
        : { kind: 'http', status: 200, statusText: 'OK' };
    await sim.deploy(web({ instances: n, ...over }));
    await sim.until(() => sim.tasks('/web').filter(serving).length === n && sim.settled(), {
      what: `${n} healthy`,
    });
    return sim.master.getApp('/web')!;
  }

  function events(): BusEvent[] {
    const seen: BusEvent[] = [];
    sim.master.events.subscribe((e) => seen.push(e));
    return seen;
  }

  /** Runs until the deployment settles, checking the strategy's bounds after every step. */
  async function upgradeWithin(
    min: number,
    max: number,
    what: string,
  ): Promise<{ low: number; high: number }> {
    let low = Number.POSITIVE_INFINITY;
    let high = 0;
    await sim.until(
      () => {
        const tasks = sim.tasks('/web');
        low = Math.min(low, tasks.filter(serving).length);
        high = Math.max(high, tasks.filter(alive).length);
        assert.ok(low >= min, `${what}: ${low} serving, minimum ${min}`);
        assert.ok(high <= max, `${what}: ${high} running, maximum ${max}`);
        const current = sim.master.getApp('/web')!.versionInfo.lastConfigChangeAt;
        return (
          sim.settled() && tasks.length === 4 && tasks.every((t) => serving(t) && t.configVersion === current)
        );
      },
      { stepMs: 200, what },
    );
    return { low, high };
  }

  it('upgrades with the defaults (1/1): n new tasks at once, old ones go as new ones serve', async () => {
    const v1 = await started();
    const seen = events();
    const before = new Set(sim.tasks('/web').map((t) => t.id));
    const ref = await sim.master.putApp({ ...v1, cmd: 'serve v2' }, { force: false });
    assert.equal(sim.master.deployments()[0]?.id, ref.deploymentId);
    assert.deepEqual(
      sim.master.deployments()[0]?.steps.map((s) => s.actions),
      [[{ action: 'RestartApplication', app: '/web' }]],
    );
    const { high } = await upgradeWithin(4, 8, '1/1');
    assert.equal(high, 8, 'all four new tasks started at once');
    assert.ok(sim.tasks('/web').every((t) => !before.has(t.id)));
    const types = seen.map((e) => e.eventType).filter((t) => t.startsWith('deployment_'));
    assert.deepEqual(types, ['deployment_info', 'deployment_step_success', 'deployment_success']);
  });

  it('upgrades one at a time (1/0): never more than n + 1 tasks', async () => {
    const v1 = await started(4, { upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0 } });
    await sim.master.putApp({ ...v1, cmd: 'serve v2' }, { force: false });
    const { high } = await upgradeWithin(4, 5, '1/0');
    assert.equal(high, 5);
  });

  it('upgrades with 0.5/0: half the old tasks go first, never above n', async () => {
    const v1 = await started(4, { upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 } });
    await sim.master.putApp({ ...v1, cmd: 'serve v2' }, { force: false });
    const { low } = await upgradeWithin(2, 4, '0.5/0');
    assert.equal(low, 2, 'down to half while replacing');
  });

  it('a new version that never becomes healthy: the deployment stays, old tasks serve, rollback restores', async () => {
    const v1 = await started();
    const oldIds = sim
      .tasks('/web')
      .map((t) => t.id)
      .sort();
    const broken = {
      ...v1,
      cmd: 'serve v2',
      healthChecks: v1.healthChecks.map((c) => ({ ...c, path: BROKEN_PATH })),
    };
    const ref = await sim.master.putApp(broken, { force: false });
    // Long after the new tasks' grace period: they run, fail their checks, and nothing moves.
    await sim.until(() => sim.tasks('/web').filter((t) => t.healthy === false).length === 4, {
      what: 'new tasks unhealthy',
    });
    await sim.clock.advance(60_000);
    await sim.until(() => true);
    assert.deepEqual(
      sim.master.deployments().map((d) => d.id),
      [ref.deploymentId],
      'still deploying',
    );
    const servingIds = sim
      .tasks('/web')
      .filter(serving)
      .map((t) => t.id)
      .sort();
    assert.deepEqual(servingIds, oldIds, 'every old task still serves');

    // A second change to the app is refused while the deployment holds it.
    await assert.rejects(
      sim.master.putApp({ ...broken, instances: 5 }, { force: false }),
      (e: unknown) => isDroverError(e) && e.code === 'APP_LOCKED' && e.extra?.deployments !== undefined,
    );

    const revert = await sim.master.cancelDeployment(ref.deploymentId, false);
    assert.ok(revert, 'a rollback deployment');
    await sim.until(() => sim.settled() && sim.tasks('/web').length === 4, { what: 'rolled back' });
    const app = sim.master.getApp('/web')!;
    assert.equal(app.cmd, 'serve v1');
    assert.equal(app.versionInfo.lastConfigChangeAt, v1.versionInfo.lastConfigChangeAt);
    assert.deepEqual(
      sim
        .tasks('/web')
        .map((t) => t.id)
        .sort(),
      oldIds,
      'the old tasks were kept, the broken ones killed',
    );
  });

  it('force-cancel in the middle stops the deployment and leaves the mix it made', async () => {
    const v1 = await started(4, { upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0 } });
    const seen = events();
    const ref = await sim.master.putApp({ ...v1, cmd: 'serve v2' }, { force: false });
    const v2 = sim.master.getApp('/web')!.versionInfo.lastConfigChangeAt;
    await sim.until(
      () => sim.tasks('/web').filter((t) => t.configVersion === v2 && serving(t)).length === 2,
      {
        what: 'two replaced',
      },
    );
    assert.equal(await sim.master.cancelDeployment(ref.deploymentId, true), undefined);
    assert.ok(sim.settled());
    assert.ok(seen.some((e) => e.eventType === 'deployment_failed'));
    // Steady state from here: four tasks, old and new mixed, nothing replaced any more.
    await sim.until(() => sim.tasks('/web').filter(serving).length === 4 && sim.tasks('/web').length === 4);
    const mix = sim.tasks('/web').map((t) => t.id);
    await sim.clock.advance(30_000);
    await sim.until(() => true);
    assert.deepEqual(
      sim.tasks('/web').map((t) => t.id),
      mix,
    );
    const versions = new Set(sim.tasks('/web').map((t) => t.configVersion));
    assert.equal(versions.size, 2, 'old and new tasks both remain');
  });

  it('a forced change cancels the deployment holding the app', async () => {
    const v1 = await started();
    const broken = {
      ...v1,
      cmd: 'v2',
      healthChecks: v1.healthChecks.map((c) => ({ ...c, path: BROKEN_PATH })),
    };
    const first = await sim.master.putApp(broken, { force: false });
    const second = await sim.master.putApp({ ...v1, cmd: 'v3' }, { force: true });
    assert.deepEqual(
      sim.master.deployments().map((d) => d.id),
      [second.deploymentId],
    );
    assert.notEqual(first.deploymentId, second.deploymentId);
    await sim.until(() => sim.settled(), { what: 'v3 deployed' });
    assert.ok(sim.tasks('/web').every((t) => serving(t)));
  });

  it('an unchanged PUT deploys nothing; a scale is a ScaleApplication', async () => {
    const v1 = await started(2);
    const same = await sim.master.putApp(v1, { force: false });
    assert.equal(same.version, v1.version);
    assert.ok(sim.settled());
    await sim.master.putApp({ ...v1, instances: 3 }, { force: false });
    assert.deepEqual(sim.master.deployments()[0]?.steps, [
      { actions: [{ action: 'ScaleApplication', app: '/web' }] },
    ]);
    await sim.until(() => sim.settled() && sim.tasks('/web').filter(serving).length === 3);
  });

  it('dependencies across a group: db serves before web starts; removal stops web first', async () => {
    sim = await createSim();
    const seen = events();
    const body = parseGroupBody(
      {
        id: 'shop',
        apps: [
          { ...web({ id: 'db', instances: 2 }) },
          { ...web({ id: 'web', instances: 2, dependencies: ['db'] }) },
        ],
      },
      '/',
      { idFromBody: true },
    );
    const result = await sim.master.changeGroups((root) => createGroup(root, body), {
      force: false,
      dryRun: false,
      groupId: '/shop',
    });
    assert.ok('deployment' in result);
    assert.deepEqual(
      sim.master.deployments()[0]?.steps.map((s) => s.actions.map((a) => `${a.action} ${a.app}`)),
      [
        ['StartApplication /shop/db', 'StartApplication /shop/web'],
        ['ScaleApplication /shop/db'],
        ['ScaleApplication /shop/web'],
      ],
    );
    let dbServingAt: number | undefined;
    await sim.until(
      () => {
        if (dbServingAt === undefined && sim.tasks('/shop/db').filter(serving).length === 2)
          dbServingAt = sim.clock.now();
        return sim.settled();
      },
      { what: 'group deployed' },
    );
    const webStaged = Math.min(...sim.tasks('/shop/web').map((t) => t.stagedAt));
    assert.ok(dbServingAt !== undefined && webStaged >= dbServingAt, 'web launched only once db served');
    const steps = seen.filter((e) => e.eventType === 'deployment_step_success').length;
    assert.equal(steps, 3);

    const removal = await sim.master.changeGroups(
      (root) => {
        const draft = { apps: new Map(root.apps), groups: new Map(root.groups), restart: new Set<string>() };
        draft.apps.delete('/shop/db');
        draft.apps.delete('/shop/web');
        return { draft: { ...draft, restored: new Set<string>() }, paths: new Map() };
      },
      { force: false, dryRun: true, groupId: '/shop' },
    );
    assert.ok('plan' in removal);
    assert.deepEqual(
      removal.plan.map((s) => s.actions.map((a) => `${a.action} ${a.app}`)),
      [['StopApplication /shop/web'], ['StopApplication /shop/db']],
    );
  });

  it('a restarted master resumes a deployment where the tasks are', async () => {
    const v1 = await started(2);
    const broken = {
      ...v1,
      cmd: 'v2',
      healthChecks: v1.healthChecks.map((c) => ({ ...c, path: BROKEN_PATH })),
    };
    const ref = await sim.master.putApp(broken, { force: false });
    await sim.until(() => sim.tasks('/web').length === 4, { what: 'new tasks launched' });
    const master = await sim.restartMaster();
    assert.deepEqual(
      master.deployments().map((d) => d.id),
      [ref.deploymentId],
      'the deployment survived the restart',
    );
    // The endpoint gets fixed: the new tasks turn healthy and the deployment finishes.
    sim.probes.fallback = 'healthy';
    await sim.until(() => sim.settled(), { what: 'resumed deployment finished' });
    const current = master.getApp('/web')!.versionInfo.lastConfigChangeAt;
    assert.ok(sim.tasks('/web').every((t) => t.configVersion === current && serving(t)));
    assert.equal(sim.tasks('/web').length, 2);
  });

  it('rolls back with PUT {version}: the stored version comes back with its configuration', async () => {
    const v1 = await started(2);
    await sim.master.putApp({ ...v1, cmd: 'serve v2' }, { force: false });
    await sim.until(() => sim.settled());
    const stored = await sim.master.getAppVersion('/web', v1.version);
    await sim.master.putApp(stored!, { force: false });
    const back = sim.master.getApp('/web')!;
    assert.equal(back.cmd, 'serve v1');
    assert.equal(back.versionInfo.lastConfigChangeAt, v1.versionInfo.lastConfigChangeAt);
    assert.notEqual(back.version, v1.version);
    await sim.until(
      () =>
        sim.settled() &&
        sim.tasks('/web').every((t) => t.configVersion === back.versionInfo.lastConfigChangeAt),
    );
  });

  it('refuses a dependency cycle and an unknown dependency with 422 and paths', async () => {
    sim = await createSim();
    await sim.master
      .createApp(parseAppDefinition({ id: '/a', cmd: 'x', instances: 0, dependencies: ['/b'] }))
      .then(
        () => assert.fail('unknown dependency accepted'),
        (e: unknown) => {
          assert.ok(isDroverError(e) && e.status === 422);
          assert.deepEqual(e.details[0]?.path, '/dependencies(0)');
        },
      );
    await sim.master.createApp(parseAppDefinition({ id: '/b', cmd: 'x', instances: 0 }));
    await sim.master.createApp(
      parseAppDefinition({ id: '/a', cmd: 'x', instances: 0, dependencies: ['/b'] }),
    );
    await sim.until(() => sim.settled());
    const b = sim.master.getApp('/b')!;
    await assert.rejects(
      sim.master.putApp({ ...b, dependencies: ['/a'] }, { force: false }),
      (e: unknown) =>
        isDroverError(e) &&
        e.status === 422 &&
        e.details[0]?.path === '/dependencies(0)' &&
        /cyclic dependencies: \/(a|b) -> \/(a|b) -> \/(a|b)/.test(e.details[0]?.errors[0] ?? ''),
    );
  });
  it('readiness gates a deployment: new tasks that are healthy but not ready replace nothing', async () => {
    const ports = { portDefinitions: [{ port: 0, name: 'http-api' }] };
    const check = (path: string) => [
      { protocol: 'HTTP', path, portName: 'http-api', intervalSeconds: 2, timeoutSeconds: 1 },
    ];
    const v1 = await started(2, { ...ports, readinessChecks: check('/ready') });
    const oldIds = sim
      .tasks('/web')
      .map((t) => t.id)
      .sort();
    sim.probes.fallback = (target) =>
      target.kind === 'http' && target.path === '/not-yet'
        ? { kind: 'http', status: 503, statusText: 'Service Unavailable' }
        : { kind: 'http', status: 200, statusText: 'OK' };
    await sim.master.putApp(
      {
        ...v1,
        cmd: 'serve v2',
        readinessChecks: v1.readinessChecks.map((c) => ({ ...c, path: '/not-yet' })),
      },
      { force: false },
    );
    await sim.until(
      () => sim.tasks('/web').filter((t) => t.healthy === true && t.ready === false).length === 2,
      {
        what: 'new tasks healthy, not ready',
      },
    );
    await sim.clock.advance(20_000);
    await sim.until(() => true);
    const [d] = sim.master.deployments();
    assert.ok(d, 'still deploying');
    const results = d.currentActions[0]?.readinessCheckResults ?? [];
    assert.equal(results.length, 2);
    assert.ok(results.every((r) => r.ready === false && r.name === 'readinessCheck'));
    assert.deepEqual(
      sim
        .tasks('/web')
        .filter(serving)
        .filter((t) => oldIds.includes(t.id)).length,
      2,
      'old tasks keep serving',
    );
    sim.probes.fallback = 'healthy';
    await sim.until(() => sim.settled(), { what: 'ready, deployment done' });
    assert.ok(sim.tasks('/web').every((t) => !oldIds.includes(t.id) && t.ready === true));
  });
});
