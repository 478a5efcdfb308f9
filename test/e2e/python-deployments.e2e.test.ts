/**
 * Compatibility: Debian's python3-marathon client (apt, run by /usr/bin/python3) against a real
 * `drover up`, through fixtures/marathon_deployments_check.py: a version that never becomes
 * healthy stays listed in `/v2/deployments` (Marathon's shape, parsed by the client), the old
 * tasks keep serving, `delete_deployment` rolls it back keeping them, `rollback_app` restores a
 * stored version, and groups are created, read, scaled and deleted. A missing client is a
 * failure, never a skip: CI provisions it (scripts/provision.sh).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DroverProcess, liveTaskIds } from './support/drover-process.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'fixtures', 'marathon_deployments_check.py');

interface CheckResult {
  v1: { deployments_after: number; tasks: number };
  deployment: {
    id_matches: boolean;
    affected_apps: string[];
    steps: Array<Array<[string, string]>>;
    current_step: number;
    total_steps: number;
    current_actions: Array<[string, string]>;
  };
  stuck: { deployments: boolean; old_tasks_serving: boolean; app_lists_deployment: boolean };
  rollback: {
    keys: string[];
    new_deployment: boolean;
    message: string;
    unhealthy_file: boolean;
    kept_old_tasks: boolean;
  };
  rollback_app: { keys: string[]; message: string; versions: number };
  groups: {
    created_keys: string[];
    top: string[];
    base_apps: string[];
    base_groups: string[];
    group_apps: Array<[string, number]>;
    group_has_version: boolean;
  };
  scaled: number;
  after_delete: string[];
}

test('python3-marathon (Debian): deployments listed, rolled back; app rollback; groups read, scaled, deleted', {
  timeout: 300_000,
}, async (t) => {
  try {
    await run(PYTHON, ['-c', 'import marathon']);
  } catch (err) {
    assert.fail(
      `Debian's python3-marathon is not importable by ${PYTHON} (run: sudo bash scripts/provision.sh): ${
        (err as Error).message
      }`,
    );
  }

  const drover = await DroverProcess.startFor(t);
  const unhealthy = join(drover.dataDir, 'v2-unhealthy');
  writeFileSync(unhealthy, 'v2 never becomes healthy\n');
  let stdout: string;
  try {
    ({ stdout } = await run(PYTHON, [SCRIPT, drover.url, '/deploy', unhealthy], { timeout: 280_000 }));
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    assert.fail(
      `deployments client script failed: ${e.message}\n${e.stderr ?? ''}\ndrover:\n${drover.output().slice(-3000)}`,
    );
  }
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as CheckResult;

  assert.deepEqual(r.v1, { deployments_after: 0, tasks: 2 });
  assert.deepEqual(r.deployment, {
    id_matches: true,
    affected_apps: ['/deploy/web'],
    steps: [[['RestartApplication', '/deploy/web']]],
    current_step: 1,
    total_steps: 1,
    current_actions: [['RestartApplication', '/deploy/web']],
  });
  assert.deepEqual(r.stuck, { deployments: true, old_tasks_serving: true, app_lists_deployment: true });
  assert.deepEqual(r.rollback, {
    keys: ['deploymentId', 'version'],
    new_deployment: true,
    message: 'v1',
    unhealthy_file: false,
    kept_old_tasks: true,
  });
  assert.deepEqual(r.rollback_app.keys, ['deploymentId', 'version']);
  assert.equal(r.rollback_app.message, 'v1');
  assert.ok(r.rollback_app.versions >= 4, `versions: ${r.rollback_app.versions}`);
  assert.deepEqual(r.groups, {
    created_keys: ['deploymentId', 'version'],
    top: ['/deploy'],
    base_apps: ['/deploy/web'],
    base_groups: ['/deploy/grp'],
    group_apps: [['/deploy/grp/worker', 1]],
    group_has_version: true,
  });
  assert.equal(r.scaled, 2);
  assert.deepEqual(r.after_delete, []);
  await drover.waitNoTaskProcesses();
  assert.equal(liveTaskIds(drover.dataDir).size, 0);
});
