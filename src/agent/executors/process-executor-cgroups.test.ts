/**
 * Process tasks in cgroups, against the kernel's real cgroup filesystem (v2 or v1, whichever this
 * machine offers). Needs root, as CI has: without usable cgroups this fails, it never skips.
 * Groups go under a root of their own (`drover-test-<pid>`), removed at the end.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { shellTask } from '../testing/task-spec.js';
import { tempDir } from '../testing/temp-dir.js';
import { removeTestCgroupHost, testCgroupHost } from '../testing/test-cgroups.js';
import { waitFor } from '../testing/wait-for.js';
import { type CgroupHost, describeCgroupHost } from './cgroups/cgroup-host.js';
import { cpuShares, cpuWeight, memoryLimitMib } from './cgroups/cgroup-settings.js';
import { TaskCgroups } from './cgroups/task-cgroups.js';
import type { LaunchContext, RunningTask } from './executor.js';
import { createProcessExecutor } from './process-executor.js';
import { directSpawner } from './spawner/direct-spawner.js';

const rootName = `drover-test-${process.pid}`;
let host: CgroupHost;
let root: { path: string; remove: () => Promise<void> };
const started: RunningTask[] = [];
let n = 0;

before(async () => {
  host = await testCgroupHost(rootName);
  root = await tempDir();
});
after(async () => {
  await Promise.all(started.map((t) => t.kill(0)));
  await root?.remove();
  await removeTestCgroupHost(host);
});

async function context(): Promise<LaunchContext> {
  const sandbox = join(root.path, `t${++n}`);
  await mkdir(sandbox);
  return { sandbox, env: {}, logs: { stdout: join(sandbox, 'stdout'), stderr: join(sandbox, 'stderr') } };
}

/** The task's group in every hierarchy. */
function cgroupDirs(taskId: string): string[] {
  if (host.version === 2) return [join(host.dir, taskId)];
  return [join(host.memory, taskId), ...(host.cpu ? [join(host.cpu, taskId)] : [])];
}

function memoryDir(taskId: string): string {
  return join(host.version === 2 ? host.dir : host.memory, taskId);
}

const limitFile = () => (host.version === 2 ? 'memory.max' : 'memory.limit_in_bytes');

describe(`process executor with cgroups`, () => {
  test('the task and what it starts run in its group, with mem and cpus as limits; the group goes when it ends', async (t) => {
    t.diagnostic(describeCgroupHost(host));
    const executor = createProcessExecutor({ cgroups: new TaskCgroups(host) });
    const ctx = await context();
    const spec = shellTask('limited-1', 'sleep 1000 & echo $! > child.pid; wait', {
      resources: { cpus: 0.25, mem: 40, disk: 0 },
    });
    const task = await executor.launch(spec, ctx);
    started.push(task);
    const dir = memoryDir(spec.taskId);
    const childPid = await waitFor(async () => {
      const text = await readFile(join(ctx.sandbox, 'child.pid'), 'utf8').catch(() => '');
      return text.endsWith('\n') ? Number(text) : undefined;
    }, 'child pid');
    const procs = (await readFile(join(dir, 'cgroup.procs'), 'utf8')).trim().split('\n').map(Number);
    assert.ok(procs.includes(task.pid!), 'the main process is in the group');
    assert.ok(procs.includes(childPid), 'its child was born in the group');
    const limit = (await readFile(join(dir, limitFile()), 'utf8')).trim();
    assert.equal(limit, String(memoryLimitMib(40) * 1024 * 1024));
    assert.equal(memoryLimitMib(40), 56);
    if (host.version === 2 && host.cpu) {
      assert.equal((await readFile(join(dir, 'cpu.weight'), 'utf8')).trim(), String(cpuWeight(0.25)));
    } else if (host.version === 1 && host.cpu) {
      const cpuDir = join(host.cpu, spec.taskId);
      assert.equal((await readFile(join(cpuDir, 'cpu.shares'), 'utf8')).trim(), String(cpuShares(0.25)));
      assert.equal(cpuShares(0.25), 256);
      const cpuProcs = (await readFile(join(cpuDir, 'cgroup.procs'), 'utf8')).trim().split('\n').map(Number);
      assert.ok(cpuProcs.includes(childPid), 'the child is in the cpu group too');
    }
    await task.kill(1_000);
    const exit = await task.exited;
    assert.equal(exit.memoryLimitMib, undefined, 'a kill is no OOM');
    assert.equal(existsSync(dir), false, 'the group is removed once the task has ended');
    if (host.version === 1 && host.cpu) assert.equal(existsSync(join(host.cpu, spec.taskId)), false);
  });

  test('a task over its limit is killed by the kernel and its exit says so', async () => {
    const executor = createProcessExecutor({ cgroups: new TaskCgroups(host), oomPollMs: 100 });
    const ctx = await context();
    // 200 MiB touched page by page against a limit of 32 MiB; without the limit it would keep
    // running, so the test cannot pass by accident.
    const spec = shellTask(
      'limited-oom',
      `exec ${process.execPath} -e "const b=[];for(let i=0;i<200;i++)b.push(Buffer.alloc(1<<20,1));setInterval(()=>{},1000)"`,
      { resources: { cpus: 0.1, mem: 16, disk: 0 } },
    );
    const task = await executor.launch(spec, ctx);
    started.push(task);
    const exit = await task.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(exit.memoryLimitMib, 32);
    assert.equal(existsSync(memoryDir(spec.taskId)), false);
  });

  test('the OOM kill of a child ends the whole task', async () => {
    const executor = createProcessExecutor({ cgroups: new TaskCgroups(host), oomPollMs: 100 });
    const ctx = await context();
    const spec = shellTask(
      'limited-oom-child',
      `${process.execPath} -e "const b=[];for(let i=0;i<200;i++)b.push(Buffer.alloc(1<<20,1))"; sleep 1000`,
      { resources: { cpus: 0.1, mem: 16, disk: 0 } },
    );
    const task = await executor.launch(spec, ctx);
    started.push(task);
    const exit = await task.exited;
    assert.equal(exit.memoryLimitMib, 32, 'the shell that survived its child went too');
  });

  test('groups left empty by a killed agent are swept once old; a live task keeps its group', async () => {
    const cgroups = new TaskCgroups(host);
    const left = await cgroups.create('limited-left', { cpus: 0.1, mem: 8 });
    const executor = createProcessExecutor({ cgroups });
    const task = await executor.launch(shellTask('limited-live', 'sleep 1000'), await context());
    started.push(task);
    assert.equal(await cgroups.sweepStale(Date.now()), 0, 'nothing is old yet');
    const removed = await cgroups.sweepStale(Date.now() + 61_000);
    assert.equal(removed, host.version === 1 && host.cpu ? 2 : 1, 'the empty group, in every hierarchy');
    for (const d of left.dirs) assert.equal(existsSync(d), false);
    assert.ok(existsSync(memoryDir('limited-live')), 'the kernel kept the group that holds a process');
    await task.kill(0);
    await task.exited;
  });

  test('a command that does not exist fails its launch as without limits, and leaves no group', async () => {
    // The spawner helper forks the task inside its group (spawner/cgroup-birth.ts): no gate shell.
    const executor = createProcessExecutor({ cgroups: new TaskCgroups(host) });
    const spec = {
      ...shellTask('limited-missing', ''),
      command: { shell: false as const, argv: ['no-such-binary-drover'] },
    };
    await assert.rejects(executor.launch(spec, await context()), /ENOENT/);
    for (const d of cgroupDirs(spec.taskId)) assert.equal(existsSync(d), false);
  });

  test('forking from the agent: a command that does not exist ends with status 127 (the gate shell exec) and leaves no group', async () => {
    const executor = createProcessExecutor({ cgroups: new TaskCgroups(host), spawner: directSpawner });
    const ctx = await context();
    const spec = {
      ...shellTask('limited-missing-direct', ''),
      command: { shell: false as const, argv: ['no-such-binary-drover'] },
    };
    const task = await executor.launch(spec, ctx);
    const exit = await task.exited;
    assert.equal(exit.exitCode, 127);
    assert.match(await readFile(ctx.logs.stderr, 'utf8'), /no-such-binary-drover/);
    for (const d of cgroupDirs(spec.taskId)) assert.equal(existsSync(d), false);
  });

  test('forking from the agent: the gate puts the task and its children in the group', async () => {
    const executor = createProcessExecutor({ cgroups: new TaskCgroups(host), spawner: directSpawner });
    const ctx = await context();
    const spec = shellTask('limited-gated', 'sleep 1000 & echo $! > child.pid; wait');
    const task = await executor.launch(spec, ctx);
    started.push(task);
    const childPid = await waitFor(async () => {
      const text = await readFile(join(ctx.sandbox, 'child.pid'), 'utf8').catch(() => '');
      return text.endsWith('\n') ? Number(text) : undefined;
    }, 'child pid');
    for (const d of cgroupDirs(spec.taskId)) {
      const procs = (await readFile(join(d, 'cgroup.procs'), 'utf8')).trim().split('\n').map(Number);
      assert.ok(procs.includes(task.pid!) && procs.includes(childPid), `both in ${d}`);
    }
    await task.kill(0);
    await task.exited;
    for (const d of cgroupDirs(spec.taskId)) assert.equal(existsSync(d), false);
  });
});
