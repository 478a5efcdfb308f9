import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Principal, roleAllows } from './roles.js';

const admin: Principal = { name: 'root', role: 'admin' };
const deployer: Principal = { name: 'ci', role: 'deployer' };
const viewer: Principal = { name: 'dash', role: 'viewer' };
const logViewer: Principal = { name: 'oncall', role: 'viewer', logs: true };

test('admin may call everything', () => {
  for (const [m, p] of [
    ['POST', '/v2/agents/a1/drain'],
    ['DELETE', '/v2/leader'],
    ['GET', '/v2/audit'],
    ['PUT', '/v2/secrets/db'],
  ])
    assert.ok(roleAllows(admin, m!, p!), `${m} ${p}`);
});

test('deployer changes apps, groups, deployments, tasks, jobs and secrets, not agents or leadership', () => {
  for (const [m, p] of [
    ['POST', '/v2/apps'],
    ['PUT', '/v2/apps/web'],
    ['DELETE', '/v2/groups/prod'],
    ['DELETE', '/v2/deployments/d1'],
    ['POST', '/v2/tasks/delete'],
    ['DELETE', '/v2/queue/web/delay'],
    ['POST', '/scheduler/iso8601'],
    ['PUT', '/v1/scheduler/job/nightly'],
    ['PUT', '/v2/secrets/db'],
    ['GET', '/v2/secrets'],
    ['GET', '/v2/tasks/t1/logs'],
  ])
    assert.ok(roleAllows(deployer, m!, p!), `${m} ${p}`);
  for (const [m, p] of [
    ['POST', '/v2/agents/a1/drain'],
    ['DELETE', '/v2/leader'],
    ['GET', '/v2/audit'],
    ['POST', '/v2/appsX'],
    ['POST', '/v2/events'],
  ])
    assert.ok(!roleAllows(deployer, m!, p!), `${m} ${p}`);
});

test('viewer reads only; logs by its flag; never the audit log or the secret names', () => {
  for (const p of ['/v2/apps', '/v2/tasks', '/v2/agents', '/scheduler/jobs', '/v2/events'])
    assert.ok(roleAllows(viewer, 'GET', p), p);
  for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) assert.ok(!roleAllows(viewer, m, '/v2/apps'), m);
  assert.ok(!roleAllows(viewer, 'GET', '/v2/tasks/t1/logs'));
  assert.ok(roleAllows(logViewer, 'GET', '/v2/tasks/t1/logs'));
  assert.ok(roleAllows(logViewer, 'GET', '/scheduler/job/nightly/runs/3/logs'));
  assert.ok(!roleAllows(logViewer, 'GET', '/v2/audit'));
  assert.ok(!roleAllows(viewer, 'GET', '/v2/secrets'));
});
