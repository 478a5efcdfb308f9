/**
 * The spawner helper forking a task inside its cgroup (cgroup-birth.ts): the home computation
 * (pure), and against the kernel's real cgroups (root, as in CI: without usable cgroups this fails,
 * it never skips) that the child and what it starts are born in the group while the helper ends
 * up where it started.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { shellSpawnRequest } from '../../testing/spawn-request.js';
import { tempDir } from '../../testing/temp-dir.js';
import { removeTestCgroupHost, testCgroupHost } from '../../testing/test-cgroups.js';
import { waitFor, within } from '../../testing/wait-for.js';
import { type CgroupHost, parseCgroupMounts } from '../cgroups/cgroup-host.js';
import { TaskCgroups } from '../cgroups/task-cgroups.js';
import { homeFor, ownGroups } from './cgroup-birth.js';
import { HelperSpawner } from './helper-spawner.js';
import type { SpawnRequest } from './task-spawner.js';

describe('cgroup birth: home of the spawner', () => {
  const mountinfo = [
    '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
    '36 31 0:33 /kube/pod1 /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
    '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  ].join('\n');
  const own = ownGroups('4:memory:/svc/agent\n2:cpu,cpuacct:/kube/pod1/agent\n0::/svc\n');
  const mounts = parseCgroupMounts(mountinfo);

  test('v1: the group of the hierarchy holding the task group, relative to what the mount shows', () => {
    assert.equal(homeFor('/sys/fs/cgroup/memory/drover/t.1', mounts, own), '/sys/fs/cgroup/memory/svc/agent');
    assert.equal(
      homeFor('/sys/fs/cgroup/cpu,cpuacct/drover/t.1', mounts, own),
      '/sys/fs/cgroup/cpu,cpuacct/agent',
    );
  });

  test('v2: the unified line', () => {
    assert.equal(homeFor('/sys/fs/cgroup/unified/drover/t.1', mounts, own), '/sys/fs/cgroup/unified/svc');
  });

  test('a directory on no cgroup mount, or a group outside the mount, is an error', () => {
    assert.throws(() => homeFor('/tmp/x', mounts, own), /on no cgroup mount/);
    const outside = ownGroups('2:cpu,cpuacct:/elsewhere\n');
    assert.throws(() => homeFor('/sys/fs/cgroup/cpu,cpuacct/drover/t', mounts, outside), /outside/);
  });
});

const rootName = `drover-test-birth-${process.pid}`;
let host: CgroupHost;
let root: { path: string; remove: () => Promise<void> };
let n = 0;

before(async () => {
  host = await testCgroupHost(rootName);
  root = await tempDir();
});
after(async () => {
  await root?.remove();
  await removeTestCgroupHost(host);
});

async function request(command: string, cgroup: string[]): Promise<SpawnRequest> {
  const dir = join(root.path, `s${++n}`);
  await mkdir(dir);
  return shellSpawnRequest(dir, command, { cgroup });
}

const groupsOf = async (pid: number) => (await readFile(`/proc/${pid}/cgroup`, 'utf8')).trim();

describe('cgroup birth: the spawner helper against real cgroups', () => {
  test('the task and its child are born in every hierarchy of the group; the helper goes back home', async () => {
    const cgroups = new TaskCgroups(host);
    const group = await cgroups.create('birth-1', { cpus: 0.1, mem: 16 });
    const spawner = new HelperSpawner();
    const req = await request('sleep 1000 & echo $! > child.pid; wait', group.dirs);
    const child = await spawner.spawn(req);
    try {
      const childPid = await waitFor(async () => {
        const text = await readFile(join(req.cwd, 'child.pid'), 'utf8').catch(() => '');
        return text.endsWith('\n') ? Number(text) : undefined;
      }, 'child pid');
      for (const dir of group.dirs) {
        const procs = (await readFile(join(dir, 'cgroup.procs'), 'utf8')).trim().split('\n').map(Number);
        assert.ok(procs.includes(child.pid), `the task is in ${dir}`);
        assert.ok(procs.includes(childPid), `its child is in ${dir}`);
        assert.ok(!procs.includes(spawner.pid!), `the helper left ${dir}`);
      }
      assert.equal(
        await groupsOf(spawner.pid!),
        await groupsOf(process.pid),
        'the helper is back where it began',
      );
    } finally {
      await group.remove();
    }
    assert.deepEqual(await within(child.exit, 'the exit'), { exitCode: null, signal: 'SIGKILL' });
  });

  test('a group that is gone fails the spawn before anything runs; the helper stays home and spawns on', async () => {
    const cgroups = new TaskCgroups(host);
    const group = await cgroups.create('birth-2', { cpus: 0.1, mem: 16 });
    await group.remove();
    const spawner = new HelperSpawner();
    const req = await request('echo ran > ran', group.dirs);
    await assert.rejects(spawner.spawn(req), /cannot put the task in its cgroup/);
    assert.equal(existsSync(join(req.cwd, 'ran')), false, 'nothing ran');
    assert.equal(await groupsOf(spawner.pid!), await groupsOf(process.pid));
    const again = await cgroups.create('birth-3', { cpus: 0.1, mem: 16 });
    try {
      const ok = await spawner.spawn(await request('exit 4', again.dirs));
      assert.deepEqual(await within(ok.exit, 'the exit'), { exitCode: 4, signal: null });
    } finally {
      await again.remove();
    }
  });
});
