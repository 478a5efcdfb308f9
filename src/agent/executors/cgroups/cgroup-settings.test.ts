import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cgroupWrites, cpuShares, cpuWeight, memoryLimitMib, parseOomKills } from './cgroup-settings.js';

const MiB = 1024 * 1024;

describe('cgroup settings', () => {
  test('memory: mem plus 16 MiB of headroom, at least 32 MiB (Mesos floor)', () => {
    assert.equal(memoryLimitMib(32), 48);
    assert.equal(memoryLimitMib(128), 144);
    assert.equal(memoryLimitMib(8), 32);
    assert.equal(memoryLimitMib(16.5), 33);
  });

  test('cpu: 1024 shares per cpu (at least 2); v2 weight by the kernel mapping', () => {
    assert.equal(cpuShares(1), 1024);
    assert.equal(cpuShares(0.5), 512);
    assert.equal(cpuShares(0.001), 2);
    assert.equal(cpuWeight(1), 39);
    assert.equal(cpuWeight(0.001), 1);
    assert.equal(cpuWeight(1000), 10_000);
  });

  test('v1 writes the memory limit before the swap limit, shares, and a quota only when asked', () => {
    assert.deepEqual(cgroupWrites(1, { cpus: 0.5, mem: 32 }), [
      { controller: 'memory', file: 'memory.limit_in_bytes', value: String(48 * MiB) },
      { controller: 'memory', file: 'memory.memsw.limit_in_bytes', value: String(48 * MiB), optional: true },
      { controller: 'cpu', file: 'cpu.shares', value: '512' },
    ]);
    const quota = cgroupWrites(1, { cpus: 0.5, mem: 32 }, { cpuQuota: true }).slice(3);
    assert.deepEqual(quota, [
      { controller: 'cpu', file: 'cpu.cfs_period_us', value: '100000' },
      { controller: 'cpu', file: 'cpu.cfs_quota_us', value: '50000' },
    ]);
    assert.equal(cgroupWrites(1, { cpus: 1, mem: 1 }, { cpuController: false }).length, 2);
  });

  test('v2 writes memory.max, no swap, cpu.weight and cpu.max with a quota', () => {
    assert.deepEqual(cgroupWrites(2, { cpus: 2, mem: 100 }, { cpuQuota: true }), [
      { controller: 'memory', file: 'memory.max', value: String(116 * MiB) },
      { controller: 'memory', file: 'memory.swap.max', value: '0', optional: true },
      { controller: 'cpu', file: 'cpu.weight', value: '79' },
      { controller: 'cpu', file: 'cpu.max', value: '200000 100000' },
    ]);
  });

  test('OOM kills are read from v1 memory.oom_control and v2 memory.events', () => {
    assert.equal(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n'), 2);
    assert.equal(parseOomKills('low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n'), 1);
    assert.equal(parseOomKills('oom_kill_disable 0\nunder_oom 0\n'), 0);
  });
});
