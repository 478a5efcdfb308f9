import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppDefinition } from '../domain/app.js';
import { parseAppDefinition } from '../domain/app-validate.js';
import { isDroverError } from '../domain/errors.js';
import { dependencyGraph, dependencyLevels, findCycle } from './dependency-graph.js';
import { dependencyIssues } from './dependency-validation.js';
import { planDeployment } from './deployment-plan.js';
import { draftOf, withApps, withoutApp, withRestart, withRestored } from './root-draft.js';
import { type GroupRecord, type RootGroup, rootGroup } from './root-group.js';
import { stampTarget } from './target-root.js';

const V0 = '2026-01-01T00:00:00.000Z';
const V1 = '2026-01-01T00:00:01.000Z';

function app(id: string, over: Record<string, unknown> = {}): AppDefinition {
  const spec = parseAppDefinition({ id, cmd: 'serve', portDefinitions: [], ...over });
  return { ...spec, version: V0, versionInfo: { lastScalingAt: V0, lastConfigChangeAt: V0 } };
}

function root(apps: AppDefinition[], groups: GroupRecord[] = []): RootGroup {
  return rootGroup(V0, groups, apps);
}

const actions = (steps: { actions: { action: string; app: string }[] }[]) =>
  steps.map((s) => s.actions.map((a) => `${a.action} ${a.app}`));

describe('planDeployment', () => {
  it('plans nothing for an unchanged root', () => {
    const r = root([app('/a'), app('/b')]);
    const target = stampTarget(r, draftOf(r), V1);
    assert.equal(target.version, V0, 'nothing changed, no new version');
    assert.deepEqual(planDeployment(r, target), { steps: [], affectedApps: [] });
  });

  it('starts a new app at 0, then scales it', () => {
    const r = root([]);
    const target = stampTarget(r, withApps(r, [app('/a')]), V1);
    assert.deepEqual(actions(planDeployment(r, target).steps), [
      ['StartApplication /a'],
      ['ScaleApplication /a'],
    ]);
  });

  it('scales on an instances-only change and restarts on a config change or a restart', () => {
    const r = root([app('/a'), app('/b'), app('/c')]);
    const draft = withApps(r, [
      { ...app('/a'), instances: 5 },
      { ...app('/b'), cmd: 'serve --v2' },
    ]);
    draft.restart.add('/c');
    const plan = planDeployment(r, stampTarget(r, draft, V1));
    assert.deepEqual(actions(plan.steps), [
      ['ScaleApplication /a', 'RestartApplication /b', 'RestartApplication /c'],
    ]);
    assert.deepEqual(plan.affectedApps, ['/a', '/b', '/c']);
  });

  it('orders by dependencies: dependencies start first, dependents stop first', () => {
    const db = app('/prod/db');
    const web = app('/prod/web', { dependencies: ['db'] });
    const lb = app('/lb', { dependencies: ['/prod'] });
    const empty = root([]);
    const full = stampTarget(empty, withApps(empty, [db, web, lb]), V1);
    assert.deepEqual(actions(planDeployment(empty, full).steps), [
      ['StartApplication /lb', 'StartApplication /prod/db', 'StartApplication /prod/web'],
      ['ScaleApplication /prod/db'],
      ['ScaleApplication /prod/web'],
      ['ScaleApplication /lb'],
    ]);
    const gone = stampTarget(full, { apps: new Map(), groups: new Map() }, '2026-01-01T00:00:02.000Z');
    assert.deepEqual(actions(planDeployment(full, gone).steps), [
      ['StopApplication /lb'],
      ['StopApplication /prod/web'],
      ['StopApplication /prod/db'],
    ]);
  });

  it('honours group dependencies for every app in the group', () => {
    const r = root(
      [app('/data/db'), app('/data/cache'), app('/svc/api'), app('/svc/ui')],
      [{ id: '/svc', dependencies: ['/data'], version: V0 }],
    );
    const levels = dependencyLevels(dependencyGraph(r));
    assert.equal(levels.get('/data/db'), 0);
    assert.equal(levels.get('/svc/api'), 1);
    assert.equal(levels.get('/svc/ui'), 1);
  });

  it('stops removed apps, restarts changed ones, in one plan', () => {
    const r = root([app('/a'), app('/b')]);
    const target = stampTarget(
      r,
      withRestart({ ...r, apps: withoutApp(r, '/a').apps } as RootGroup, '/b'),
      V1,
    );
    assert.deepEqual(actions(planDeployment(r, target).steps), [
      ['StopApplication /a'],
      ['RestartApplication /b'],
    ]);
  });
});

describe('stampTarget', () => {
  it('keeps lastConfigChangeAt on a scale, moves it on a change, restores it on a rollback', () => {
    const a = app('/a');
    const r = root([a]);
    const scaled = stampTarget(r, withApps(r, [{ ...a, instances: 4 }]), V1).apps.get('/a')!;
    assert.equal(scaled.version, V1);
    assert.equal(scaled.versionInfo.lastConfigChangeAt, V0);

    const { version: _v, versionInfo: _vi, ...spec } = a;
    const changed = stampTarget(r, withApps(r, [{ ...spec, cmd: 'new' }]), V1).apps.get('/a')!;
    assert.equal(changed.versionInfo.lastConfigChangeAt, V1);

    const r2 = rootGroup(V1, [], [changed]);
    const V2 = '2026-01-01T00:00:02.000Z';
    const back = stampTarget(r2, withRestored(r2, [a]), V2).apps.get('/a')!;
    assert.equal(back.version, V2);
    assert.equal(back.cmd, 'serve');
    assert.equal(back.versionInfo.lastConfigChangeAt, V0, 'the stored configuration comes back');
  });

  it('moves the version of every group where something changed, and only those', () => {
    const r = root([app('/x/a'), app('/y/b')]);
    const t = stampTarget(r, withApps(r, [{ ...app('/x/a'), instances: 2 }]), V1);
    assert.equal(t.version, V1);
    assert.equal(t.groups.get('/x')?.version, V1);
    assert.equal(t.groups.get('/y')?.version, V0);
  });

  it('assigns service ports across the target, keeping the ones apps hold', () => {
    const a = { ...app('/a', { portDefinitions: [{ port: 10000 }] }) };
    const r = root([a]);
    const spec = parseAppDefinition({ id: '/b', cmd: 'x' });
    const t = stampTarget(r, withApps(r, [spec]), V1);
    assert.equal(t.apps.get('/a'), a, 'unchanged app kept as is');
    assert.deepEqual(
      t.apps.get('/b')!.portDefinitions.map((p) => p.port),
      [10001],
    );
  });

  it('reports a service port conflict at the path the request wrote', () => {
    const r = root([app('/a', { portDefinitions: [{ port: 10005 }] })]);
    const spec = parseAppDefinition({ id: '/g/b', cmd: 'x', portDefinitions: [{ port: 10005 }] });
    assert.throws(
      () =>
        stampTarget(r, withApps(r, [spec]), V1, { pathOf: (id) => (id === '/g/b' ? '/apps(0)' : undefined) }),
      (e: unknown) => {
        assert.ok(isDroverError(e));
        assert.deepEqual(e.details[0]?.path, '/apps(0)/portDefinitions(0)/port');
        return true;
      },
    );
  });
});

describe('dependency validation', () => {
  it('refuses a cycle, naming the ids and the field that closes it', () => {
    const r = root([app('/a', { dependencies: ['/b'] }), app('/b', { dependencies: ['/a'] })]);
    const issues = dependencyIssues(r, (id) => (id === '/b' ? '' : undefined));
    assert.deepEqual(issues, [
      { path: '/dependencies(0)', errors: ['Dependency graph has cyclic dependencies: /a -> /b -> /a'] },
    ]);
  });

  it('refuses a group depending on its own app as a cycle', () => {
    const r = root([app('/g/a')], [{ id: '/g', dependencies: ['/g/a'], version: V0 }]);
    assert.ok(findCycle(dependencyGraph(r)));
  });

  it('refuses unknown ids only for what the request wrote', () => {
    const r = root([app('/a', { dependencies: ['/nope'] }), app('/b', { dependencies: ['/gone'] })]);
    assert.deepEqual(
      dependencyIssues(r, (id) => (id === '/a' ? '/apps(0)' : undefined)),
      [
        {
          path: '/apps(0)/dependencies(0)',
          errors: ['Dependency /nope does not exist: no app or group has this id'],
        },
      ],
    );
  });

  it('accepts dependencies on groups and apps that exist', () => {
    const r = root([app('/d/db'), app('/web', { dependencies: ['/d', '/d/db'] })]);
    assert.deepEqual(
      dependencyIssues(r, () => ''),
      [],
    );
  });
});
