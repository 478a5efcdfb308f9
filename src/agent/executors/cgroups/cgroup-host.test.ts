import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from '../../testing/temp-dir.js';
import { type CgroupDetection, describeCgroupHost, detectCgroups, parseCgroupMounts } from './cgroup-host.js';

const line = (id: number, mountPoint: string, fsType: string, options: string) =>
  `${id} 30 0:${id} / ${mountPoint} rw,nosuid - ${fsType} ${fsType} ${options}`;

describe('cgroup host detection', () => {
  test('mountinfo: cgroup and cgroup2 mounts with their controllers; others ignored', () => {
    const info = [
      line(1, '/sys/fs/cgroup/memory', 'cgroup', 'rw,memory'),
      line(2, '/sys/fs/cgroup/cpu,cpuacct', 'cgroup', 'rw,cpu,cpuacct'),
      line(3, '/sys/fs/cgroup/unified', 'cgroup2', 'rw,nsdelegate'),
      line(4, '/proc', 'proc', 'rw'),
      line(5, '/mnt/with\\040space', 'cgroup', 'rw,pids'),
    ].join('\n');
    assert.deepEqual(parseCgroupMounts(info), [
      { mountPoint: '/sys/fs/cgroup/memory', root: '/', fsType: 'cgroup', options: ['rw', 'memory'] },
      {
        mountPoint: '/sys/fs/cgroup/cpu,cpuacct',
        root: '/',
        fsType: 'cgroup',
        options: ['rw', 'cpu', 'cpuacct'],
      },
      { mountPoint: '/sys/fs/cgroup/unified', root: '/', fsType: 'cgroup2', options: ['rw', 'nsdelegate'] },
      { mountPoint: '/mnt/with space', root: '/', fsType: 'cgroup', options: ['rw', 'pids'] },
    ]);
  });

  test('v1: drover directories made in the memory and cpu hierarchies (cpuacct and cpuset are not cpu)', async () => {
    const root = await tempDir();
    try {
      for (const d of ['memory', 'cpuacct', 'cpuset', 'cpu']) await mkdir(join(root.path, d));
      const info = [
        line(1, join(root.path, 'cpuacct'), 'cgroup', 'rw,cpuacct'),
        line(2, join(root.path, 'cpuset'), 'cgroup', 'rw,cpuset'),
        line(3, join(root.path, 'memory'), 'cgroup', 'rw,memory'),
        line(4, join(root.path, 'cpu'), 'cgroup', 'rw,cpu'),
      ].join('\n');
      const found: CgroupDetection = await detectCgroups({ mountinfo: info, rootName: 'dr' });
      assert.ok('host' in found);
      assert.match(describeCgroupHost(found.host), /^cgroup v1 \(memory at .*, cpu at /);
      assert.deepEqual(found, {
        host: { version: 1, memory: join(root.path, 'memory', 'dr'), cpu: join(root.path, 'cpu', 'dr') },
      });
      assert.ok(existsSync(join(root.path, 'memory', 'dr')));
    } finally {
      await root.remove();
    }
  });

  test('v2 without a memory controller (a hybrid mount) falls back to v1', async () => {
    const root = await tempDir();
    try {
      await mkdir(join(root.path, 'unified'));
      await writeFile(join(root.path, 'unified', 'cgroup.controllers'), '\n');
      await mkdir(join(root.path, 'memory'));
      const info = [
        line(1, join(root.path, 'unified'), 'cgroup2', 'rw'),
        line(2, join(root.path, 'memory'), 'cgroup', 'rw,memory'),
      ].join('\n');
      const found = await detectCgroups({ mountinfo: info, rootName: 'dr' });
      assert.deepEqual(found, {
        host: { version: 1, memory: join(root.path, 'memory', 'dr'), cpu: undefined },
      });
    } finally {
      await root.remove();
    }
  });

  test('v2 with memory and cpu enables both for the drover group', async () => {
    const root = await tempDir();
    try {
      await writeFile(join(root.path, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
      const found = await detectCgroups({ mountinfo: line(1, root.path, 'cgroup2', 'rw'), rootName: 'dr' });
      assert.deepEqual(found, { host: { version: 2, dir: join(root.path, 'dr'), cpu: true } });
      // A plain directory stands in for cgroupfs here: the writes land as files.
      const { readFile } = await import('node:fs/promises');
      assert.equal(await readFile(join(root.path, 'cgroup.subtree_control'), 'utf8'), '+memory +cpu');
      assert.equal(await readFile(join(root.path, 'dr', 'cgroup.subtree_control'), 'utf8'), '+memory +cpu');
    } finally {
      await root.remove();
    }
  });

  test('unwritable or missing hierarchies are an answer with the reason, not an error', async () => {
    const root = await tempDir();
    try {
      // A file where the hierarchy should be: mkdir below it fails as on a read-only mount.
      await writeFile(join(root.path, 'memory'), '');
      const found = await detectCgroups({
        mountinfo: line(1, join(root.path, 'memory'), 'cgroup', 'rw,memory'),
      });
      assert.ok('unavailable' in found);
      assert.match(found.unavailable, /cgroup v1 memory hierarchy at .* is not writable/);
      const none = await detectCgroups({ mountinfo: line(1, '/proc', 'proc', 'rw') });
      assert.deepEqual(none, { unavailable: 'no cgroup hierarchy with the memory controller is mounted' });
    } finally {
      await root.remove();
    }
  });
});
