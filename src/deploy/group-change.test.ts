import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppDefinition, AppSpec } from '../domain/app.js';
import { parseAppDefinition } from '../domain/app-validate.js';
import type { DeploymentRecord } from '../domain/deployment.js';
import { type DroverError, isDroverError } from '../domain/errors.js';
import { planDeployment } from './deployment-plan.js';
import { parseGroupBody } from './group-body.js';
import {
  createGroup,
  deleteGroup,
  patchGroup,
  replaceGroup,
  rollbackGroup,
  scaleGroup,
} from './group-change.js';
import { revertDraft } from './revert.js';
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

function details(fn: () => unknown): DroverError['details'] {
  try {
    fn();
  } catch (e) {
    assert.ok(isDroverError(e), String(e));
    return e.details;
  }
  assert.fail('expected a 422');
}

describe('parseGroupBody', () => {
  it('resolves nested ids relative to their group and dependencies relative to the group itself', () => {
    const body = parseGroupBody(
      {
        id: 'prod',
        dependencies: ['../infra'],
        apps: [{ id: 'web', cmd: 'x' }],
        groups: [{ id: 'db', apps: [{ id: '/prod/db/pg', cmd: 'y' }] }],
      },
      '/',
      { idFromBody: true },
    );
    assert.equal(body.id, '/prod');
    assert.deepEqual(body.dependencies, ['/infra']);
    assert.equal(body.apps?.[0]?.id, '/prod/web');
    assert.equal(body.groups?.[0]?.id, '/prod/db');
    assert.equal(body.groups?.[0]?.apps?.[0]?.id, '/prod/db/pg');
    assert.equal(body.groups?.[0]?.apps?.[0]?.path, '/groups(0)/apps(0)');
  });

  it('reports every problem with Marathon paths', () => {
    const d = details(() =>
      parseGroupBody(
        {
          apps: [{ id: '/elsewhere/web', cmd: 'x' }, 'nope'],
          groups: [{ id: 'a', bogus: 1 }],
          scaleBy: -1,
        },
        '/prod',
      ),
    );
    const byPath = Object.fromEntries(d.map((x) => [x.path, x.errors]));
    assert.deepEqual(byPath['/apps(0)/id'], [
      'identifier /elsewhere/web is not child of /prod. Hint: use relative paths.',
    ]);
    assert.deepEqual(byPath['/apps(1)'], ['error.expected.jsobject']);
    assert.deepEqual(byPath['/groups(0)/bogus'], ['unknown field']);
    assert.ok(byPath['/scaleBy']);
  });

  it('refuses an app and a group with the same id', () => {
    const d = details(() =>
      parseGroupBody({ apps: [{ id: 'x', cmd: 'a' }], groups: [{ id: 'x' }] }, '/prod'),
    );
    assert.match(d[0]!.errors[0]!, /may not have the same identifier: \/prod\/x/);
  });
});

describe('group changes', () => {
  const current = root([app('/prod/web', { instances: 2 }), app('/prod/worker'), app('/other')]);

  it('POST refuses an existing group with 409', () => {
    assert.throws(
      () => createGroup(current, parseGroupBody({ id: 'prod' }, '/', { idFromBody: true })),
      (e: unknown) => isDroverError(e) && e.status === 409 && /already created/.test(e.message),
    );
  });

  it('POST creates apps inside the new group', () => {
    const change = createGroup(
      current,
      parseGroupBody({ id: 'new', apps: [{ id: 'a', cmd: 'x' }] }, '/', { idFromBody: true }),
    );
    assert.ok(change.draft.apps.has('/new/a'));
    assert.equal(change.paths.get('/new/a'), '/apps(0)');
  });

  it('PUT with apps replaces the group’s apps; without them keeps them', () => {
    const put = replaceGroup(current, parseGroupBody({ apps: [{ id: 'web', cmd: 'v2' }] }, '/prod'));
    assert.deepEqual([...put.draft.apps.keys()].sort(), ['/other', '/prod/web']);
    const deps = replaceGroup(current, parseGroupBody({ dependencies: ['/other'] }, '/prod'));
    assert.deepEqual([...deps.draft.apps.keys()].sort(), ['/other', '/prod/web', '/prod/worker']);
    assert.deepEqual(deps.draft.groups.get('/prod')?.dependencies, ['/other']);
  });

  it('PATCH patches listed apps and removes nothing', () => {
    const patch = patchGroup(current, parseGroupBody({ apps: [{ id: 'web', instances: 5 }] }, '/prod'));
    const web = patch.draft.apps.get('/prod/web')!;
    assert.equal(web.instances, 5);
    assert.equal(web.cmd, 'serve');
    assert.ok(patch.draft.apps.has('/prod/worker'));
  });

  it('PUT reports invalid apps at their path in the body', () => {
    const d = details(() =>
      replaceGroup(current, parseGroupBody({ apps: [{ id: 'web', cpus: -1 }] }, '/prod')),
    );
    assert.ok(
      d.some((x) => x.path === '/apps(0)/cpus'),
      JSON.stringify(d),
    );
  });

  it('scaleBy rounds up, DELETE removes the subtree, 404 for unknown groups', () => {
    const scaled = scaleGroup(current, '/prod', 1.5);
    assert.equal(scaled.draft.apps.get('/prod/web')?.instances, 3);
    assert.equal(scaled.draft.apps.get('/prod/worker')?.instances, 2);
    assert.equal(scaled.draft.apps.get('/other')?.instances, 1);
    const deleted = deleteGroup(current, '/prod');
    assert.deepEqual([...deleted.draft.apps.keys()], ['/other']);
    assert.ok(!deleted.draft.groups.has('/prod'));
    assert.throws(
      () => deleteGroup(current, '/nope'),
      (e: unknown) => isDroverError(e) && e.status === 404,
    );
  });

  it('rolls a group back to a stored version, keeping the rest of the root', () => {
    const before = root([app('/prod/web', { instances: 2 }), app('/prod/old')]);
    const change = rollbackGroup(current, '/prod', before);
    assert.deepEqual([...change.draft.apps.keys()].sort(), ['/other', '/prod/old', '/prod/web']);
    const target = stampTarget(current, change.draft, V1);
    assert.equal(target.apps.get('/prod/old')?.versionInfo.lastConfigChangeAt, V0, 'restored as stored');
  });
});

describe('revertDraft', () => {
  it('undoes what a deployment did, on top of the current root', () => {
    const web = app('/prod/web');
    const original = root([web, app('/gone')]);
    const { version: _v, versionInfo: _vi, ...spec } = web;
    const changed = { ...spec, cmd: 'v2' };
    const target = stampTarget(
      original,
      {
        apps: new Map<string, AppSpec | AppDefinition>([
          ['/prod/web', changed],
          ['/new/a', parseAppDefinition({ id: '/new/a', cmd: 'x' })],
        ]),
        groups: new Map(),
      },
      V1,
    );
    const plan = planDeployment(original, target);
    const d: DeploymentRecord = {
      id: 'd1',
      version: V1,
      affectedApps: plan.affectedApps,
      steps: plan.steps,
      currentStep: 1,
      original: {
        apps: plan.affectedApps.flatMap((id) => (original.apps.has(id) ? [original.apps.get(id)!] : [])),
        groups: [...original.groups.values()],
      },
      target: {
        apps: plan.affectedApps.flatMap((id) => (target.apps.has(id) ? [target.apps.get(id)!] : [])),
        groups: [...target.groups.values()],
      },
    };
    const V2 = '2026-01-01T00:00:02.000Z';
    const reverted = stampTarget(target, revertDraft(target, d), V2);
    assert.deepEqual([...reverted.apps.keys()].sort(), ['/gone', '/prod/web']);
    assert.equal(reverted.apps.get('/prod/web')?.cmd, 'serve');
    assert.equal(reverted.apps.get('/prod/web')?.versionInfo.lastConfigChangeAt, V0);
    assert.ok(!reverted.groups.has('/new'), 'the group the deployment created is gone');
  });
});
